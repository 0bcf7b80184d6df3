package cbench

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// Stub is the smallest controller the generator can be pointed at, for
// tests and smoke checks: per connection it sends HELLO and
// FEATURES_REQUEST, answers echo requests, and answers every packet-in
// alternately with a FLOW_MOD and a PACKET_OUT naming its buffer id (none
// at all when Mute is set).
type Stub struct {
	Version openflow.Version
	Mute    bool

	mu    sync.Mutex
	dpids map[uint64]bool
}

// DPIDs returns the datapath ids of the switches that answered
// FEATURES_REQUEST.
func (s *Stub) DPIDs() map[uint64]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[uint64]bool, len(s.dpids))
	for k := range s.dpids {
		m[k] = true
	}
	return m
}

// Serve accepts connections on l until it is closed, serving each in its
// own goroutine, and returns once every connection has ended.
func (s *Stub) Serve(l net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	var mu sync.Mutex
	var conns []net.Conn
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	for {
		nc, err := l.Accept()
		if errors.Is(err, net.ErrClosed) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cbench: stub: accept: %w", err)
		}
		mu.Lock()
		conns = append(conns, nc)
		mu.Unlock()
		wg.Go(func() {
			defer nc.Close()
			_ = s.serve(nc)
		})
	}
}

func (s *Stub) serve(nc net.Conn) error {
	v := s.Version
	out, err := openflow.AppendHello(nil, 1, v)
	if err != nil {
		return err
	}
	out = append(out, rawReply(2, v, typeFeaturesRequest)...)
	if _, err := nc.Write(out); err != nil {
		return err
	}
	fr := openflow.NewFrameReader(nc)
	var (
		pi10 of10.PacketIn
		pi13 of13.PacketIn
		n    int
	)
	for {
		h, body, err := fr.ReadFrame()
		if err != nil {
			return err
		}
		out = out[:0]
		switch h.Type {
		case typeEchoRequest:
			out = rawReply(h.Xid, v, typeEchoReply, body)
		case 6: // FEATURES_REPLY in both versions
			if len(body) >= 8 {
				s.mu.Lock()
				if s.dpids == nil {
					s.dpids = make(map[uint64]bool)
				}
				s.dpids[binary.BigEndian.Uint64(body)] = true
				s.mu.Unlock()
			}
		case 10: // PACKET_IN in both versions
			if s.Mute {
				continue
			}
			n++
			var m openflow.Message
			if v == openflow.Version10 {
				if err := pi10.Decode(body); err != nil {
					return err
				}
				if n%2 == 0 {
					m = &of10.PacketOut{BufferID: pi10.BufferID, InPort: pi10.InPort,
						Actions: []of10.Action{of10.ActionOutput{Port: of10.PortFlood}}}
				} else {
					m = &of10.FlowMod{Command: of10.FlowAdd, BufferID: pi10.BufferID, IdleTimeout: 60,
						Actions: []of10.Action{of10.ActionOutput{Port: 1}}}
				}
			} else {
				if err := pi13.Decode(body); err != nil {
					return err
				}
				if n%2 == 0 {
					m = &of13.PacketOut{BufferID: pi13.BufferID, InPort: of13.PortController,
						Actions: []of13.Action{of13.ActionOutput{Port: of13.PortFlood}}}
				} else {
					m = &of13.FlowMod{Command: of13.FlowModAdd, BufferID: pi13.BufferID, IdleTimeout: 60}
				}
			}
			if out, err = openflow.Append(out, h.Xid, m); err != nil {
				return err
			}
		}
		if len(out) > 0 {
			if _, err := nc.Write(out); err != nil {
				return err
			}
		}
	}
}
