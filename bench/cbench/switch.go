package cbench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// batchLen is how many packet-ins a throughput-mode switch writes per
// write call: about 3 KiB (OF1.0) to 3.3 KiB (OF1.3), enough that syscalls
// are not the generator's cost and small enough that the batch fits a
// socket buffer with room to spare.
const batchLen = 32

// handshakeEchoXid is the xid of the echo request a fake switch sends after
// its FEATURES_REPLY: when its reply comes, the controller has read the
// features and the requests it sent in answer have been answered.
const handshakeEchoXid = 0xcbe0cbe0

// fakeSwitch is one cbench switch on its own connection.
type fakeSwitch struct {
	nc   net.Conn
	fr   *openflow.FrameReader
	resp responder
	pins *PacketIns

	// Counters, read by the reporter while the switch runs.
	responses atomic.Uint64 // FLOW_MODs and PACKET_OUTs
	rounds    atomic.Uint64 // latency mode: completed round trips
	timeouts  atomic.Uint64 // latency mode: packet-ins given up on
	errors    atomic.Uint64 // OFPT_ERRORs from the controller
}

func newFakeSwitch(nc net.Conn, v openflow.Version, sw, macs int) (*fakeSwitch, error) {
	pins, err := NewPacketIns(v, sw, macs)
	if err != nil {
		return nil, err
	}
	fr := openflow.NewFrameReader(nc)
	return &fakeSwitch{
		nc: nc, fr: fr, pins: pins,
		resp: responder{version: v, dpid: DPID(sw), sw: sw},
	}, nil
}

// DPID is the datapath id of switch sw (0-based), as cbench numbers them
// from 1.
func DPID(sw int) uint64 { return uint64(sw) + 1 }

// handshake does the switch side of the handshake: HELLO, the answers to
// the controller's requests up to FEATURES_REQUEST, then an echo round
// trip so that what the controller asks on join is answered before the
// first packet-in.
func (s *fakeSwitch) handshake(ctx context.Context) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = s.nc.SetDeadline(dl)
		defer s.nc.SetDeadline(time.Time{})
	}
	v := s.resp.version
	hello, err := openflow.AppendHello(nil, 1, v)
	if err != nil {
		return err
	}
	if _, err := s.nc.Write(hello); err != nil {
		return fmt.Errorf("handshake: send hello: %w", err)
	}
	gotHello, gotFeatures := false, false
	for {
		h, body, err := s.fr.ReadFrame()
		if err != nil {
			return fmt.Errorf("handshake: %w", err)
		}
		switch {
		case h.Type == typeHello:
			hv, err := openflow.ParseHello(h, body)
			if err != nil {
				return fmt.Errorf("handshake: %w", err)
			}
			got, err := openflow.Negotiate(openflow.NewVersionSet(v), hv)
			if err != nil {
				return fmt.Errorf("handshake: %w", err)
			}
			if got != v {
				return fmt.Errorf("handshake: negotiated %s; want %s", got, v)
			}
			gotHello = true
			s.fr.Accept(v)
			continue
		case !gotHello:
			return fmt.Errorf("handshake: got %s before hello", openflow.TypeName(h.Version, h.Type))
		case h.Type == typeError:
			em, err := openflow.DecodeErrorMsg(h.Version, body)
			if err != nil {
				return fmt.Errorf("handshake: %w", err)
			}
			return fmt.Errorf("handshake: %w", em)
		case h.Type == typeEchoReply && h.Xid == handshakeEchoXid:
			return nil
		}
		out, err := s.resp.reply(h, body)
		if err != nil {
			return fmt.Errorf("handshake: %w", err)
		}
		if h.Type == typeFeaturesRequest && !gotFeatures {
			gotFeatures = true
			out = append(out, rawReply(handshakeEchoXid, v, typeEchoRequest)...)
		}
		if out != nil {
			if _, err := s.nc.Write(out); err != nil {
				return fmt.Errorf("handshake: %w", err)
			}
		}
	}
}

