package datapath

import (
	"bytes"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

func TestPacketInBuffering(t *testing.T) {
	h := newHarness(t, 2)
	h.add("actions=CONTROLLER:32")
	frame := tcp4(1, 2)
	h.send(1, frame)
	pins := h.packetIns()
	if len(pins) != 1 {
		t.Fatalf("%d packet-ins; want 1", len(pins))
	}
	pi := pins[0]
	if pi.BufferID == flow.NoBuffer || len(pi.Data) != 32 || int(pi.TotalLen) != len(frame) || pi.Reason != flow.ReasonAction || pi.InPort() != 1 {
		t.Fatalf("packet-in = %v (buffer %#x, %d bytes); want buffered, 32 bytes, reason action, in_port 1", pi, pi.BufferID, len(pi.Data))
	}
	// Packet-out with the buffer id sends the whole frame.
	if err := h.d.PacketOut(&flow.PacketOut{BufferID: pi.BufferID, InPort: 1, Actions: out(2)}); err != nil {
		t.Fatalf("PacketOut(buffer) = %v", err)
	}
	if got := h.recv(2); len(got) != 1 || !bytes.Equal(got[0], frame) {
		t.Errorf("packet-out delivered %x; want the whole frame", got)
	}
	// The buffer is used up.
	err := h.d.PacketOut(&flow.PacketOut{BufferID: pi.BufferID, InPort: 1, Actions: out(2)})
	if typ, code := errCode(err); typ != ErrTypeBadRequest || code != BadRequestBufferEmpty {
		t.Errorf("second PacketOut(buffer) = %v; want BUFFER_EMPTY", err)
	}
	err = h.d.PacketOut(&flow.PacketOut{BufferID: 0x7777, InPort: 1, Actions: out(2)})
	if typ, code := errCode(err); typ != ErrTypeBadRequest || (code != BadRequestBufferUnknown && code != BadRequestBufferEmpty) {
		t.Errorf("PacketOut(unknown buffer) = %v; want BUFFER_UNKNOWN", err)
	}
}

// TestPacketInTableMissEntry: a packet-in from the table-miss entry
// (priority 0, matching everything) has reason no_match, as OpenFlow 1.3
// says and as controllers such as ovs-testcontroller require.
func TestPacketInTableMissEntry(t *testing.T) {
	h := newHarness(t, 1)
	h.add("priority=0,actions=CONTROLLER:65535")
	h.add("priority=1,tcp,actions=CONTROLLER:65535")
	h.send(1, tcp4(1, 2))
	h.send(1, udp4(1, 2))
	pins := h.packetIns()
	if len(pins) != 2 || pins[0].Reason != flow.ReasonAction || pins[1].Reason != flow.ReasonNoMatch {
		t.Errorf("packet-ins = %v; want reason action (tcp flow), then no_match (table-miss entry)", pins)
	}
}

func TestPacketInNoBuffer(t *testing.T) {
	h := newHarness(t, 1)
	h.add("actions=CONTROLLER:65535")
	h.send(1, tcp4(1, 2))
	pins := h.packetIns()
	if len(pins) != 1 || pins[0].BufferID != flow.NoBuffer || len(pins[0].Data) != len(tcp4(1, 2)) {
		t.Errorf("packet-in = %+v; want whole packet, no buffer", pins)
	}
}

func TestTableMiss(t *testing.T) {
	h := newHarness(t, 1)
	h.send(1, tcp4(1, 2))
	if got := h.packetIns(); len(got) != 0 {
		t.Errorf("OpenFlow 1.3 miss sent %d packet-ins; want 0", len(got))
	}
	h.d.SetMissToController(true)
	h.d.SetMissSendLen(flow.ControllerMaxLenNoBuffer)
	h.send(1, tcp4(1, 2))
	got := h.packetIns()
	if len(got) != 1 || got[0].Reason != flow.ReasonNoMatch || got[0].BufferID != flow.NoBuffer {
		t.Errorf("OpenFlow 1.0 miss packet-ins = %+v; want one no_match unbuffered", got)
	}
}

func TestPacketOutTable(t *testing.T) {
	h := newHarness(t, 3)
	h.add("in_port=1,actions=output:3")
	frame := udp4(1, 2)
	if err := h.d.PacketOut(&flow.PacketOut{BufferID: flow.NoBuffer, InPort: 1, Data: frame,
		Actions: []flow.Action{flow.Output{Port: flow.PortTable}}}); err != nil {
		t.Fatal(err)
	}
	if got := h.counts(); got[3] != 1 || len(got) != 1 {
		t.Errorf("packet-out to TABLE delivered %v; want port 3", got)
	}
	if err := h.d.PacketOut(&flow.PacketOut{BufferID: flow.NoBuffer, InPort: flow.PortController, Data: frame,
		Actions: []flow.Action{flow.Output{Port: flow.PortFlood}}}); err != nil {
		t.Fatal(err)
	}
	if got := h.counts(); len(got) != 3 {
		t.Errorf("packet-out to FLOOD from CONTROLLER delivered %v; want all 3 ports", got)
	}
}

// TestFlowModBuffer checks that a flow mod naming a buffer sends the
// buffered packet through the new flow.
func TestFlowModBuffer(t *testing.T) {
	h := newHarness(t, 2)
	h.d.SetMissToController(true)
	h.send(1, tcp4(1, 2))
	pins := h.packetIns()
	if len(pins) != 1 || pins[0].BufferID == flow.NoBuffer {
		t.Fatalf("packet-ins = %+v; want one buffered", pins)
	}
	fm, _ := flow.ParseFlowMod("in_port=1,actions=output:2")
	fm.BufferID = pins[0].BufferID
	if _, err := h.d.FlowMod(fm); err != nil {
		t.Fatal(err)
	}
	if got := h.counts(); got[2] != 1 {
		t.Errorf("flow mod with buffer delivered %v; want the buffered frame on 2", got)
	}
}

func TestTimeouts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, 2)
		h.add("priority=1,idle_timeout=3,send_flow_rem,udp,actions=output:2")
		h.add("priority=2,hard_timeout=5,send_flow_rem,tcp,actions=output:2")
		h.add("priority=3,arp,actions=output:2")
		for range 10 {
			time.Sleep(time.Second)
			h.d.Expire(time.Now())
			h.send(1, tcp4(1, 2)) // keeps nothing alive: hard timeout
		}
		time.Sleep(time.Second)
		h.d.Expire(time.Now())
		if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != 1 {
			t.Errorf("after 11s: %d flows; want 1 (no timeouts)", got)
		}
		if len(h.removed) != 2 {
			t.Fatalf("flow removed %d; want 2", len(h.removed))
		}
		reasons := map[flow.FlowRemovedReason]uint16{}
		for _, r := range h.removed {
			reasons[r.Reason] = r.Priority
		}
		if reasons[flow.RemovedIdleTimeout] != 1 || reasons[flow.RemovedHardTimeout] != 2 {
			t.Errorf("removed reasons %v; want idle for prio 1 and hard for prio 2", reasons)
		}
		h.d.Close()
	})
}

