package controller_test

import (
	"testing"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestEvents: port-status and flow-removed messages reach their chains,
// in registration order, until a handler stops them; the port list
// follows port-status.
func TestEvents(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			seen := make(chan string, 10)
			c.OnPortStatus(func(dp *controller.Datapath, ps *flow.PortStatus) controller.Verdict {
				seen <- "first " + ps.Reason.String() + " " + ps.Desc.PortNo.String()
				return controller.Stop
			})
			c.OnPortStatus(func(dp *controller.Datapath, ps *flow.PortStatus) controller.Verdict {
				seen <- "second"
				return controller.Continue
			})
			c.OnFlowRemoved(func(dp *controller.Datapath, fr *flow.FlowRemoved) controller.Verdict {
				seen <- "removed " + fr.Reason.String() + " " + fr.Match.String()
				return controller.Continue
			})
			sw, _ := connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1, Ports: ports(2)})
			dp := ev.waitJoin(t)
			sw.Send(&flow.PortStatus{Reason: flow.PortAdd, Desc: flow.PortDesc{PortNo: 9, Name: "p9"}})
			sw.Send(&flow.PortStatus{Reason: flow.PortDelete, Desc: flow.PortDesc{PortNo: 1, Name: "p1"}})
			sw.Send(&flow.FlowRemoved{Reason: flow.RemovedIdleTimeout, Match: flow.MustParse("in_port=2")})
			if err := dp.Barrier(ctx); err != nil {
				t.Fatal(err)
			}
			close(seen)
			var got []string
			for s := range seen {
				got = append(got, s)
			}
			want := []string{"first ADD 9", "first DELETE 1", "removed idle in_port=2"}
			if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
				t.Errorf("events %q; want %q", got, want)
			}
			var nos []flow.PortNo
			for _, p := range dp.Ports() {
				nos = append(nos, p.PortNo)
			}
			if len(nos) != 2 || nos[0] != 2 || nos[1] != 9 {
				t.Errorf("ports after add 9, delete 1 = %v; want [2 9]", nos)
			}
		})
	}
}
