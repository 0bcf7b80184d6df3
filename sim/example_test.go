package sim_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/sim"
)

// staticApp is a controller app as a user would write one: proactive, it
// installs a flow per host of single,N (host hI sits on port I, with MAC
// 00:00:00:00:00:0I) and one that floods broadcasts (ARP), and counts the
// packets that still reach the controller.
type staticApp struct {
	hosts     int
	packetIns atomic.Int64
}

func (a *staticApp) Register(c *controller.Controller) {
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		rules := []string{"priority=5,dl_dst=ff:ff:ff:ff:ff:ff,actions=FLOOD"}
		for i := 1; i <= a.hosts; i++ {
			rules = append(rules, fmt.Sprintf("priority=10,dl_dst=00:00:00:00:00:%02x,actions=output:%d", i, i))
		}
		for _, r := range rules {
			fm, err := flow.ParseFlowMod(r)
			if err == nil {
				err = dp.Send(fm)
			}
			if err != nil {
				fmt.Println(err)
			}
		}
		return controller.Stop
	})
	c.OnPacketIn(func(*controller.Datapath, *flow.PacketIn) controller.Verdict {
		a.packetIns.Add(1)
		return controller.Stop
	})
}

// Testing a controller app against the real switch: build a network with
// it, pingall, and look at what it did.
func Example() {
	ctx := context.Background()
	topo, err := sim.ParseTopo("single,3")
	if err != nil {
		panic(err)
	}
	app := &staticApp{hosts: 3}
	n, err := sim.New(ctx, topo, sim.Options{App: app})
	if err != nil {
		panic(err)
	}
	defer n.Close()

	fmt.Print(n.PingAll(ctx))
	fmt.Println("packet-ins:", app.packetIns.Load())
	flows, err := n.DumpFlows(ctx, "s1")
	if err != nil {
		panic(err)
	}
	// Each line is ovs-ofctl's; drop the counters, which vary.
	for i, f := range flows {
		_, rest, _ := strings.Cut(f, "priority=")
		flows[i] = "priority=" + rest
	}
	slices.Sort(flows)
	fmt.Println(strings.Join(flows, "\n"))
	// Output:
	// h1 -> h2 h3
	// h2 -> h1 h3
	// h3 -> h1 h2
	// *** Results: 0% dropped (6/6 received)
	// packet-ins: 0
	// priority=10,dl_dst=00:00:00:00:00:01 actions=output:1
	// priority=10,dl_dst=00:00:00:00:00:02 actions=output:2
	// priority=10,dl_dst=00:00:00:00:00:03 actions=output:3
	// priority=5,dl_dst=ff:ff:ff:ff:ff:ff actions=FLOOD
}
