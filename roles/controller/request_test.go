package controller_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

func TestBarrier(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1})
			dp := ev.waitJoin(t)
			for range 3 {
				if err := dp.Barrier(ctx); err != nil {
					t.Fatalf("Barrier = %v; want nil", err)
				}
			}
		})
	}
}

func TestRequestError(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			unasked := make(chan *openflow.ErrorMsg, 1)
			c.OnError(func(dp *controller.Datapath, xid uint32, e *openflow.ErrorMsg) controller.Verdict {
				unasked <- e
				return controller.Continue
			})
			connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1, RefuseBarrier: true})
			dp := ev.waitJoin(t)
			err := dp.Barrier(ctx)
			var em *openflow.ErrorMsg
			if !errors.As(err, &em) || em.Type != 1 || em.Code != 1 {
				t.Errorf("Barrier = %v; want an *openflow.ErrorMsg BAD_REQUEST/BAD_TYPE", err)
			}
			select {
			case e := <-unasked:
				t.Errorf("the error reply of a Request also went to OnError: %v", e)
			default:
			}
		})
	}
}

// TestRequestMultipart: a flow stats reply too long for one frame comes
// back whole from Request.
func TestRequestMultipart(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			ctx := testContext(t)
			c := controller.New(controller.Config{})
			ev := record(c)
			sw, _ := connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1})
			dp := ev.waitJoin(t)
			const n = 2000 // about 200 KB: several parts
			go func() {
				for {
					m, err := sw.Recv(ctx)
					if err != nil {
						return
					}
					if _, ok := m.Flow.(*flow.FlowStatsRequest); !ok {
						continue
					}
					r := &flow.FlowStatsReply{}
					for i := range n {
						fs := flow.FlowStats{Priority: uint16(i), Instructions: []flow.Instruction{flow.ApplyActions{Actions: []flow.Action{flow.Output{Port: 1}}}}}
						fs.Match.SetInPort(flow.PortNo(i + 1))
						r.Flows = append(r.Flows, fs)
					}
					w, err := r.Encode(v)
					if err != nil {
						t.Errorf("encode reply: %v", err)
						return
					}
					sw.SendRaw(m.H.Xid, w)
				}
			}()
			got, err := dp.Request(ctx, flow.NewFlowStatsRequest())
			if err != nil {
				t.Fatalf("Request(flow stats) = %v", err)
			}
			r, ok := got.(*flow.FlowStatsReply)
			if !ok || len(r.Flows) != n {
				t.Fatalf("Request(flow stats) = %T with %d flows; want *flow.FlowStatsReply with %d", got, flowsOf(got), n)
			}
			if p, _ := r.Flows[n-1].Match.InPort(); p != n {
				t.Errorf("last flow in_port = %d; want %d", p, n)
			}
		})
	}
}

func flowsOf(m flow.Message) int {
	if r, ok := m.(*flow.FlowStatsReply); ok {
		return len(r.Flows)
	}
	return -1
}

func TestRequestGone(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	ev := record(c)
	sw, _ := connect(t, ctx, c, fakeswitch.Config{DPID: 1})
	dp := ev.waitJoin(t)
	errc := make(chan error, 1)
	go func() { _, err := dp.Request(ctx, flow.NewFlowStatsRequest()); errc <- err }()
	if _, err := fakeswitch.RecvFlow[*flow.FlowStatsRequest](ctx, sw); err != nil { // the request arrived
		t.Fatal(err)
	}
	sw.Close()
	if err := <-errc; !errors.Is(err, controller.ErrGone) {
		t.Errorf("Request across a disconnect = %v; want ErrGone", err)
	}
	ev.waitLeave(t)
	if err := dp.Barrier(ctx); !errors.Is(err, controller.ErrGone) {
		t.Errorf("Barrier after leave = %v; want ErrGone", err)
	}
}

func TestRequestContext(t *testing.T) {
	ctx := testContext(t)
	c := controller.New(controller.Config{})
	ev := record(c)
	connect(t, ctx, c, fakeswitch.Config{DPID: 1})
	dp := ev.waitJoin(t)
	rctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := dp.Request(rctx, flow.NewFlowStatsRequest()); !errors.Is(err, context.Canceled) {
		t.Errorf("Request with a cancelled context = %v; want context.Canceled", err)
	}
}
