package controller_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestMalformed sends bad messages from one switch while another works:
// a message whose body does not decode is answered with OFPT_ERROR and
// the session goes on; a frame that breaks the framing ends the session
// cleanly.
func TestMalformed(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			testMalformed(t, v)
		})
	}
}

func testMalformed(t *testing.T, v openflow.Version) {
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	ev := record(c)
	var mu sync.Mutex
	var bad []error
	var others []string
	c.OnMessage(func(dp *controller.Datapath, h openflow.Header, m openflow.Message, err error) controller.Verdict {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			bad = append(bad, err)
		} else {
			others = append(others, openflow.TypeName(h.Version, h.Type))
		}
		return controller.Continue
	})
	good, _ := connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1})
	goodDP := ev.waitJoin(t)

	nc, errc := serve(t, ctx, c)
	fr, err := fakeswitch.RawHandshake(nc, v, 2)
	if err != nil {
		t.Fatal(err)
	}
	ev.waitJoin(t)
	frames := make(chan openflow.Header, 100)
	go func() {
		defer close(frames)
		for {
			h, _, err := fr.ReadFrame()
			if err != nil {
				return
			}
			frames <- h
		}
	}()
	// A packet-in too short for its fixed part, then a barrier reply
	// nobody asked for.
	bodyShort := []byte{uint8(v), 10, 0, 12, 0, 0, 0, 9, 0, 0, 0, 0}
	barrier := []byte{uint8(v), barrierReplyType(v), 0, 8, 0, 0, 0, 10}
	if _, err := nc.Write(append(bodyShort, barrier...)); err != nil {
		t.Fatal(err)
	}
	for h := range frames {
		if h.Type == openflow.TypeError {
			if h.Xid != 9 {
				t.Errorf("error reply xid %d; want 9", h.Xid)
			}
			break
		}
	}
	if err := goodDP.Barrier(ctx); err != nil {
		t.Errorf("good datapath Barrier = %v", err)
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(bad) == 1 && len(others) == 1 })

	// A header whose length is shorter than a header: the stream cannot
	// be framed any more.
	if _, err := nc.Write([]byte{uint8(v), 10, 0, 4, 0, 0, 0, 11}); err != nil {
		t.Fatal(err)
	}
	l := ev.waitLeave(t)
	var de *openflow.DecodeError
	if l.dp.ID() != 2 || !errors.As(l.reason, &de) {
		t.Errorf("leave(%v, %v); want dpid 2 leaving with a *DecodeError", l.dp, l.reason)
	}
	if err := <-errc; err == nil {
		t.Error("ServeConn = nil; want the framing error")
	}
	if err := goodDP.Barrier(ctx); err != nil {
		t.Errorf("good datapath Barrier after the bad one left = %v", err)
	}
	select {
	case <-good.Done():
		t.Errorf("good switch disconnected: %v", good.Err())
	default:
	}
}

// TestOversize: a frame that announces more bytes than ever come ends the
// session when the switch closes, without a panic.
func TestOversize(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	ev := record(c)
	nc, errc := serve(t, ctx, c)
	fr, err := fakeswitch.RawHandshake(nc, openflow.Version13, 3)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			if _, _, err := fr.ReadFrame(); err != nil {
				return
			}
		}
	}()
	ev.waitJoin(t)
	big := make([]byte, 40000)
	copy(big, []byte{4, 10, 0xff, 0xff, 0, 0, 0, 1})
	nc.Write(big)
	nc.Close()
	if l := ev.waitLeave(t); l.reason == nil {
		t.Error("leave reason nil; want an error")
	}
	if err := <-errc; err == nil {
		t.Error("ServeConn = nil; want an error")
	}
}

func barrierReplyType(v openflow.Version) uint8 {
	if v == openflow.Version10 {
		return 19
	}
	return 21
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRefusesRequests: what a switch never sends a controller (requests,
// types the version lacks) is answered with BAD_REQUEST/BAD_TYPE and the
// message's xid, as is a packet-in that decodes but whose match does not
// convert; an unsolicited reply is only shown to the handlers. Every
// handler still sees every message, in order.
func TestRefusesRequests(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			var mu sync.Mutex
			var seen []uint32
			c.OnMessage(func(dp *controller.Datapath, h openflow.Header, m openflow.Message, err error) controller.Verdict {
				mu.Lock()
				defer mu.Unlock()
				seen = append(seen, h.Xid)
				return controller.Continue
			})
			nc, _ := serve(t, ctx, c)
			fr, err := fakeswitch.RawHandshake(nc, v, 7)
			if err != nil {
				t.Fatal(err)
			}
			ev.waitJoin(t)
			barrierRequest, flowMod := uint8(20), uint8(14)
			if v == openflow.Version10 {
				barrierRequest = 18
			}
			// xid 1: a barrier request; 2: an unsolicited barrier reply;
			// 3: a type no version has; 4: a flow mod too short to
			// decode (refused by the decoder); 5: a barrier request, the
			// last word.
			msgs := [][]byte{
				{uint8(v), barrierRequest, 0, 8, 0, 0, 0, 1},
				{uint8(v), barrierReplyType(v), 0, 8, 0, 0, 0, 2},
				{uint8(v), 200, 0, 12, 0, 0, 0, 3, 1, 2, 3, 4},
				{uint8(v), flowMod, 0, 12, 0, 0, 0, 4, 0, 0, 0, 0},
				{uint8(v), barrierRequest, 0, 8, 0, 0, 0, 5},
			}
			for _, m := range msgs {
				if _, err := nc.Write(m); err != nil {
					t.Fatal(err)
				}
			}
			want := map[uint32]uint16{1: openflow.ErrCodeBadType, 3: openflow.ErrCodeBadType, 4: openflow.ErrCodeBadLen, 5: openflow.ErrCodeBadType}
			got := map[uint32]uint16{}
			nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			for len(got) < len(want) {
				h, body, err := fr.ReadFrame()
				if err != nil {
					t.Fatalf("after %v: %v", got, err)
				}
				if h.Type != openflow.TypeError {
					continue
				}
				em, err := openflow.DecodeErrorMsg(v, body)
				if err != nil {
					t.Fatal(err)
				}
				if em.Type != openflow.ErrTypeBadRequest {
					t.Errorf("xid %d: error type %d; want BAD_REQUEST", h.Xid, em.Type)
				}
				if len(em.Data) < 8 || em.Data[1] != msgs[h.Xid-1][1] {
					t.Errorf("xid %d: error data % x; want the offending message", h.Xid, em.Data)
				}
				got[h.Xid] = em.Code
			}
			for xid, code := range want {
				if got[xid] != code {
					t.Errorf("xid %d: code %d; want %d", xid, got[xid], code)
				}
			}
			// The decoder's refusal (4) reaches the handlers with its
			// error; all five are seen, in order.
			waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(seen) == 5 })
			mu.Lock()
			defer mu.Unlock()
			for i, x := range seen {
				if x != uint32(i+1) {
					t.Errorf("handlers saw xids %v; want 1 to 5 in order", seen)
					break
				}
			}
		})
	}
}
