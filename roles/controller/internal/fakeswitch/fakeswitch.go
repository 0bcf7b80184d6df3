// Package fakeswitch is an OpenFlow switch for controller tests: it speaks
// the switch side of an openflow.Conn, answers the setup requests
// (features, port description, barrier, echo), keeps a flow table from the
// flow mods it receives, and hands every other controller message to the
// test.
package fakeswitch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// Config describes the fake switch.
type Config struct {
	Versions     []openflow.Version // offered; default 1.3 and 1.0
	DPID         uint64
	Ports        []flow.PortDesc
	NBuffers     uint32
	EchoInterval time.Duration // default: keepalive off
	// RefuseBarrier answers barrier requests with an error.
	RefuseBarrier bool
}

// Msg is one message from the controller: its header, the wire message
// and, when flow can convert it, the model message.
type Msg struct {
	H    openflow.Header
	Wire openflow.Message
	Flow flow.Message
}

// Switch is a running fake switch.
type Switch struct {
	cfg  Config
	conn *openflow.Conn
	in   chan Msg
	done chan struct{}

	mu    sync.Mutex
	flows []flow.FlowMod
	err   error
}

// Start handshakes on nc and serves the controller in the background.
func Start(ctx context.Context, nc net.Conn, cfg Config) (*Switch, error) {
	if cfg.EchoInterval == 0 {
		cfg.EchoInterval = -1
	}
	conn := openflow.NewConn(nc, openflow.Config{Versions: cfg.Versions, Codecs: []openflow.Codec{of10.Codec, of13.Codec}, EchoInterval: cfg.EchoInterval})
	if _, err := conn.Handshake(ctx); err != nil {
		return nil, err
	}
	s := &Switch{cfg: cfg, conn: conn, in: make(chan Msg, 4096), done: make(chan struct{})}
	go s.loop()
	return s, nil
}

// Version returns the negotiated version.
func (s *Switch) Version() openflow.Version { return s.conn.Version() }

// Close closes the connection.
func (s *Switch) Close() error {
	err := s.conn.Close()
	<-s.done
	return err
}

// Done is closed when the connection has ended; Err says why.
func (s *Switch) Done() <-chan struct{} { return s.done }

// Err returns why the connection ended.
func (s *Switch) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *Switch) loop() {
	defer close(s.done)
	for {
		h, m, err := s.conn.Read()
		if err != nil {
			if h.Length >= openflow.HeaderLen {
				continue
			}
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			return
		}
		if s.answer(h, m) {
			continue
		}
		fm, _ := flow.Decode(m)
		if f, ok := fm.(*flow.FlowMod); ok {
			s.apply(f)
		}
		select {
		case s.in <- Msg{H: h, Wire: m, Flow: fm}:
		default: // the test is not reading; drop
		}
	}
}

// answer replies to the requests a switch must answer itself.
func (s *Switch) answer(h openflow.Header, m openflow.Message) bool {
	v := s.conn.Version()
	var r openflow.Message
	switch m.(type) {
	case *of10.FeaturesRequest:
		var ports []of10.Port
		for _, p := range s.cfg.Ports {
			n, _ := flow.PortTo10(p.PortNo)
			ports = append(ports, of10.Port{PortNo: of10.PortNo(n), HWAddr: p.HWAddr, Name: p.Name})
		}
		r = &of10.FeaturesReply{DatapathID: s.cfg.DPID, NBuffers: s.cfg.NBuffers, NTables: 1, Ports: ports}
	case *of13.FeaturesRequest:
		r = &of13.FeaturesReply{DatapathID: s.cfg.DPID, NBuffers: s.cfg.NBuffers, NTables: 254}
	case *of13.PortDescRequest:
		r, _ = (&flow.PortDescReply{Ports: s.cfg.Ports}).Encode(v)
	case *of10.BarrierRequest, *of13.BarrierRequest:
		if s.cfg.RefuseBarrier {
			raw, _ := openflow.Marshal(h.Xid, m)
			r = openflow.NewErrorMsg(v, 1, 1, raw) // OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE
		} else {
			r, _ = (&flow.BarrierReply{}).Encode(v)
		}
	default:
		return false
	}
	_ = s.conn.SendXid(h.Xid, r)
	return true
}

