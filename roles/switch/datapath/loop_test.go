package datapath

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// readTimeout reads one batch from p, failing the test after a timeout.
func readTimeout(t *testing.T, p *MemPort) [][]byte {
	t.Helper()
	type res struct {
		frames [][]byte
		err    error
	}
	ch := make(chan res, 1)
	go func() {
		bufs := make([][]byte, memBatch)
		for i := range bufs {
			bufs[i] = make([]byte, 2048)
		}
		sizes := make([]int, memBatch)
		n, err := p.Read(bufs, sizes, 0)
		var out [][]byte
		for i := range n {
			out = append(out, bufs[i][:sizes[i]])
		}
		ch <- res{out, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("Read(%s) = %v", p.Name(), r.err)
		}
		return r.frames
	case <-time.After(5 * time.Second):
		t.Fatalf("Read(%s) timed out", p.Name())
		return nil
	}
}

// TestForwardingLoop forwards over the real per-port goroutines: two
// hosts talk through a learning-style pair of flows.
func TestForwardingLoop(t *testing.T) {
	h := newHarness(t, 3)
	h.add("in_port=1,actions=output:2")
	h.add("in_port=2,actions=output:1")
	h.add("in_port=3,actions=CONTROLLER:64")
	for i := range 100 {
		f := udp4(uint16(i), 7)
		if _, err := h.hosts[1].Write([][]byte{f}, 0); err != nil {
			t.Fatal(err)
		}
		got := readTimeout(t, h.hosts[2])
		if len(got) != 1 || !bytes.Equal(got[0], f) {
			t.Fatalf("frame %d: host 2 read %x; want %x", i, got, f)
		}
	}
	f := tcp4(5, 6)
	h.hosts[2].Write([][]byte{f}, 0)
	if got := readTimeout(t, h.hosts[1]); len(got) != 1 || !bytes.Equal(got[0], f) {
		t.Fatalf("host 1 read %x; want %x", got, f)
	}
	h.hosts[3].Write([][]byte{f}, 0)
	deadline := time.Now().Add(5 * time.Second)
	for len(h.packetIns()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no packet-in from port 3")
		}
		time.Sleep(time.Millisecond)
	}
	ps := h.d.PortStats(1)
	if len(ps) != 1 || ps[0].RxPackets != 100 || ps[0].TxPackets != 1 {
		t.Errorf("PortStats(1) = %+v; want 100 rx, 1 tx", ps)
	}
	if err := h.d.RemovePort(3); err != nil {
		t.Errorf("RemovePort(3) = %v", err)
	}
	if got := len(h.d.Ports()); got != 2 {
		t.Errorf("after RemovePort: %d ports; want 2", got)
	}
}

// TestForwardAllocs checks that the forwarding path, from a read batch to
// the frames written to the output port, does not allocate: cached and
// through the classifier, with set-field and push_vlan.
func TestForwardAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates; make test runs the Allocs tests without -race")
	}
	for _, actions := range []string{"output:2", "set_field:10.1.1.1->ip_dst,push_vlan:0x8100,output:2,output:3", "write_actions(output:2),goto_table:1"} {
		h := newHarness(t, 3)
		h.add("tcp,actions=" + actions)
		h.add("table=1,actions=drop")
		ps := h.d.snap.Load().ports[1]
		bufs, sizes := testBatch(64, func(i int) []byte { return tcp4(uint16(i), 80) })
		rb, rs := testBatch(memBatch, func(int) []byte { return make([]byte, 2048) })
		run := func() {
			h.w.batch(ps, bufs, sizes)
			for _, p := range []flow.PortNo{2, 3} {
				for h.hosts[p].rx.n > 0 {
					h.hosts[p].Read(rb, rs, 0)
				}
			}
		}
		if n := testing.AllocsPerRun(50, run); n != 0 {
			t.Errorf("%s: forwarding allocs per batch = %v; want 0", actions, n)
		}
		// Through the classifier: a new generation empties the cache.
		if n := testing.AllocsPerRun(50, func() {
			h.d.SetMissSendLen(128)
			s := *h.d.snap.Load()
			s.gen++
			h.d.snap.Store(&s)
			run()
		}); n > 1 { // the snapshot copy itself
			t.Errorf("%s: uncached forwarding allocs per batch = %v; want <= 1", actions, n)
		}
	}
}