func TestIdleTimeoutRefreshed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, 2)
		h.add("idle_timeout=2,udp,actions=output:2")
		for range 6 {
			h.send(1, udp4(1, 2))
			time.Sleep(time.Second)
			h.d.Expire(time.Now())
		}
		if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != 1 {
			t.Errorf("busy flow with idle_timeout=2: %d flows after 6s; want 1", got)
		}
		time.Sleep(3 * time.Second)
		h.d.Expire(time.Now())
		if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != 0 {
			t.Errorf("idle flow: %d flows after 3 idle seconds; want 0", got)
		}
		h.d.Close()
	})
}

func TestPacketInRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n int
		d := New(Config{PacketInRate: 100, PacketIn: func(*flow.PacketIn) { n++ }})
		p1, _ := NewMemPipe("a", "b", 1500)
		d.AddPort(1, p1)
		d.SetMissToController(true)
		d.mu.Lock()
		w := d.newWorker()
		d.mu.Unlock()
		ps := d.snap.Load().ports[1]
		bufs, sizes := testBatch(64, func(i int) []byte { return udp4(uint16(i), 1) })
		w.batch(ps, bufs, sizes)
		if n < 10 || n > 12 || d.PacketInDrops() != uint64(64-n) {
			t.Errorf("64 misses at 100/s gave %d packet-ins, %d drops; want about 11 (the burst) and the rest dropped", n, d.PacketInDrops())
		}
		time.Sleep(time.Second)
		n = 0
		w.batch(ps, bufs, sizes)
		if n < 10 || n > 12 {
			t.Errorf("after 1s: %d packet-ins; want about 11", n)
		}
		d.Close()
	})
}
