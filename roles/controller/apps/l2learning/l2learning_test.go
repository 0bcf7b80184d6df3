package l2learning_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/l2learning"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

var (
	macA  = openflow.EthAddr{2, 0, 0, 0, 0, 0xa}
	macB  = openflow.EthAddr{2, 0, 0, 0, 0, 0xb}
	bcast = openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

// start runs a controller with the app and connects a fake switch of
// version v with three ports.
func start(t *testing.T, v openflow.Version, app controller.App) (context.Context, *fakeswitch.Switch) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c := controller.New(controller.Config{})
	c.Use(app)
	a, b := net.Pipe()
	go c.ServeConn(ctx, a)
	ports := []flow.PortDesc{{PortNo: 1, Name: "p1"}, {PortNo: 2, Name: "p2"}, {PortNo: 3, Name: "p3"}}
	sw, err := fakeswitch.Start(ctx, b, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1, Ports: ports})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sw.Close() })
	return ctx, sw
}

// reply is what the controller answered a packet-in with.
type reply struct {
	flows []*flow.FlowMod // learned flows (not the join's delete and table miss)
	out   *flow.PacketOut // nil when a buffered packet went with a flow mod
}

// packetIn sends a packet-in and collects the answer: up to the
// packet-out, or up to a flow mod that carries the buffer.
func packetIn(t *testing.T, ctx context.Context, sw *fakeswitch.Switch, in flow.PortNo, buf uint32, frame []byte) reply {
	t.Helper()
	if err := sw.PacketIn(in, buf, frame); err != nil {
		t.Fatal(err)
	}
	var r reply
	for {
		m, err := sw.Recv(ctx)
		if err != nil {
			t.Fatalf("waiting for the answer to a packet-in: %v", err)
		}
		switch x := m.Flow.(type) {
		case *flow.PacketOut:
			r.out = x
			return r
		case *flow.FlowMod:
			if x.Command == flow.Delete || x.Priority == 0 {
				continue
			}
			r.flows = append(r.flows, x)
			if x.BufferID != flow.NoBuffer {
				return r
			}
		}
	}
}

func outputs(as []flow.Action) string { return flow.ActionsString(as) }

func TestLearning(t *testing.T) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		for _, buffered := range []bool{false, true} {
			name := v.String() + "/unbuffered"
			if buffered {
				name = v.String() + "/buffered"
			}
			t.Run(name, func(t *testing.T) { testLearning(t, v, buffered) })
		}
	}
}