// testBatch makes n read buffers with headroom holding frames from fn.
func testBatch(n int, fn func(int) []byte) ([][]byte, []int) {
	bufs := make([][]byte, n)
	sizes := make([]int, n)
	for i := range bufs {
		f := fn(i)
		bufs[i] = make([]byte, Headroom+2048)
		sizes[i] = copy(bufs[i][Headroom:], f)
	}
	return bufs, sizes
}

// mixedFlows returns n flows spread over several mask shapes, and for each
// a frame that hits it.
func mixedFlows(n int) ([]*flow.FlowMod, [][]byte) {
	r := rand.New(rand.NewPCG(1, 2))
	var fms []*flow.FlowMod
	var frames [][]byte
	for i := range n {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		var s string
		switch i % 5 {
		case 0:
			s = fmt.Sprintf("priority=%d,tcp,nw_dst=%s,tp_dst=80", 100+r.IntN(100), a)
		case 1:
			s = fmt.Sprintf("priority=%d,ip,nw_src=%s", 100+r.IntN(100), a)
		case 2:
			s = fmt.Sprintf("priority=%d,udp,nw_dst=%s,udp_src=%d", 100+r.IntN(100), a, i%1000)
		case 3:
			s = fmt.Sprintf("priority=%d,in_port=1,dl_src=02:%02x:%02x:%02x:00:01", 100+r.IntN(100), byte(i>>16), byte(i>>8), byte(i))
		case 4:
			s = fmt.Sprintf("priority=%d,ip,nw_dst=%s/24", 100+r.IntN(100), a)
		}
		fm, err := flow.ParseFlowMod(s + ",actions=output:2")
		if err != nil {
			panic(err)
		}
		fms = append(fms, fm)
		var f []byte
		switch i % 5 {
		case 0, 4:
			f = eth(macB, macA, 0x0800, ipv4(6, ipB, a, 0, 64, 0, tcp(1, 80, nil)))
		case 1:
			f = eth(macB, macA, 0x0800, ipv4(6, a, ipB, 0, 64, 0, tcp(1, 80, nil)))
		case 2:
			f = eth(macB, macA, 0x0800, ipv4(17, ipB, a, 0, 64, 0, udp(uint16(i%1000), 9, nil)))
		case 3:
			f = eth(macB, [6]byte{2, byte(i >> 16), byte(i >> 8), byte(i), 0, 1}, 0x0800, ipv4(6, ipA, ipB, 0, 64, 0, tcp(1, 1, nil)))
		}
		frames = append(frames, f)
	}
	return fms, frames
}

