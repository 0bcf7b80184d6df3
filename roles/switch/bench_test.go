package ofswitch

import (
	"fmt"
	"testing"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// BenchmarkFlowMod measures flow-mod setup through the agent over
// loopback TCP: distinct exact-ish flows, a barrier every 1000.
func BenchmarkFlowMod(b *testing.B) {
	r := newRig(b, Config{})
	c := dial(b, r.addr, openflow.Version13)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		fm, err := flow.ParseFlowMod(fmt.Sprintf("add priority=%d,ip,nw_dst=10.%d.%d.%d,actions=output:2", 100+i%1000, i>>16&255, i>>8&255, i&255))
		if err != nil {
			b.Fatal(err)
		}
		w, _ := fm.Encode(openflow.Version13)
		if _, err := c.oc.Send(w); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			c.barrier()
		}
	}
	c.barrier()
}

// BenchmarkPacketInOut measures a packet-in round trip: a frame misses,
// the controller answers with a packet-out, the frame arrives.
func BenchmarkPacketInOut(b *testing.B) {
	r := newRig(b, Config{})
	c := dial(b, r.addr, openflow.Version13)
	c.flowMod("add priority=0,actions=CONTROLLER:65535")
	c.barrier()
	f := frame(1, 2, 1)
	out := []flow.Action{flow.Output{Port: 2}}
	b.ReportAllocs()
	for b.Loop() {
		if n, err := r.hosts[0].Write([][]byte{f}, 0); n != 1 || err != nil {
			b.Fatal(n, err)
		}
		var pi *flow.PacketIn
		for pi == nil {
			_, m, err := c.oc.Read()
			if err != nil {
				b.Fatal(err)
			}
			pi, _ = flow.DecodeAs[*flow.PacketIn](m)
		}
		w, _ := (&flow.PacketOut{BufferID: flow.NoBuffer, InPort: 1, Actions: out, Data: pi.Data}).Encode(openflow.Version13)
		c.oc.Send(w)
		<-r.rx[1]
	}
}
