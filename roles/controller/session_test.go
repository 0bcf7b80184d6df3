package controller_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

func TestJoinLeave(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			sw, errc := connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 0xab, Ports: ports(3)})
			dp := ev.waitJoin(t)
			if dp.ID() != 0xab || dp.Version() != v || len(dp.Ports()) != 3 {
				t.Errorf("joined %s version %s with %d ports; want dpid=00000000000000ab version %s with 3 ports", dp, dp.Version(), len(dp.Ports()), v)
			}
			if got := c.Datapath(0xab); got != dp {
				t.Errorf("Datapath(0xab) = %v; want %v", got, dp)
			}
			sw.Close()
			l := ev.waitLeave(t)
			// The switch closing shows as the end of the stream or, when
			// a write was under way, as a write on a closed pipe.
			closed := func(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, io.ErrClosedPipe) }
			if l.dp != dp || !closed(l.reason) {
				t.Errorf("leave(%v, %v); want leave(%v, io.EOF)", l.dp, l.reason, dp)
			}
			if err := <-errc; !closed(err) {
				t.Errorf("ServeConn = %v; want io.EOF", err)
			}
			if got := c.Datapath(0xab); got != nil {
				t.Errorf("Datapath(0xab) after leave = %v; want nil", got)
			}
		})
	}
}

func TestHandshakeNoCommonVersion(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{Versions: []openflow.Version{openflow.Version13}})
	ev := record(c)
	nc, errc := serve(t, ctx, c)
	hello, _ := openflow.AppendHello(nil, 7, openflow.Version10)
	go nc.Write(hello)
	fr := openflow.NewFrameReader(nc)
	var got []string
	for range 2 {
		h, body, err := fr.ReadFrame()
		if err != nil {
			t.Fatalf("ReadFrame: %v", err)
		}
		got = append(got, openflow.TypeName(h.Version, h.Type))
		if h.Type == openflow.TypeError {
			em, err := openflow.DecodeErrorMsg(h.Version, body)
			if err != nil || em.Type != 0 { // OFPET_HELLO_FAILED
				t.Errorf("error reply %v, %v; want HELLO_FAILED", em, err)
			}
		}
	}
	if got[0] != "OFPT_HELLO" || got[1] != "OFPT_ERROR" {
		t.Errorf("controller sent %v; want [OFPT_HELLO OFPT_ERROR]", got)
	}
	if err := <-errc; !errors.Is(err, openflow.ErrIncompatible) {
		t.Errorf("ServeConn = %v; want ErrIncompatible", err)
	}
	select {
	case dp := <-ev.join:
		t.Errorf("datapath %v joined", dp)
	default:
	}
}

func TestHandshakeGarbage(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"short length", "\x04\x00\x00\x02\x00\x00\x00\x01"},
		{"eof in hello", "\x04\x00\x00\x10\x00\x00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			nc, errc := serve(t, ctx, c)
			go func() {
				nc.Write([]byte(tc.data))
				nc.Close()
			}()
			go io.Copy(io.Discard, nc)
			select {
			case err := <-errc:
				if err == nil {
					t.Errorf("ServeConn(%q) = nil; want an error", tc.data)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("ServeConn(%q) did not return", tc.data)
			}
			select {
			case dp := <-ev.join:
				t.Errorf("datapath %v joined", dp)
			default:
			}
		})
	}
}

func TestEchoTimeout(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{EchoInterval: 50 * time.Millisecond})
			ev := record(c)
			nc, errc := serve(t, ctx, c)
			fr, err := fakeswitch.RawHandshake(nc, v, 1)
			if err != nil {
				t.Fatal(err)
			}
			go func() { // read everything, answer nothing
				for {
					if _, _, err := fr.ReadFrame(); err != nil {
						return
					}
				}
			}()
			ev.waitJoin(t)
			l := ev.waitLeave(t)
			if !errors.Is(l.reason, openflow.ErrPeerDead) {
				t.Errorf("leave reason %v; want ErrPeerDead", l.reason)
			}
			if err := <-errc; !errors.Is(err, openflow.ErrPeerDead) {
				t.Errorf("ServeConn = %v; want ErrPeerDead", err)
			}
		})
	}
}

func TestDuplicateDPID(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	ev := record(c)
	sw1, errc1 := connect(t, ctx, c, fakeswitch.Config{DPID: 7})
	dp1 := ev.waitJoin(t)
	connect(t, ctx, c, fakeswitch.Config{DPID: 7})
	l := ev.waitLeave(t)
	if l.dp != dp1 || !errors.Is(l.reason, controller.ErrReplaced) {
		t.Errorf("leave(%v, %v); want leave(%v, ErrReplaced)", l.dp, l.reason, dp1)
	}
	dp2 := ev.waitJoin(t)
	if c.Datapath(7) != dp2 || dp2 == dp1 {
		t.Errorf("Datapath(7) = %p; want the new session %p", c.Datapath(7), dp2)
	}
	if err := <-errc1; err != nil {
		t.Errorf("replaced ServeConn = %v; want nil", err)
	}
	<-sw1.Done()
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	c := controller.New(controller.Config{})
	ev := record(c)
	_, errc := connect(t, ctx, c, fakeswitch.Config{DPID: 1})
	ev.waitJoin(t)
	cancel()
	l := ev.waitLeave(t)
	if !errors.Is(l.reason, context.Canceled) {
		t.Errorf("leave reason %v; want context.Canceled", l.reason)
	}
	if err := <-errc; err != nil {
		t.Errorf("ServeConn = %v; want nil", err)
	}
}

// TestEarlyPacketIn: packet-ins a switch sends during setup, whatever
// their xid, reach the apps after the join, and never stand in for the
// reply to a setup request.
func TestEarlyPacketIn(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			got := make(chan uint32, 10)
			c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
				got <- pi.BufferID
				return controller.Continue
			})
			sw, _ := connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1, Ports: ports(2)})
			for xid := range uint32(4) {
				pi := &flow.PacketIn{BufferID: xid, Data: make([]byte, 60)}
				pi.Match.SetInPort(1)
				w, _ := pi.Encode(v)
				sw.SendRaw(xid, w)
			}
			dp := ev.waitJoin(t)
			if n := len(dp.Ports()); n != 2 {
				t.Errorf("joined with %d ports; want 2", n)
			}
			for want := range uint32(4) {
				if b := <-got; b != want {
					t.Errorf("packet-in %d has buffer %d; want %d", want, b, want)
				}
			}
		})
	}
}
