package controller_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/hostile"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestHostileSwitch replays the hostile corpus (internal/hostile: every
// message type of the version, truncated, with lying nested lengths, huge
// counts, trailing bytes, unknown types) from a switch that has joined a
// live controller. Each message must get an OFPT_ERROR with its xid, be
// taken as valid, or end that session; a well-behaved switch on the same
// controller answers a barrier throughout.
func TestHostileSwitch(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			cases, err := hostile.Corpus(v)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			c := controller.New(controller.Config{})
			ev := record(c)
			connect(t, ctx, c, fakeswitch.Config{Versions: []openflow.Version{v}, DPID: 1})
			good := ev.waitJoin(t)
			dpid := uint64(100)
			open := func() (hostile.Session, error) {
				a, b := net.Pipe()
				go c.ServeConn(ctx, a)
				dpid++
				fr, err := fakeswitch.RawHandshake(b, v, dpid)
				if err != nil {
					b.Close()
					return hostile.Session{}, err
				}
				return hostile.Session{Conn: b, FR: fr}, nil
			}
			alive := func() error {
				bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				return good.Barrier(bctx)
			}
			o := hostile.Replay(t, v, cases, open, alive)
			t.Logf("%d cases: %v", len(cases), o)
			if o.Errors == 0 {
				t.Errorf("no case drew an OFPT_ERROR (%v): the corpus does not reach the decoders", o)
			}
		})
	}
}
