package ofswitch

import (
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/hostile"
	"github.com/ofbox/ofbox/internal/testnet"
	"github.com/ofbox/ofbox/openflow"
)

// TestHostileController replays the hostile corpus (internal/hostile) from
// a controller connected to a live switch's passive listener. Each message
// must get an OFPT_ERROR with its xid and a type the version has, be taken
// as valid (the echo behind it is answered), or end that connection; a
// well-behaved controller on the same switch gets its barriers answered
// throughout, and nothing panics.
func TestHostileController(t *testing.T) {
	testnet.RequireTools(t, "ovs-ofctl")
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		t.Run(v.String(), func(t *testing.T) {
			cases, err := hostile.Corpus(v)
			if err != nil {
				t.Fatal(err)
			}
			r := newRig(t, Config{})
			good := dial(t, r.addr, v)
			open := func() (hostile.Session, error) {
				nc, err := net.DialTimeout("tcp", r.addr, 5*time.Second)
				if err != nil {
					return hostile.Session{}, err
				}
				hello, _ := openflow.AppendHello(nil, 1, v)
				if _, err := nc.Write(hello); err != nil {
					nc.Close()
					return hostile.Session{}, err
				}
				fr := openflow.NewFrameReader(nc)
				nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, _, err := fr.ReadFrame(); err != nil { // the switch's HELLO
					nc.Close()
					return hostile.Session{}, err
				}
				return hostile.Session{Conn: nc, FR: fr}, nil
			}
			alive := func() error { good.barrier(); return nil }
			o := hostile.Replay(t, v, cases, open, alive)
			t.Logf("%d cases: %v", len(cases), o)
			if o.Errors == 0 {
				t.Errorf("no case drew an OFPT_ERROR (%v): the corpus does not reach the decoders", o)
			}
			hostile.CheckOVS(t, v, cases, o, func(c hostile.Case, ovsErr string) string {
				if why := hostile.Common(c, ovsErr); why != "" {
					return why
				}
				if ovsErr == "OFPGMFC_BAD_TYPE" && c.Type() == 15 { // OFPT_GROUP_MOD
					return "a group delete, whose group type OpenFlow 1.3 ignores"
				}
				return ""
			})
		})
	}
}
