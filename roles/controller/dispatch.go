package controller

import (
	"runtime"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// run reads the switch's messages and dispatches them in order until the
// connection ends, and returns why.
func (c *Controller) run(dp *Datapath, early []inbound, cd *sessionCodecs) error {
	s := session{c: c, dp: dp, cd: cd}
	for _, it := range early {
		s.dispatch(it.h, it.m)
	}
	// From here on the codecs apply the rate limit and reuse storage.
	cd.reuse = true
	for {
		h, m, err := dp.conn.Read()
		if err != nil {
			if h.Length < openflow.HeaderLen {
				return err // the connection has ended
			}
			dp.bad.Add(1)
			s.message(h, nil, err)
			continue
		}
		s.dispatch(h, m)
	}
}

// session is the dispatch state of one datapath, owned by its goroutine.
type session struct {
	c  *Controller
	dp *Datapath
	cd *sessionCodecs
	pi flow.PacketIn // the packet-in being dispatched, reused
}

// dispatch hands one message to the Request waiting for it or to the
// handlers of its kind.
func (s *session) dispatch(h openflow.Header, m openflow.Message) {
	dp := s.dp
	switch w := m.(type) {
	case *droppedPacketIn:
		dp.dropped.Add(1)
	case *of13.PacketIn, *of10.PacketIn:
		if !s.cd.reuse && !s.cd.limit.take() { // else the codec took a token
			dp.dropped.Add(1)
			return
		}
		pi := &s.pi
		if err := flow.DecodePacketIn(pi, m); err != nil {
			s.bad(h, m, err)
			return
		}
		dp.packetIns.Add(1)
		for _, f := range s.c.handlers.load().packetIn {
			if f(dp, pi) == Stop {
				return
			}
		}
	case *of13.FlowRemoved, *of10.FlowRemoved:
		fr, err := flow.DecodeAs[*flow.FlowRemoved](m)
		if err != nil {
			s.bad(h, m, err)
			return
		}
		for _, f := range s.c.handlers.load().flowRemoved {
			if f(dp, fr) == Stop {
				return
			}
		}
	case *of13.PortStatus, *of10.PortStatus:
		ps, err := flow.DecodeAs[*flow.PortStatus](m)
		if err != nil {
			s.bad(h, m, err)
			return
		}
		dp.updatePort(ps)
		for _, f := range s.c.handlers.load().portStatus {
			if f(dp, ps) == Stop {
				return
			}
		}
	case *openflow.ErrorMsg:
		if dp.answer(h.Xid, w) {
			return
		}
		for _, f := range s.c.handlers.load().errors {
			if f(dp, h.Xid, w) == Stop {
				return
			}
		}
	default:
		if dp.answer(h.Xid, m) {
			return
		}
		switch {
		case !switchSends(dp.version, h.Type):
			// A request (or a type the version lacks): switches ask a
			// controller nothing. Refused as Open vSwitch refuses what it
			// does not take; the handlers still see it.
			s.refuse(h, m, openflow.ErrTypeBadRequest, openflow.ErrCodeBadType)
		case h.Type == openflow.TypeExperimenter:
			// No experimenter (vendor) extension is known here.
			s.refuse(h, m, openflow.ErrTypeBadRequest, openflow.ErrCodeBadExperimenter)
		default:
			switch m.(type) {
			case *of13.MultipartUnknown, *of10.StatsUnknown, *of13.ExperimenterMultipartReply, *of10.VendorStatsReply:
				// A reply of a kind no request of ours asks for.
				s.refuse(h, m, openflow.ErrTypeBadRequest, openflow.ErrCodeBadMultipart)
			}
		}
		s.message(h, m, nil)
	}
}

// bad answers a message that decoded but does not convert to the flow
// model (a packet-in whose match lies, say) with the OFPT_ERROR that
// fits err, counts it, and shows it to the catch-all handlers.
func (s *session) bad(h openflow.Header, m openflow.Message, err error) {
	s.dp.bad.Add(1)
	typ, code := openflow.ErrorCodeFor(err)
	s.refuse(h, m, typ, code)
	s.message(h, m, err)
}

// refuse sends the switch an OFPT_ERROR for message m: its xid, and its
// first 64 bytes as the data, as the specifications ask.
func (s *session) refuse(h openflow.Header, m openflow.Message, typ, code uint16) {
	raw, err := openflow.Marshal(h.Xid, m)
	if err != nil {
		raw, _ = h.AppendBinary(nil)
	}
	em := openflow.NewErrorMsg(s.dp.version, typ, code, raw)
	if err := s.dp.conn.SendXid(h.Xid, em); err != nil {
		s.c.log.Debug("error reply not sent", "dpid", s.dp.hexID(), "err", err)
	}
}

// switchSends reports whether a switch may send a message of type t in
// version v: the asynchronous messages, replies and the symmetric ones.
// Anything else from a switch is refused with BAD_REQUEST/BAD_TYPE.
func switchSends(v openflow.Version, t uint8) bool {
	if v == openflow.Version10 {
		switch of10.Type(t) {
		case of10.TypeHello, of10.TypeError, of10.TypeEchoRequest, of10.TypeEchoReply, of10.TypeVendor,
			of10.TypeFeaturesReply, of10.TypeGetConfigReply, of10.TypePacketIn, of10.TypeFlowRemoved,
			of10.TypePortStatus, of10.TypeStatsReply, of10.TypeBarrierReply, of10.TypeQueueGetConfigReply:
			return true
		}
		return false
	}
	switch of13.Type(t) {
	case of13.TypeHello, of13.TypeError, of13.TypeEchoRequest, of13.TypeEchoReply, of13.TypeExperimenter,
		of13.TypeFeaturesReply, of13.TypeGetConfigReply, of13.TypePacketIn, of13.TypeFlowRemoved,
		of13.TypePortStatus, of13.TypeMultipartReply, of13.TypeBarrierReply, of13.TypeQueueGetConfigReply,
		of13.TypeRoleReply, of13.TypeGetAsyncReply:
		return true
	}
	return false
}

// message runs the catch-all handlers.
func (s *session) message(h openflow.Header, m openflow.Message, err error) {
	for _, f := range s.c.handlers.load().messages {
		if f(s.dp, h, m, err) == Stop {
			return
		}
	}
}

// bucket is a token bucket: rate tokens a second up to burst.
type bucket struct {
	rate, burst, tokens float64 // rate per nanosecond; rate < 0: no limit
	last                time.Time
	skip                int // calls take answers false without the clock
}

func newBucket(perSecond float64, burst int) bucket {
	if perSecond < 0 {
		return bucket{rate: -1}
	}
	return bucket{rate: perSecond / 1e9, burst: float64(burst), tokens: float64(burst)}
}

// take takes a token if there is one, reading the clock only when the
// tokens left do not suffice: a clock read costs more than the rest of
// the packet-in path on some virtual machines.
func (b *bucket) take() bool {
	if b.rate < 0 {
		return true
	}
	if b.tokens >= 1 && !b.last.IsZero() {
		b.tokens--
		return true
	}
	if b.skip > 0 {
		// Dry: look at the clock again only every dryChecks calls, so
		// that a flood costs little to drop. The tokens still accrue at
		// the rate; some may wait a few calls longer.
		b.skip--
		return false
	}
	if b.allow(time.Now()) { // the first call starts the clock
		return true
	}
	b.skip = dryChecks - 1
	// Let the datapaths that have tokens use the processor.
	runtime.Gosched()
	return false
}

// dryChecks: a dry bucket reads the clock once per this many calls.
const dryChecks = 32

// allow takes a token at time now if there is one.
func (b *bucket) allow(now time.Time) bool {
	if b.rate < 0 {
		return true
	}
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+float64(now.Sub(b.last))*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
