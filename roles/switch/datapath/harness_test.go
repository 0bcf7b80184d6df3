package datapath

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// harness is a datapath with n mem ports (numbered 1..n) whose far ends
// the test holds. send runs frames through a test worker synchronously;
// recv drains what a port's far end received.
type harness struct {
	t     *testing.T
	d     *Datapath
	hosts map[flow.PortNo]*MemPort
	w     *worker

	mu      sync.Mutex
	pins    []*flow.PacketIn
	removed []*flow.FlowRemoved
}

func newHarness(t *testing.T, n int) *harness {
	t.Helper()
	h := &harness{t: t, hosts: map[flow.PortNo]*MemPort{}}
	h.d = New(Config{
		PacketIn: func(pi *flow.PacketIn) {
			h.mu.Lock()
			h.pins = append(h.pins, pi)
			h.mu.Unlock()
		},
		FlowRemoved: func(r *flow.FlowRemoved) {
			h.mu.Lock()
			h.removed = append(h.removed, r)
			h.mu.Unlock()
		},
	})
	for i := 1; i <= n; i++ {
		dp, host := NewMemPipe(fmt.Sprintf("dp%d", i), fmt.Sprintf("h%d", i), 1500)
		if err := h.d.AddPort(flow.PortNo(i), dp); err != nil {
			t.Fatal(err)
		}
		h.hosts[flow.PortNo(i)] = host
	}
	h.d.mu.Lock()
	h.w = h.d.newWorker()
	h.d.mu.Unlock()
	t.Cleanup(func() { h.d.Close() })
	h.waitIdle()
	return h
}

// waitIdle waits until every port's read loop has started and waits for
// a frame, so that its start-up allocations fall outside a test's
// measurement and its first frames are not raced.
func (h *harness) waitIdle() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for _, ps := range h.d.snap.Load().plist {
		dev, ok := ps.dev.(*MemPort)
		if !ok {
			continue
		}
		for dev.parkedReaders() == 0 {
			if time.Now().After(deadline) {
				h.t.Fatalf("port %d: read loop not waiting after 5 s", ps.no)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// add applies a flow in ovs-ofctl syntax, failing the test on error.
func (h *harness) add(s string) {
	h.t.Helper()
	fm, err := flow.ParseFlowMod(s)
	if err != nil {
		h.t.Fatalf("ParseFlowMod(%q): %v", s, err)
	}
	if _, err := h.d.FlowMod(fm); err != nil {
		h.t.Fatalf("FlowMod(%q): %v", s, err)
	}
}

// mod applies a flow mod in ovs-ofctl syntax and returns the result.
func (h *harness) mod(s string) (int, error) {
	h.t.Helper()
	fm, err := flow.ParseFlowMod(s)
	if err != nil {
		h.t.Fatalf("ParseFlowMod(%q): %v", s, err)
	}
	return h.d.FlowMod(fm)
}

// send runs frame, arriving on port in, through the pipeline.
func (h *harness) send(in flow.PortNo, frame []byte) {
	ps := h.d.snap.Load().ports[in]
	buf := make([]byte, Headroom+len(frame)+64)
	copy(buf[Headroom:], frame)
	h.w.batch(ps, [][]byte{buf}, []int{len(frame)})
}

// recv returns the frames port's far end has received.
func (h *harness) recv(port flow.PortNo) [][]byte {
	q := h.hosts[port].rx
	q.mu.Lock()
	defer q.mu.Unlock()
	var out [][]byte
	for q.n > 0 {
		out = append(out, append([]byte(nil), q.frames[q.head]...))
		q.head = (q.head + 1) % memRingSize
		q.n--
	}
	return out
}

// counts returns how many frames each port received, draining them.
func (h *harness) counts() map[flow.PortNo]int {
	m := map[flow.PortNo]int{}
	for p := range h.hosts {
		if n := len(h.recv(p)); n > 0 {
			m[p] = n
		}
	}
	return m
}

func (h *harness) packetIns() []*flow.PacketIn {
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.pins
	h.pins = nil
	return p
}
