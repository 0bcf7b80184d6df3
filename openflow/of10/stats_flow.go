package of10

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FlowStatsRequest is an OFPST_FLOW request.
type FlowStatsRequest struct {
	Flags   StatsFlags
	Match   Match
	TableID uint8  // TableAll for all tables
	OutPort PortNo // PortNone: no restriction
}

func (*FlowStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*FlowStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*FlowStatsRequest) StatsType() StatsType      { return StatsFlow }

// AppendBinary appends the stats header and ofp_flow_stats_request.
func (m *FlowStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsFlow, m.Flags)
	return appendFlowStatsQuery(b, &m.Match, m.TableID, m.OutPort), nil
}

// AggregateStatsRequest is an OFPST_AGGREGATE request; its body is that of
// a flow stats request.
type AggregateStatsRequest struct {
	Flags   StatsFlags
	Match   Match
	TableID uint8
	OutPort PortNo
}

func (*AggregateStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*AggregateStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*AggregateStatsRequest) StatsType() StatsType      { return StatsAggregate }

// AppendBinary appends the stats header and ofp_aggregate_stats_request.
func (m *AggregateStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsAggregate, m.Flags)
	return appendFlowStatsQuery(b, &m.Match, m.TableID, m.OutPort), nil
}

const flowStatsQueryLen = 44

func appendFlowStatsQuery(b []byte, m *Match, table uint8, out PortNo) []byte {
	b = appendMatch(b, m)
	b = append(b, table, 0)
	return binary.BigEndian.AppendUint16(b, uint16(out))
}

type flowStatsQuery struct {
	match   Match
	tableID uint8
	outPort PortNo
}

func decodeFlowStatsQuery(p []byte) (flowStatsQuery, error) {
	if err := wantLen(p, flowStatsQueryLen); err != nil {
		return flowStatsQuery{}, err
	}
	r := wire.NewReader(p)
	q := flowStatsQuery{match: readMatch(&r), tableID: r.U8()}
	r.Skip(1)
	q.outPort = PortNo(r.U16())
	return q, nil
}

// FlowStats is ofp_flow_stats: one flow of a flow stats reply.
type FlowStats struct {
	TableID      uint8
	Match        Match
	DurationSec  uint32
	DurationNsec uint32
	Priority     uint16
	IdleTimeout  uint16
	HardTimeout  uint16
	Cookie       uint64
	PacketCount  uint64
	ByteCount    uint64
	Actions      []Action
}

// FlowStatsReply is an OFPST_FLOW reply.
type FlowStatsReply struct {
	Flags StatsFlags
	Stats []FlowStats
}

func (*FlowStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*FlowStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*FlowStatsReply) StatsType() StatsType      { return StatsFlow }

const flowStatsLen = 88

// AppendBinary appends the stats header and each ofp_flow_stats.
func (m *FlowStatsReply) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = appendStatsHeader(b, StatsFlow, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		fs := len(b)
		b = append(b, 0, 0, s.TableID, 0)
		b = appendMatch(b, &s.Match)
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNsec)
		b = binary.BigEndian.AppendUint16(b, s.Priority)
		b = binary.BigEndian.AppendUint16(b, s.IdleTimeout)
		b = binary.BigEndian.AppendUint16(b, s.HardTimeout)
		b = wire.Pad(b, 6)
		b = binary.BigEndian.AppendUint64(b, s.Cookie)
		b = binary.BigEndian.AppendUint64(b, s.PacketCount)
		b = binary.BigEndian.AppendUint64(b, s.ByteCount)
		var err error
		if b, err = AppendActions(b, s.Actions); err != nil {
			return b[:start], fmt.Errorf("flow stats %d: %w", i, err)
		}
		if n := len(b) - fs; n > 0xffff {
			return b[:start], fmt.Errorf("flow stats %d: %w", i, tooLong("flow stats", n))
		}
		wire.PutLen16(b, fs, len(b)-fs)
	}
	return b, nil
}

func decodeFlowStatsReply(f StatsFlags, p []byte) (*FlowStatsReply, error) {
	m := &FlowStatsReply{Flags: f}
	r := wire.NewReader(p)
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < flowStatsLen {
			return nil, truncated(off)
		}
		n := int(r.U16())
		if n < flowStatsLen || n-2 > r.Len() {
			return nil, badLen(off, "flow stats length %d with %d bytes left", n, r.Len()+2)
		}
		e := wire.NewReader(r.Bytes(n - 2))
		s := FlowStats{TableID: e.U8()}
		e.Skip(1)
		s.Match = readMatch(&e)
		s.DurationSec = e.U32()
		s.DurationNsec = e.U32()
		s.Priority = e.U16()
		s.IdleTimeout = e.U16()
		s.HardTimeout = e.U16()
		e.Skip(6)
		s.Cookie = e.U64()
		s.PacketCount = e.U64()
		s.ByteCount = e.U64()
		as, err := DecodeActions(e.Rest())
		if err != nil {
			return nil, at(off+flowStatsLen, err)
		}
		s.Actions = as
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}

// AggregateStatsReply is an OFPST_AGGREGATE reply.
type AggregateStatsReply struct {
	Flags       StatsFlags
	PacketCount uint64
	ByteCount   uint64
	FlowCount   uint32
}

func (*AggregateStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*AggregateStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*AggregateStatsReply) StatsType() StatsType      { return StatsAggregate }

// AppendBinary appends the stats header and ofp_aggregate_stats_reply.
func (m *AggregateStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsAggregate, m.Flags)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	b = binary.BigEndian.AppendUint64(b, m.ByteCount)
	b = binary.BigEndian.AppendUint32(b, m.FlowCount)
	return append(b, 0, 0, 0, 0), nil
}

func decodeAggregateStatsReply(f StatsFlags, p []byte) (*AggregateStatsReply, error) {
	if err := wantLen(p, 24); err != nil {
		return nil, err
	}
	r := wire.NewReader(p)
	return &AggregateStatsReply{Flags: f, PacketCount: r.U64(), ByteCount: r.U64(), FlowCount: r.U32()}, nil
}
