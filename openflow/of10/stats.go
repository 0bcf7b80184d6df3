package of10

import (
	"encoding/binary"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// StatsType is ofp_stats_types.
type StatsType uint16

// The OpenFlow 1.0 stats kinds.
const (
	StatsDesc      StatsType = 0
	StatsFlow      StatsType = 1
	StatsAggregate StatsType = 2
	StatsTable     StatsType = 3
	StatsPort      StatsType = 4
	StatsQueue     StatsType = 5
	StatsVendor    StatsType = 0xffff
)

var statsNames = [...]string{"DESC", "FLOW", "AGGREGATE", "TABLE", "PORT", "QUEUE"}

// String names the kind as ovs-ofctl does ("OFPST_FLOW").
func (t StatsType) String() string {
	if int(t) < len(statsNames) {
		return "OFPST_" + statsNames[t]
	}
	switch t {
	case StatsPortDesc:
		return "OFPST_PORT_DESC"
	case StatsVendor:
		return "OFPST_VENDOR"
	}
	return "OFPST_" + strconv.Itoa(int(t))
}

// StatsFlags is the flags field of a stats request or reply.
type StatsFlags uint16

// StatsReplyMore marks a reply that more replies of the same xid follow.
const StatsReplyMore StatsFlags = 1 << 0

// String prints "more" for StatsReplyMore and other bits in hex.
func (f StatsFlags) String() string {
	switch {
	case f == 0:
		return "0"
	case f == StatsReplyMore:
		return "more"
	}
	return hex16(uint16(f))
}

// A StatsMessage is an OFPT_STATS_REQUEST or OFPT_STATS_REPLY of one kind.
type StatsMessage interface {
	openflow.Message
	StatsType() StatsType
}

const statsHeaderLen = 4 // type and flags after ofp_header

// appendStatsHeader appends the type and flags of a stats message.
func appendStatsHeader(b []byte, t StatsType, f StatsFlags) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	return binary.BigEndian.AppendUint16(b, uint16(f))
}

// StatsUnknown is a stats request or reply of a kind OpenFlow 1.0 does
// not define, its body after type and flags kept raw.
type StatsUnknown struct {
	Request bool
	Type    StatsType
	Flags   StatsFlags
	Body    []byte
}

func (*StatsUnknown) Version() openflow.Version { return openflow.Version10 }

func (m *StatsUnknown) MsgType() uint8 {
	if m.Request {
		return uint8(TypeStatsRequest)
	}
	return uint8(TypeStatsReply)
}

func (m *StatsUnknown) StatsType() StatsType { return m.Type }

// AppendBinary appends the type, the flags and the raw body.
func (m *StatsUnknown) AppendBinary(b []byte) ([]byte, error) {
	return append(appendStatsHeader(b, m.Type, m.Flags), m.Body...), nil
}

func decodeStatsRequest(body []byte) (StatsMessage, error) {
	r := wire.NewReader(body)
	t, f := StatsType(r.U16()), StatsFlags(r.U16())
	if r.Err() != nil {
		return nil, short(&r)
	}
	p := r.Rest()
	var (
		m   StatsMessage
		err error
	)
	switch t {
	case StatsDesc:
		m, err = &DescStatsRequest{Flags: f}, wantLen(p, 0)
	case StatsFlow:
		var q flowStatsQuery
		q, err = decodeFlowStatsQuery(p)
		m = &FlowStatsRequest{Flags: f, Match: q.match, TableID: q.tableID, OutPort: q.outPort}
	case StatsAggregate:
		var q flowStatsQuery
		q, err = decodeFlowStatsQuery(p)
		m = &AggregateStatsRequest{Flags: f, Match: q.match, TableID: q.tableID, OutPort: q.outPort}
	case StatsTable:
		m, err = &TableStatsRequest{Flags: f}, wantLen(p, 0)
	case StatsPort:
		m, err = decodePortStatsRequest(f, p)
	case StatsQueue:
		m, err = decodeQueueStatsRequest(f, p)
	case StatsPortDesc:
		m, err = &PortDescStatsRequest{Flags: f}, wantLen(p, 0)
	case StatsVendor:
		m, err = decodeVendorStatsRequest(f, p)
	default:
		return &StatsUnknown{Request: true, Type: t, Flags: f, Body: clone(p)}, nil
	}
	if err != nil {
		return nil, at(statsHeaderLen, err)
	}
	return m, nil
}

func decodeStatsReply(body []byte) (StatsMessage, error) {
	r := wire.NewReader(body)
	t, f := StatsType(r.U16()), StatsFlags(r.U16())
	if r.Err() != nil {
		return nil, short(&r)
	}
	p := r.Rest()
	var (
		m   StatsMessage
		err error
	)
	switch t {
	case StatsDesc:
		m, err = decodeDescStatsReply(f, p)
	case StatsFlow:
		m, err = decodeFlowStatsReply(f, p)
	case StatsAggregate:
		m, err = decodeAggregateStatsReply(f, p)
	case StatsTable:
		m, err = decodeTableStatsReply(f, p)
	case StatsPort:
		m, err = decodePortStatsReply(f, p)
	case StatsQueue:
		m, err = decodeQueueStatsReply(f, p)
	case StatsPortDesc:
		m, err = decodePortDescStatsReply(f, p)
	case StatsVendor:
		m, err = decodeVendorStatsReply(f, p)
	default:
		return &StatsUnknown{Type: t, Flags: f, Body: clone(p)}, nil
	}
	if err != nil {
		return nil, at(statsHeaderLen, err)
	}
	return m, nil
}

// checkEntries checks that p holds whole entries of size n.
func checkEntries(p []byte, n int, what string) error {
	if len(p)%n != 0 {
		return badLen(len(p)-len(p)%n, "%d bytes of %s is not a multiple of %d", len(p), what, n)
	}
	return nil
}
