package controller_test

import (
	"context"
	"fmt"
	"net"

	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// A hub in a dozen lines: every packet that reaches the controller is
// flooded out of the switch it came from.
func Example() {
	c := controller.New(controller.Config{})
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		fmt.Printf("%s joined, OpenFlow %s\n", dp, dp.Version())
		return controller.Continue
	})
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		flood := []flow.Action{flow.Output{Port: flow.PortFlood}}
		dp.Send(&flow.PacketOut{BufferID: pi.BufferID, InPort: pi.InPort(), Actions: flood, Data: pi.Data})
		return controller.Continue
	})

	l, err := net.Listen("tcp", "127.0.0.1:0") // ofbox controller uses :6653
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Serve(ctx, l) }()

	sw := exampleSwitch(l.Addr().String()) // Open vSwitch would connect here
	po, _ := fakeswitch.RecvFlow[*flow.PacketOut](ctx, sw)
	fmt.Println("packet out:", flow.ActionsString(po.Actions))
	cancel()
	<-done
	// Output:
	// dpid=0000000000000001 joined, OpenFlow 1.3
	// packet out: FLOOD
}

// exampleSwitch connects a fake switch that sends one packet-in.
func exampleSwitch(addr string) *fakeswitch.Switch {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	sw, err := fakeswitch.Start(context.Background(), nc, fakeswitch.Config{DPID: 1})
	if err != nil {
		panic(err)
	}
	sw.PacketIn(1, flow.NoBuffer, fakeswitch.Frame([6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, [6]byte{2, 0, 0, 0, 0, 1}))
	return sw
}
