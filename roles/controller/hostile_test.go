package controller_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/hostile"
	"github.com/ofbox/ofbox/internal/testnet"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// TestHostileSwitch replays the hostile corpus (internal/hostile: every
// message type of the version, truncated, with lying nested lengths, huge
// counts, trailing bytes, unknown types) from a switch that has joined a
// live controller. Each message must get an OFPT_ERROR with its xid, be
// taken as valid, or end that session; a well-behaved switch on the same
// controller answers a barrier throughout. What Open vSwitch's decoder
// rejects must not be taken, but for the exemptions named: the controller
// decodes what a switch reports, and does not judge its values.
func TestHostileSwitch(t *testing.T) {
	testnet.RequireTools(t, "ovs-ofctl")
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
			hostile.CheckOVS(t, v, cases, o, func(c hostile.Case, ovsErr string) string {
				if why := hostile.Common(c, ovsErr); why != "" {
					return why
				}
				if hostile.EmptyReply(v, c) && ovsErr == "OFPBRC_BAD_LEN" {
					return "a multipart reply with no entries, well formed (Open vSwitch wants a table in a table-features reply)"
				}
				if reportValues[ovsErr] {
					return "a value in what the switch reports (a reason, role, prerequisite, band, table), passed to the apps as the switch sent it"
				}
				return ""
			})
		})
	}
}

// reportValues are the codes Open vSwitch's decoder gives for values
// (not framing) in messages a switch sends.
var reportValues = map[string]bool{
	"NXBRC_BAD_REASON": true, "OFPRRFC_BAD_ROLE": true, "OFPBMC_BAD_PREREQ": true,
	"OFPMMFC_BAD_BAND": true, "OFPTFFC_BAD_TABLE": true, "OFPBAC_BAD_VENDOR": true,
}
