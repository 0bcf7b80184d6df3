//go:build long

package controller_test

import (
	"context"
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestFaultChurn: 1,000 switches join and leave a controller over loopback
// TCP for a minute, each session lasting up to half a second and sending a
// few packet-ins the app answers with packet-outs. Memory and goroutines
// stay bounded: the heap after the churn is back near where it was after
// the first seconds, no datapath is left, and the goroutines return to
// what they were before.
func TestFaultChurn(t *testing.T) {
	const (
		switches = 1000
		churn    = time.Minute
	)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), churn+time.Minute)
	defer cancel()
	c := controller.New(controller.Config{})
	var joins, leaves, packetIns atomic.Int64
	c.OnJoin(func(*controller.Datapath) controller.Verdict { joins.Add(1); return controller.Continue })
	c.OnLeave(func(*controller.Datapath, error) controller.Verdict { leaves.Add(1); return controller.Continue })
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		packetIns.Add(1)
		dp.Send(&flow.PacketOut{BufferID: flow.NoBuffer, InPort: pi.InPort(),
			Actions: []flow.Action{flow.Output{Port: flow.PortFlood}}, Data: pi.Data})
		return controller.Continue
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stopServe := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- c.Serve(sctx, l) }()

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	end := time.Now().Add(churn)
	var wg sync.WaitGroup
	var sessions, failures atomic.Int64
	for i := range switches {
		wg.Go(func() {
			v := versions[i%2]
			pi := &flow.PacketIn{BufferID: flow.NoBuffer, Reason: flow.ReasonNoMatch,
				Data: fakeswitch.Frame(openflow.EthAddr{2, 0, 0, 0, byte(i >> 8), byte(i)}, openflow.EthAddr{2, 0, 0, 0, 0xff, 0xff})}
			pi.Match.SetInPort(1)
			w, _ := pi.Encode(v)
			frame, _ := openflow.Append(nil, 0, w)
			for time.Now().Before(end) && ctx.Err() == nil {
				nc, err := net.Dial("tcp", l.Addr().String())
				if err != nil {
					failures.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				// A bare switch: the setup by hand, a few packet-ins, and
				// no reading after (what the controller sends waits in the
				// socket's buffer), so that the heap is the controller's.
				nc.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := fakeswitch.RawHandshake(nc, v, uint64(i+1)); err != nil {
					nc.Close()
					failures.Add(1)
					continue
				}
				sessions.Add(1)
				for range rand.IntN(5) {
					nc.Write(frame)
				}
				time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
				nc.Close()
			}
		})
	}
	time.Sleep(10 * time.Second)
	early, earlyG := heap(), runtime.NumGoroutine()
	var peak uint64
	for time.Now().Before(end) {
		time.Sleep(5 * time.Second)
		peak = max(peak, heap())
	}
	wg.Wait()
	waitFor(t, func() bool { return leaves.Load() == joins.Load() })
	after := heap()
	t.Logf("%d sessions of %d switches in %v (%d failed to start); %d joins, %d leaves, %d packet-ins handled",
		sessions.Load(), switches, churn, failures.Load(), joins.Load(), leaves.Load(), packetIns.Load())
	t.Logf("heap in use: %.1f MB after 10 s (%d goroutines), peak %.1f MB, %.1f MB after the churn",
		float64(early)/1e6, earlyG, float64(peak)/1e6, float64(after)/1e6)
	if sessions.Load() < switches {
		t.Errorf("%d sessions; want every switch to have joined at least once", sessions.Load())
	}
	if joins.Load() < switches {
		t.Errorf("%d joins in %d sessions; a switch that closes at once may leave before it joins, but not most", joins.Load(), sessions.Load())
	}
	if n := len(c.Datapaths()); n != 0 {
		t.Errorf("%d datapaths left after every switch closed", n)
	}
	if limit := 2*early + 16<<20; peak > limit || after > limit {
		t.Errorf("heap grew under churn: %d bytes after 10 s, peak %d, after %d; want both within %d", early, peak, after, limit)
	}
	stopServe()
	<-served
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before+2 })
}

// TestFaultPacketInFlood: one switch floods packet-ins as fast as it can
// write; the controller's limit (1,000/s, burst 100) holds for it, and
// another switch on the same controller gets every one of its paced
// packet-ins handled and its barriers answered meanwhile.
func TestFaultPacketInFlood(t *testing.T) {
	const (
		rate, burst = 1000, 100
		flood       = 3 * time.Second
		paced       = 200
	)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := controller.New(controller.Config{PacketInRate: rate, PacketInBurst: burst})
	ev := record(c)
	var fromFlooder, fromOther atomic.Int64
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		if dp.ID() == 1 {
			fromFlooder.Add(1)
		} else {
			fromOther.Add(1)
		}
		return controller.Continue
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go c.Serve(ctx, l)
	dial := func(dpid uint64) (*fakeswitch.Switch, *controller.Datapath) {
		nc, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		sw, err := fakeswitch.Start(ctx, nc, fakeswitch.Config{Versions: []openflow.Version{openflow.Version13}, DPID: dpid})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sw.Close() })
		return sw, ev.waitJoin(t)
	}
	flooder, floodDP := dial(1)
	other, otherDP := dial(2)

	frame := fakeswitch.Frame(openflow.EthAddr{2, 0, 0, 0, 0, 2}, openflow.EthAddr{2, 0, 0, 0, 0, 1})
	start := time.Now()
	var sent atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() {
		for time.Since(start) < flood {
			if flooder.PacketIn(1, flow.NoBuffer, frame) != nil {
				return
			}
			sent.Add(1)
		}
	})
	var slowest time.Duration
	for i := range paced {
		if err := other.PacketIn(1, flow.NoBuffer, frame); err != nil {
			t.Fatal(err)
		}
		if i%20 == 19 {
			t0 := time.Now()
			if err := otherDP.Barrier(ctx); err != nil {
				t.Fatalf("the other switch's barrier during the flood: %v", err)
			}
			slowest = max(slowest, time.Since(t0))
		}
		time.Sleep(flood / paced)
	}
	wg.Wait()
	elapsed := time.Since(start)
	for _, dp := range []*controller.Datapath{floodDP, otherDP} {
		if err := dp.Barrier(ctx); err != nil { // every packet-in before it is dispatched
			t.Fatal(err)
		}
	}
	st := floodDP.Stats()
	t.Logf("flooder: %d packet-ins sent in %v, %d handled, %d dropped; other: %d of %d handled, slowest barrier %v",
		sent.Load(), elapsed.Round(time.Millisecond), fromFlooder.Load(), st.PacketInDropped, fromOther.Load(), paced, slowest)
	if allowed := int64(rate*elapsed.Seconds()) + burst + rate/10; fromFlooder.Load() > allowed {
		t.Errorf("the flooder got %d packet-ins handled in %v; the limit allows %d", fromFlooder.Load(), elapsed, allowed)
	}
	if st.PacketInDropped == 0 || st.PacketIns+st.PacketInDropped != uint64(sent.Load()) {
		t.Errorf("flooder stats %+v for %d sent; want the excess counted as dropped", st, sent.Load())
	}
	if fromOther.Load() != paced {
		t.Errorf("the other switch got %d of its %d packet-ins handled during the flood", fromOther.Load(), paced)
	}
}
