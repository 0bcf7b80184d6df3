package controller_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestStuckSwitch: a switch that sends packet-ins but never reads fills
// its bounded output queue; its session ends at the write timeout while
// another datapath goes on working.
func TestStuckSwitch(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{OutputBytes: 4096, WriteTimeout: 100 * time.Millisecond, EchoInterval: -1})
	ev := record(c)
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		dp.Send(&flow.PacketOut{BufferID: flow.NoBuffer, InPort: pi.InPort(), Actions: []flow.Action{flow.Output{Port: flow.PortFlood}}, Data: pi.Data})
		return controller.Continue
	})
	_, _ = connect(t, ctx, c, fakeswitch.Config{DPID: 1})
	good := ev.waitJoin(t)

	nc, errc := serve(t, ctx, c)
	if _, err := fakeswitch.RawHandshake(nc, openflow.Version13, 2); err != nil {
		t.Fatal(err)
	}
	ev.waitJoin(t)
	pi := &flow.PacketIn{BufferID: flow.NoBuffer, Data: make([]byte, 1000)}
	pi.Match.SetInPort(1)
	w, _ := pi.Encode(openflow.Version13)
	frame, _ := openflow.Append(nil, 0, w)
	go func() { // keep sending, never read
		for {
			if _, err := nc.Write(frame); err != nil {
				return
			}
		}
	}()
	l := ev.waitLeave(t)
	if l.dp.ID() != 2 || !errors.Is(l.reason, os.ErrDeadlineExceeded) {
		t.Errorf("leave(%v, %v); want dpid 2 leaving at the write deadline", l.dp, l.reason)
	}
	<-errc
	if err := good.Barrier(context.Background()); err != nil {
		t.Errorf("other datapath Barrier = %v; want nil", err)
	}
}
