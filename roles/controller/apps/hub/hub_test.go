package hub_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/hub"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

func TestHubFloods(t *testing.T) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		t.Run(v.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			c := controller.New(controller.Config{})
			c.Use(hub.App{})
			a, b := net.Pipe()
			go c.ServeConn(ctx, a)
			sw, err := fakeswitch.Start(ctx, b, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer sw.Close()
			ma, mb := openflow.EthAddr{2, 0, 0, 0, 0, 1}, openflow.EthAddr{2, 0, 0, 0, 0, 2}
			for i, tc := range []struct {
				in    flow.PortNo
				buf   uint32
				frame []byte
			}{
				{1, flow.NoBuffer, fakeswitch.Frame(mb, ma)},
				{2, flow.NoBuffer, fakeswitch.Frame(ma, mb)},
				{1, 42, fakeswitch.Frame(mb, ma)},
			} {
				if err := sw.PacketIn(tc.in, tc.buf, tc.frame); err != nil {
					t.Fatal(err)
				}
				po, err := fakeswitch.RecvFlow[*flow.PacketOut](ctx, sw)
				if err != nil {
					t.Fatal(err)
				}
				wantData := len(tc.frame)
				if tc.buf != flow.NoBuffer {
					wantData = 0
				}
				if flow.ActionsString(po.Actions) != "FLOOD" || po.InPort != tc.in || po.BufferID != tc.buf || len(po.Data) != wantData {
					t.Errorf("packet %d: packet out %v; want in_port=%s actions=FLOOD buffer %#x with %d bytes", i, po, tc.in, tc.buf, wantData)
				}
			}
			for _, f := range sw.Flows() {
				if f.Priority != 0 {
					t.Errorf("hub installed flow %v; want only the table miss", &f)
				}
			}
		})
	}
}