// apply changes the flow table as a flow mod asks (add and delete only).
func (s *Switch) apply(f *flow.FlowMod) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Command {
	case flow.Add:
		s.flows = slices.DeleteFunc(s.flows, func(x flow.FlowMod) bool { return x.Priority == f.Priority && x.Match == f.Match })
		s.flows = append(s.flows, *f)
	case flow.Delete, flow.DeleteStrict:
		s.flows = slices.DeleteFunc(s.flows, func(x flow.FlowMod) bool {
			if f.Command == flow.DeleteStrict {
				return x.Priority == f.Priority && x.Match == f.Match
			}
			return covers(&f.Match, &x.Match)
		})
	}
}

// covers reports whether every packet of b matches a.
func covers(a, b *flow.Match) bool {
	for _, fm := range a.Fields() {
		gm, ok := b.Get(fm.Field)
		if !ok || !slices.Equal(fm.Value, gm.Value) || !slices.Equal(fm.Mask, gm.Mask) {
			return false
		}
	}
	return true
}

// Flows returns the flow table, highest priority first.
func (s *Switch) Flows() []flow.FlowMod {
	s.mu.Lock()
	defer s.mu.Unlock()
	fs := slices.Clone(s.flows)
	slices.SortStableFunc(fs, func(a, b flow.FlowMod) int { return cmp.Compare(b.Priority, a.Priority) })
	return fs
}

// Lookup returns the highest-priority flow that matches k.
func (s *Switch) Lookup(k *flow.Key) (flow.FlowMod, bool) {
	for _, f := range s.Flows() {
		if f.Match.Matches(k) {
			return f, true
		}
	}
	return flow.FlowMod{}, false
}

// PacketIn sends a packet-in of frame from port in.
func (s *Switch) PacketIn(in flow.PortNo, bufferID uint32, frame []byte) error {
	pi := &flow.PacketIn{BufferID: bufferID, TotalLen: uint16(len(frame)), Reason: flow.ReasonNoMatch, Data: frame}
	pi.Match.SetInPort(in)
	return s.Send(pi)
}

// Send sends a model message.
func (s *Switch) Send(m flow.Message) error {
	w, err := m.Encode(s.conn.Version())
	if err != nil {
		return err
	}
	_, err = s.conn.Send(w)
	return err
}

// SendRaw sends a wire message with the given xid.
func (s *Switch) SendRaw(xid uint32, m openflow.Message) error { return s.conn.SendXid(xid, m) }

// Recv returns the next message from the controller that the switch did
// not answer itself.
func (s *Switch) Recv(ctx context.Context) (Msg, error) {
	select {
	case m := <-s.in:
		return m, nil
	case <-ctx.Done():
		return Msg{}, fmt.Errorf("fakeswitch: recv: %w", ctx.Err())
	case <-s.done:
		select {
		case m := <-s.in:
			return m, nil
		default:
		}
		return Msg{}, fmt.Errorf("fakeswitch: recv: %w", errors.Join(errors.New("connection ended"), s.Err()))
	}
}

// RecvFlow returns the next model message of type T, skipping others.
func RecvFlow[T flow.Message](ctx context.Context, s *Switch) (T, error) {
	for {
		m, err := s.Recv(ctx)
		if err != nil {
			var zero T
			return zero, err
		}
		if t, ok := m.Flow.(T); ok {
			return t, nil
		}
	}
}

// Frame returns a minimal Ethernet frame from src to dst.
func Frame(dst, src openflow.EthAddr) []byte {
	b := make([]byte, 60)
	copy(b, dst[:])
	copy(b[6:], src[:])
	b[12], b[13] = 0x88, 0xb5 // local experimental EtherType
	return b
}

// Key returns the flow key of a frame from Frame arriving on port in.
func Key(in flow.PortNo, frame []byte) flow.Key {
	var k flow.Key
	k.InPort = in
	copy(k.EthDst[:], frame[0:6])
	copy(k.EthSrc[:], frame[6:12])
	k.EthType = uint16(frame[12])<<8 | uint16(frame[13])
	return k
}
