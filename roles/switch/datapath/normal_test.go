package datapath

import (
	"testing"

	"github.com/ofbox/ofbox/openflow/flow"
)

func TestNormalLearning(t *testing.T) {
	for _, mode := range []string{"normal action", "standalone"} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, 3)
			if mode == "standalone" {
				h.d.SetMissToController(true)
				h.d.SetStandalone(true)
			} else {
				h.add("actions=NORMAL")
			}
			mac := func(b byte) [6]byte { return [6]byte{2, 0, 0, 0, 0, b} }
			steps := []struct {
				in       flow.PortNo
				src, dst [6]byte
				want     map[flow.PortNo]int
			}{
				{1, mac(1), mac(2), map[flow.PortNo]int{2: 1, 3: 1}}, // unknown: flood
				{2, mac(2), mac(1), map[flow.PortNo]int{1: 1}},       // learned 1
				{1, mac(1), mac(2), map[flow.PortNo]int{2: 1}},       // learned 2
				{3, mac(3), [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, map[flow.PortNo]int{1: 1, 2: 1}},
				{3, mac(1), mac(2), map[flow.PortNo]int{2: 1}}, // mac 1 moved to 3
				{2, mac(2), mac(1), map[flow.PortNo]int{3: 1}},
				{2, mac(2), mac(2), map[flow.PortNo]int{}}, // never back out the in port
			}
			for i, s := range steps {
				h.send(s.in, eth(s.dst, s.src, 0x0800, ipv4(17, ipA, ipB, 0, 64, 0, udp(1, 2, nil))))
				got := h.counts()
				if len(got) != len(s.want) {
					t.Fatalf("step %d: delivered %v; want %v", i, got, s.want)
				}
				for p, n := range s.want {
					if got[p] != n {
						t.Fatalf("step %d: delivered %v; want %v", i, got, s.want)
					}
				}
			}
			if got := h.packetIns(); len(got) != 0 {
				t.Errorf("%d packet-ins; want none", len(got))
			}
		})
	}
}
