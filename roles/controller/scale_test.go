package controller_test

import (
	"context"
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

func TestPacketInRateLimit(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{PacketInRate: 1, PacketInBurst: 5})
	ev := record(c)
	var handled atomic.Int64
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		handled.Add(1)
		return controller.Continue
	})
	sw, _ := connect(t, ctx, c, fakeswitch.Config{DPID: 1})
	dp := ev.waitJoin(t)
	const sent = 100
	frame := fakeswitch.Frame(openflow.EthAddr{2, 0, 0, 0, 0, 2}, openflow.EthAddr{2, 0, 0, 0, 0, 1})
	for range sent {
		if err := sw.PacketIn(1, flow.NoBuffer, frame); err != nil {
			t.Fatal(err)
		}
	}
	if err := dp.Barrier(ctx); err != nil { // every packet-in before it is dispatched
		t.Fatal(err)
	}
	st := dp.Stats()
	h := handled.Load()
	if h < 5 || h > 7 || st.PacketIns != uint64(h) || st.PacketInDropped != uint64(sent-h) {
		t.Errorf("handled %d, Stats() = %+v; want 5 (+1 per second) handled and the rest of %d dropped", h, st, sent)
	}
}

// TestManySwitches connects 1,000 switches at once, waits until all have
// joined, disconnects them and checks that all leave and no goroutine
// stays behind.
func TestManySwitches(t *testing.T) {
	const n = 1000
	before := runtime.NumGoroutine()
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	var joined, left atomic.Int64
	c.OnJoin(func(*controller.Datapath) controller.Verdict { joined.Add(1); return controller.Continue })
	c.OnLeave(func(*controller.Datapath, error) controller.Verdict { left.Add(1); return controller.Continue })
	var sessions, switches sync.WaitGroup
	conns := make([]net.Conn, n)
	for i := range n {
		a, b := net.Pipe()
		conns[i] = b
		sessions.Add(1)
		go func() {
			defer sessions.Done()
			c.ServeConn(ctx, a)
		}()
		switches.Add(1)
		go func() {
			defer switches.Done()
			v := versions[i%2]
			fr, err := fakeswitch.RawHandshake(b, v, uint64(i+1))
			if err != nil {
				t.Errorf("switch %d: %v", i, err)
				return
			}
			for { // drain until closed
				if _, _, err := fr.ReadFrame(); err != nil {
					return
				}
			}
		}()
	}
	waitFor(t, func() bool { return joined.Load() == n })
	if got := len(c.Datapaths()); got != n {
		t.Errorf("len(Datapaths()) = %d; want %d", got, n)
	}
	for _, b := range conns {
		b.Close()
	}
	sessions.Wait()
	switches.Wait()
	if got := left.Load(); got != n {
		t.Errorf("%d datapaths left; want %d", got, n)
	}
	if got := len(c.Datapaths()); got != 0 {
		t.Errorf("len(Datapaths()) after all left = %d; want 0", got)
	}
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
}

// TestServe serves two loopback listeners at once and shuts down cleanly
// when the context ends.
func TestServe(t *testing.T) {
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(testContext(t))
	c := controller.New(controller.Config{})
	ev := record(c)
	var serving sync.WaitGroup
	var addrs []string
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, l.Addr().String())
		serving.Add(1)
		go func() {
			defer serving.Done()
			if err := c.Serve(ctx, l); err != nil {
				t.Errorf("Serve = %v; want nil", err)
			}
		}()
	}
	var sws []*fakeswitch.Switch
	for i, addr := range addrs {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		sw, err := fakeswitch.Start(ctx, nc, fakeswitch.Config{Versions: []openflow.Version{versions[i]}, DPID: uint64(i + 1)})
		if err != nil {
			t.Fatal(err)
		}
		sws = append(sws, sw)
	}
	ev.waitJoin(t)
	ev.waitJoin(t)
	cancel()
	serving.Wait()
	for range 2 {
		ev.waitLeave(t)
	}
	for _, sw := range sws {
		select {
		case <-sw.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("switch still connected after shutdown")
		}
		sw.Close()
	}
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before })
}
