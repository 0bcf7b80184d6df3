// Package hub is the simplest controller app: every switch floods every
// packet, through the controller.
package hub

import (
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
)

// App floods each packet-in out of every port but the one it came in on.
type App struct{}

// Register registers the app's handlers on c.
func (App) Register(c *controller.Controller) {
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		_ = controller.ResetFlows(dp, flow.ControllerMaxLenNoBuffer)
		return controller.Continue
	})
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		po := flow.PacketOut{BufferID: pi.BufferID, InPort: pi.InPort(), Actions: flood}
		if pi.BufferID == flow.NoBuffer {
			po.Data = pi.Data
		}
		_ = dp.Send(&po)
		return controller.Continue
	})
}

var flood = []flow.Action{flow.Output{Port: flow.PortFlood}}
