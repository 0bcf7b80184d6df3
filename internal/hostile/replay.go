package hostile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// Session is one connection to the peer under test, past its handshake.
type Session struct {
	Conn net.Conn
	FR   *openflow.FrameReader
}

// Outcome counts how the peer took the cases.
type Outcome struct {
	Errors      int // answered with OFPT_ERROR, the session going on
	Disconnects int // the peer ended the session (after an error or not)
	Accepted    int // neither: the mutation was still a valid message, or one the peer ignores

	Verdicts []Verdict // one per case, in the order of the cases
}

// Verdict is how the peer took one case.
type Verdict struct {
	Kind       VerdictKind
	Type, Code uint16 // of the OFPT_ERROR, when Kind is Refused
}

// VerdictKind says how a case was taken.
type VerdictKind uint8

const (
	Accepted     VerdictKind = iota // silently, as a valid message
	Refused                         // with an OFPT_ERROR
	Disconnected                    // the peer ended the session
)

func (o Outcome) String() string {
	return fmt.Sprintf("%d OFPT_ERROR, %d disconnects, %d taken as valid", o.Errors, o.Disconnects, o.Accepted)
}

// Replay sends every case, each followed by the probe (a barrier
// request), on sessions that open makes (a new one whenever the peer ends
// one), and checks that the peer answers each case with an OFPT_ERROR
// that carries the case's xid and an error type the version has, or takes
// it silently (the case was valid after all), or ends the session: never
// silence, never a crash. The probe's answer, a barrier reply or an
// OFPT_ERROR with its xid, marks the end of the case's: both roles handle
// a barrier request in order with what came before it, where an echo
// request is answered as soon as it is read. alive, called every 50 cases
// and at the end, checks that another peer of the process is still
// served.
func Replay(t testing.TB, v openflow.Version, cases []Case, open func() (Session, error), alive func() error) Outcome {
	t.Helper()
	o := Outcome{Verdicts: make([]Verdict, len(cases))}
	s, err := open()
	if err != nil {
		t.Fatalf("hostile: open: %v", err)
	}
	defer func() { s.Conn.Close() }()
	for i, c := range cases {
		if i%50 == 49 {
			if err := alive(); err != nil {
				t.Fatalf("hostile: after case %d (%s) the good peer is not served: %v", i, c.Name, err)
			}
		}
		xid := uint32(2*i + 0x1000)
		ended, err := one(s, v, c, xid, &o, &o.Verdicts[i])
		if err != nil {
			t.Errorf("hostile: case %s: %v", c.Name, err)
		}
		if ended || err != nil {
			s.Conn.Close()
			if s, err = open(); err != nil {
				t.Fatalf("hostile: reopen after case %s: %v", c.Name, err)
			}
		}
	}
	if err := alive(); err != nil {
		t.Fatalf("hostile: after the corpus the good peer is not served: %v", err)
	}
	return o
}

// one sends case c and reads until its verdict; ended says the session is over.
func one(s Session, v openflow.Version, c Case, xid uint32, o *Outcome, vd *Verdict) (ended bool, err error) {
	s.Conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := s.Conn.Write(append(c.Stamp(xid), Probe(v, xid+1)...)); err != nil {
		o.Disconnects++ // it hung up as we wrote
		vd.Kind = Disconnected
		return true, nil
	}
	sawError := false
	for {
		h, body, err := s.FR.ReadFrame()
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return true, fmt.Errorf("no OFPT_ERROR, no answer to the barrier behind it and no disconnect in 10 s")
		case err != nil:
			o.Disconnects++
			if !sawError {
				vd.Kind = Disconnected
			}
			return true, nil
		}
		switch {
		case h.Type == openflow.TypeError && h.Xid == xid:
			if len(body) < 4 {
				return true, fmt.Errorf("OFPT_ERROR of %d bytes", len(body))
			}
			typ := binary.BigEndian.Uint16(body)
			if name := openflow.ErrorTypeName(v, typ); strings.HasPrefix(name, "unknown") || strings.Contains(name, "0x") {
				return true, fmt.Errorf("OFPT_ERROR of a type OpenFlow %s does not have: %d (%s)", v, typ, name)
			}
			if !sawError {
				o.Errors++
				*vd = Verdict{Kind: Refused, Type: typ, Code: binary.BigEndian.Uint16(body[2:])}
			}
			sawError = true
		case h.Xid == xid+1 && (h.Type == openflow.TypeError || h.Type == barrierReply(v)):
			if !sawError {
				o.Accepted++
				vd.Kind = Accepted
			}
			return false, nil
		case h.Type == openflow.TypeEchoRequest:
			reply := append([]byte{uint8(v), openflow.TypeEchoReply, 0, 0}, binary.BigEndian.AppendUint32(nil, h.Xid)...)
			reply = append(reply, body...)
			binary.BigEndian.PutUint16(reply[2:], uint16(len(reply)))
			if _, err := s.Conn.Write(reply); err != nil {
				o.Disconnects++
				if !sawError {
					vd.Kind = Disconnected
				}
				return true, nil
			}
		}
	}
}
