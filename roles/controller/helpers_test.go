package controller_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

var versions = []openflow.Version{openflow.Version10, openflow.Version13}

// events records the join and leave events of a controller.
type events struct {
	join  chan *controller.Datapath
	leave chan leaveEvent
}

type leaveEvent struct {
	dp     *controller.Datapath
	reason error
}

func record(c *controller.Controller) *events {
	e := &events{join: make(chan *controller.Datapath, 2000), leave: make(chan leaveEvent, 2000)}
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict { e.join <- dp; return controller.Continue })
	c.OnLeave(func(dp *controller.Datapath, reason error) controller.Verdict {
		e.leave <- leaveEvent{dp, reason}
		return controller.Continue
	})
	return e
}

func (e *events) waitJoin(t *testing.T) *controller.Datapath {
	t.Helper()
	select {
	case dp := <-e.join:
		return dp
	case <-time.After(10 * time.Second):
		t.Fatal("no datapath joined")
	}
	return nil
}

func (e *events) waitLeave(t *testing.T) leaveEvent {
	t.Helper()
	select {
	case l := <-e.leave:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no datapath left")
	}
	return leaveEvent{}
}

// serve runs c.ServeConn on one end of a pipe and returns the other end
// and the channel ServeConn's result arrives on.
func serve(t *testing.T, ctx context.Context, c *controller.Controller) (net.Conn, <-chan error) {
	t.Helper()
	a, b := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- c.ServeConn(ctx, a) }()
	t.Cleanup(func() { b.Close() })
	return b, errc
}

// connect starts a fake switch served by c.
func connect(t *testing.T, ctx context.Context, c *controller.Controller, cfg fakeswitch.Config) (*fakeswitch.Switch, <-chan error) {
	t.Helper()
	nc, errc := serve(t, ctx, c)
	sw, err := fakeswitch.Start(ctx, nc, cfg)
	if err != nil {
		t.Fatalf("fakeswitch.Start: %v", err)
	}
	t.Cleanup(func() { sw.Close() })
	return sw, errc
}

func ports(n int) []flow.PortDesc {
	ps := make([]flow.PortDesc, n)
	for i := range ps {
		ps[i] = flow.PortDesc{PortNo: flow.PortNo(i + 1), Name: "p" + string(rune('1'+i)), HWAddr: openflow.EthAddr{2, 0, 0, 0, 0, byte(i + 1)}}
	}
	return ps
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