func testLearning(t *testing.T, v openflow.Version, buffered bool) {
	ctx, sw := start(t, v, l2learning.New(l2learning.Config{}))
	buf := func(id uint32) uint32 {
		if buffered {
			return id
		}
		return flow.NoBuffer
	}

	// A → B: B is unknown, so the packet floods.
	ab := fakeswitch.Frame(macB, macA)
	r := packetIn(t, ctx, sw, 1, buf(100), ab)
	if len(r.flows) != 0 || r.out == nil || outputs(r.out.Actions) != "FLOOD" || r.out.InPort != 1 || r.out.BufferID != buf(100) {
		t.Fatalf("first packet A→B: flows %v, packet out %v; want no flow and a FLOOD packet out", r.flows, r.out)
	}
	if !buffered && len(r.out.Data) != len(ab) {
		t.Errorf("flooded packet out carries %d bytes; want %d", len(r.out.Data), len(ab))
	}

	// B → A: A was learned on port 1: a flow and the packet go there.
	ba := fakeswitch.Frame(macA, macB)
	r = packetIn(t, ctx, sw, 2, buf(101), ba)
	if len(r.flows) != 1 {
		t.Fatalf("reply B→A installed %d flows; want 1", len(r.flows))
	}
	fm := r.flows[0]
	want := flow.MustParse("in_port=2,dl_src=02:00:00:00:00:0b,dl_dst=02:00:00:00:00:0a")
	if fm.Match != want || flow.InstructionsString(fm.Instructions) != "output:1" || fm.IdleTimeout != 60 || fm.HardTimeout != 0 || fm.BufferID != buf(101) {
		t.Errorf("learned flow %v; want %s,actions=output:1 idle_timeout=60 buffer %#x", fm, want, buf(101))
	}
	if buffered {
		if r.out != nil {
			t.Errorf("buffered reply also sent packet out %v", r.out)
		}
	} else if r.out == nil || outputs(r.out.Actions) != "output:1" || len(r.out.Data) != len(ba) {
		t.Errorf("reply B→A packet out %v; want output:1 with the packet", r.out)
	}
	// The switch now forwards B → A itself.
	k := fakeswitch.Key(2, ba)
	if f, ok := sw.Lookup(&k); !ok || flow.InstructionsString(f.Instructions) != "output:1" {
		t.Errorf("switch forwards B→A with %v (found %v); want output:1", f.Instructions, ok)
	}

	// A → B again: B is known on port 2 now.
	r = packetIn(t, ctx, sw, 1, buf(102), ab)
	if len(r.flows) != 1 || flow.InstructionsString(r.flows[0].Instructions) != "output:2" {
		t.Errorf("A→B after learning installed %v; want one flow output:2", r.flows)
	}
	k = fakeswitch.Key(1, ab)
	if f, ok := sw.Lookup(&k); !ok || flow.InstructionsString(f.Instructions) != "output:2" {
		t.Errorf("switch forwards A→B with %v; want output:2", f.Instructions)
	}

	// Broadcast always floods and installs nothing.
	r = packetIn(t, ctx, sw, 2, buf(103), fakeswitch.Frame(bcast, macB))
	if len(r.flows) != 0 || r.out == nil || outputs(r.out.Actions) != "FLOOD" {
		t.Errorf("broadcast: flows %v, packet out %v; want FLOOD only", r.flows, r.out)
	}

	// A moved to port 3: learned again.
	r = packetIn(t, ctx, sw, 3, buf(104), fakeswitch.Frame(macB, macA))
	if len(r.flows) != 1 || flow.InstructionsString(r.flows[0].Instructions) != "output:2" {
		t.Errorf("A on port 3 → B: flows %v; want output:2", r.flows)
	}
	r = packetIn(t, ctx, sw, 2, buf(105), ba)
	if len(r.flows) != 1 || flow.InstructionsString(r.flows[0].Instructions) != "output:3" {
		t.Errorf("B→A after A moved: flows %v; want output:3", r.flows)
	}
}

// TestJoinFlows: on join the app deletes every flow and, in OpenFlow 1.3,
// installs the table miss.
func TestJoinFlows(t *testing.T) {
	for _, tc := range []struct {
		v    openflow.Version
		want string
	}{
		{openflow.Version10, ""},
		{openflow.Version13, "priority=0,actions=CONTROLLER:65535"},
	} {
		t.Run(tc.v.String(), func(t *testing.T) {
			ctx, sw := start(t, tc.v, l2learning.New(l2learning.Config{}))
			fm, err := fakeswitch.RecvFlow[*flow.FlowMod](ctx, sw)
			if err != nil || fm.Command != flow.Delete || fm.Match.Len() != 0 {
				t.Fatalf("first flow mod %v, %v; want delete all", fm, err)
			}
			// The answer to a packet-in comes after everything the join sent.
			packetIn(t, ctx, sw, 1, flow.NoBuffer, fakeswitch.Frame(bcast, macA))
			got := ""
			for _, f := range sw.Flows() {
				got += f.String()
			}
			if got != tc.want {
				t.Errorf("flows after join = %q; want %q", got, tc.want)
			}
		})
	}
}

// TestSamePort: a destination learned on the port the packet came in on
// is dropped, not sent back.
func TestSamePort(t *testing.T) {
	ctx, sw := start(t, openflow.Version13, l2learning.New(l2learning.Config{}))
	packetIn(t, ctx, sw, 1, flow.NoBuffer, fakeswitch.Frame(macB, macA))
	packetIn(t, ctx, sw, 1, flow.NoBuffer, fakeswitch.Frame(bcast, macB)) // B also on port 1
	r := packetIn(t, ctx, sw, 1, 7, fakeswitch.Frame(macB, macA))
	if len(r.flows) != 0 || r.out == nil || len(r.out.Actions) != 0 || r.out.BufferID != 7 {
		t.Errorf("same-port packet: flows %v, packet out %v; want an empty packet out releasing buffer 7", r.flows, r.out)
	}
}