// count counts a message from the controller and reports whether it is a
// response to a packet-in.
func (s *fakeSwitch) count(h openflow.Header) bool {
	switch h.Type {
	case typeFlowMod, typePacketOut:
		s.responses.Add(1)
		return true
	case typeError:
		s.errors.Add(1)
	}
	return false
}

// throughput runs a throughput-mode switch until the connection closes:
// one goroutine writes batches of packet-ins (and the replies the reader
// hands it), the calling one reads and counts.
func (s *fakeSwitch) throughput() error {
	ctrl := make(chan []byte, 16)
	done := make(chan struct{})
	werr := make(chan error, 1)
	go func() { werr <- s.writeLoop(ctrl, done) }()
	err := s.readLoop(ctrl, done)
	close(done)
	s.nc.Close() // unblocks a writer stuck on a peer that stopped reading
	if werr := <-werr; err == nil {
		err = werr
	}
	return err
}

func (s *fakeSwitch) writeLoop(ctrl <-chan []byte, done <-chan struct{}) error {
	buf := make([]byte, 0, batchLen*s.pins.Len()+1024)
	for {
		buf = buf[:0]
	drain:
		for {
			select {
			case <-done:
				return nil
			case m := <-ctrl:
				buf = append(buf, m...)
			default:
				break drain
			}
		}
		for range batchLen {
			buf = s.pins.Append(buf)
		}
		if _, err := s.nc.Write(buf); err != nil {
			return fmt.Errorf("write packet-ins: %w", err)
		}
	}
}

func (s *fakeSwitch) readLoop(ctrl chan<- []byte, done <-chan struct{}) error {
	for {
		h, body, err := s.fr.ReadFrame()
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if s.count(h) {
			continue
		}
		out, err := s.resp.reply(h, body)
		if err != nil {
			return err
		}
		if out != nil {
			select {
			case ctrl <- out:
			case <-done:
			}
		}
	}
}

// latency runs a latency-mode switch until the connection closes: one
// packet-in outstanding; its response (or, after timeout, nothing)
// releases the next. A single goroutine reads and writes.
func (s *fakeSwitch) latency(timeout time.Duration) error {
	buf := make([]byte, 0, s.pins.Len())
	send := func() error {
		buf = s.pins.Append(buf[:0])
		if err := s.nc.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return fmt.Errorf("write packet-in: %w", err)
		}
		if _, err := s.nc.Write(buf); err != nil {
			return fmt.Errorf("write packet-in: %w", err)
		}
		return nil
	}
	if err := send(); err != nil {
		return err
	}
	for {
		h, body, err := s.fr.ReadFrame()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			s.timeouts.Add(1)
			if err := send(); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if s.count(h) {
			if completes(s.resp.version, h, body, s.pins.BufferID()) {
				s.rounds.Add(1)
				if err := send(); err != nil {
					return err
				}
			}
			continue
		}
		out, err := s.resp.reply(h, body)
		if err != nil {
			return err
		}
		if out != nil {
			if _, err := s.nc.Write(out); err != nil {
				return fmt.Errorf("write reply: %w", err)
			}
		}
	}
}

// Offsets of buffer_id in the body (after the header) of the responses.
const (
	bodyBufferFlowMod10 = 56 // match 40, cookie 8, command, idle, hard, priority 2 each
	bodyBufferFlowMod13 = 24 // cookie 8, mask 8, table, command, idle 2, hard 2, priority 2
	bodyBufferPacketOut = 0
	noBuffer            = 0xffffffff
)

// completes reports whether the response with header h and body finishes
// the round trip of the packet-in with buffer id want.
func completes(v openflow.Version, h openflow.Header, body []byte, want uint32) bool {
	off := bodyBufferPacketOut
	if h.Type == typeFlowMod {
		off = bodyBufferFlowMod13
		if v == openflow.Version10 {
			off = bodyBufferFlowMod10
		}
	}
	if len(body) < off+4 {
		return false
	}
	got := binary.BigEndian.Uint32(body[off:])
	return got == want || (got == noBuffer && h.Type == typePacketOut)
}
