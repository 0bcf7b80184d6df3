package datapath

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// TestConcurrentChanges forwards over the real readers while another
// goroutine adds and deletes flows, groups and meters and reads every
// statistic: under -race it proves the fast path shares nothing unsafely
// with the control side.
func TestConcurrentChanges(t *testing.T) {
	h := newHarness(t, 3)
	h.add("priority=1,actions=output:2")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { // traffic into port 1
		defer wg.Done()
		frames := [][]byte{tcp4(1, 2), udp4(3, 4), tcp4(5, 6)}
		for {
			select {
			case <-stop:
				return
			default:
			}
			h.hosts[1].Write(frames, 0)
			time.Sleep(100 * time.Microsecond)
		}
	}()
	go func() { // sink
		defer wg.Done()
		rb, rs := testBatch(memBatch, func(int) []byte { return make([]byte, 2048) })
		for {
			if _, err := h.hosts[2].Read(rb, rs, 0); err != nil {
				return
			}
		}
	}()
	go func() { // control
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			h.groupMod(&GroupMod{Command: GroupAdd, Type: GroupTypeAll, GroupID: 1, Buckets: []Bucket{{Actions: out(2)}}})
			h.meterMod(&MeterMod{Command: MeterAdd, Flags: MeterFlagPktps, MeterID: 1, Bands: []MeterBand{{Rate: 1000}}})
			fm, _ := flow.ParseFlowMod(fmt.Sprintf("priority=10,tcp,tp_src=%d,actions=meter:1,group:1", i%8))
			h.d.FlowMod(fm)
			fm, _ = flow.ParseFlowMod("priority=9,udp,actions=set_field:9->udp_dst,output:2")
			h.d.FlowMod(fm)
			h.d.FlowStats(flow.NewFlowStatsRequest())
			h.d.TableStats()
			h.d.PortStats(flow.PortAny)
			h.d.GroupStats(flow.GroupAll)
			h.d.MeterStats(MeterAll)
			h.d.Expire(time.Now())
			h.d.PortMod(3, flow.PortNoFlood, flow.PortNoFlood)
			if i%4 == 3 {
				h.groupMod(&GroupMod{Command: GroupDelete, GroupID: flow.GroupAll})
				h.meterMod(&MeterMod{Command: MeterDelete, MeterID: MeterAll})
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	h.hosts[2].Close()
	wg.Wait()
	if ps := h.d.PortStats(1); len(ps) != 1 || ps[0].RxPackets == 0 {
		t.Errorf("PortStats(1) = %+v; want traffic", ps)
	}
}