func TestMixedFlowsHit(t *testing.T) {
	h := newHarness(t, 2)
	fms, frames := mixedFlows(500)
	tx := h.d.Begin()
	for _, fm := range fms {
		if _, err := tx.FlowMod(fm); err != nil {
			t.Fatal(err)
		}
	}
	tx.Commit()
	s := h.d.snap.Load()
	for i, f := range frames {
		var k flow.Key
		Extract(f, 1, &k)
		e := s.tables[0].lookup(&k)
		if e == nil {
			t.Fatalf("frame %d (flow %v) misses", i, fms[i].Match)
		}
		// The winner must be the highest-priority flow that matches.
		best := -1
		for _, fm := range fms {
			if fm.Match.Matches(&k) && int(fm.Priority) > best {
				best = int(fm.Priority)
			}
		}
		if int(e.priority) != best {
			t.Errorf("frame %d: lookup priority %d; want %d", i, e.priority, best)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	for _, n := range []int{1, 10, 1000, 100000} {
		d := New(Config{})
		fms, frames := mixedFlows(n)
		tx := d.Begin()
		for _, fm := range fms {
			if _, err := tx.FlowMod(fm); err != nil {
				b.Fatal(err)
			}
		}
		tx.Commit()
		s := d.snap.Load()
		keys := make([]flow.Key, min(len(frames), 1024))
		for i := range keys {
			Extract(frames[i*len(frames)/len(keys)], 1, &keys[i])
		}
		b.Run(fmt.Sprintf("classifier/flows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				s.tables[0].lookup(&keys[i%len(keys)])
				i++
			}
		})
		b.Run(fmt.Sprintf("cached/flows=%d", n), func(b *testing.B) {
			d.mu.Lock()
			w := d.newWorker()
			d.mu.Unlock()
			w.begin()
			b.ReportAllocs()
			i := 0
			hot := keys[:min(len(keys), 256)] // a working set that fits the cache
			for b.Loop() {
				k := &hot[i%len(hot)]
				h := hashKey(k)
				if w.cache.lookup(k, h, s.gen) == nil {
					var tr trace
					tr.e[0], tr.n = s.tables[0].lookup(k), 1
					w.cache.insert(k, h, s.gen, &tr)
				}
				i++
			}
		})
	}
}

// BenchmarkWorker measures the per-frame cost of the fast path without the
// goroutine hand-off: extract, cache, actions, transmit queue, mem port.
func BenchmarkWorker(b *testing.B) {
	h := newHarness(&testing.T{}, 2)
	h.add("in_port=1,tcp,actions=output:2")
	ps := h.d.snap.Load().ports[1]
	bufs, sizes := testBatch(64, func(i int) []byte { return tcp4(uint16(i), 80) })
	rb, rs := testBatch(memBatch, func(int) []byte { return make([]byte, 2048) })
	b.ReportAllocs()
	for b.Loop() {
		h.w.batch(ps, bufs, sizes)
		h.hosts[2].Read(rb, rs, 0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*64), "ns/frame")
	h.d.Close()
}

// BenchmarkForward measures frames per second through the forwarding loop:
// a generator writes 60-byte frames into port 1's far end, the datapath's
// reader forwards them, a sink drains port 2's far end.
func BenchmarkForward(b *testing.B) {
	d := New(Config{})
	p1, h1 := NewMemPipe("dp1", "h1", 1500)
	p2, h2 := NewMemPipe("dp2", "h2", 1500)
	d.AddPort(1, p1)
	d.AddPort(2, p2)
	defer d.Close()
	fm, _ := flow.ParseFlowMod("in_port=1,actions=output:2")
	d.FlowMod(fm)
	frames := make([][]byte, memBatch)
	for i := range frames {
		frames[i] = append(udp4(uint16(i%8), 9), make([]byte, 13)...)[:60]
	}
	done := make(chan struct{})
	go func() {
		rb, rs := testBatch(memBatch, func(int) []byte { return make([]byte, 2048) })
		got := 0
		for got < b.N {
			n, err := h2.Read(rb, rs, 0)
			if err != nil {
				break
			}
			got += n
		}
		close(done)
	}()
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if n, _ := h1.Write(frames, 0); n < len(frames) {
				runtime.Gosched()
			}
		}
	}()
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// dropPort is a port that reports frames it lost before the datapath.
type dropPort struct {
	Port
	drops uint64
}

func (p dropPort) RxDrops() uint64 { return p.drops }

// TestPortStatsDeviceDrops: a port's own losses (a full receive ring, say)
// show in its rx_dropped.
func TestPortStatsDeviceDrops(t *testing.T) {
	h := newHarness(t, 1)
	sw, host := NewMemPipe("s9", "h9", 1500)
	t.Cleanup(func() { host.Close() })
	if err := h.d.AddPort(9, dropPort{sw, 42}); err != nil {
		t.Fatal(err)
	}
	if ps := h.d.PortStats(9); len(ps) != 1 || ps[0].RxDropped != 42 {
		t.Errorf("PortStats(9) = %+v; want rx_dropped 42", ps)
	}
}
