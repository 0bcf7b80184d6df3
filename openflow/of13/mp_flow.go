package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// flowStatsRequestLen is ofp_flow_stats_request without its match.
const flowStatsRequestLen = 32

// FlowStatsRequest asks for the flow entries that match (OFPMP_FLOW).
type FlowStatsRequest struct {
	Flags      MultipartFlags
	TableID    uint8  // TableAll for every table
	OutPort    PortNo // PortAny for no restriction
	OutGroup   uint32 // GroupAny for no restriction
	Cookie     uint64
	CookieMask uint64 // 0 for no restriction
	Match      Match
}

func (m *FlowStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *FlowStatsRequest) MsgType() uint8               { return mpRequest }
func (m *FlowStatsRequest) MultipartType() MultipartType { return MultipartFlow }

// AppendBinary appends the multipart header and ofp_flow_stats_request.
func (m *FlowStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendFlowStatsRequest(appendMPHeader(b, MultipartFlow, m.Flags),
		m.TableID, m.OutPort, m.OutGroup, m.Cookie, m.CookieMask, &m.Match)
}

func decodeFlowStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &FlowStatsRequest{Flags: f}
	err := decodeFlowStatsRequestBody(d, b, &m.TableID, &m.OutPort, &m.OutGroup, &m.Cookie, &m.CookieMask, &m.Match)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// AggregateStatsRequest asks for the sums over the flow entries that
// match (OFPMP_AGGREGATE); its body is that of FlowStatsRequest.
type AggregateStatsRequest struct {
	Flags      MultipartFlags
	TableID    uint8  // TableAll for every table
	OutPort    PortNo // PortAny for no restriction
	OutGroup   uint32 // GroupAny for no restriction
	Cookie     uint64
	CookieMask uint64 // 0 for no restriction
	Match      Match
}

func (m *AggregateStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *AggregateStatsRequest) MsgType() uint8               { return mpRequest }
func (m *AggregateStatsRequest) MultipartType() MultipartType { return MultipartAggregate }

// AppendBinary appends the multipart header and ofp_aggregate_stats_request.
func (m *AggregateStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendFlowStatsRequest(appendMPHeader(b, MultipartAggregate, m.Flags),
		m.TableID, m.OutPort, m.OutGroup, m.Cookie, m.CookieMask, &m.Match)
}

func decodeAggregateStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &AggregateStatsRequest{Flags: f}
	err := decodeFlowStatsRequestBody(d, b, &m.TableID, &m.OutPort, &m.OutGroup, &m.Cookie, &m.CookieMask, &m.Match)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func appendFlowStatsRequest(b []byte, table uint8, port PortNo, group uint32, cookie, mask uint64, match *Match) ([]byte, error) {
	b = append(b, table, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(port))
	b = binary.BigEndian.AppendUint32(b, group)
	b = append(b, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint64(b, cookie)
	b = binary.BigEndian.AppendUint64(b, mask)
	return match.AppendBinary(b)
}

func decodeFlowStatsRequestBody(d mpDec, b []byte, table *uint8, port *PortNo, group *uint32, cookie, mask *uint64, match *Match) error {
	if len(b) < flowStatsRequestLen {
		return d.short(0, "body", len(b), flowStatsRequestLen)
	}
	r := wire.NewReader(b)
	*table = r.U8()
	r.Skip(3)
	*port = PortNo(r.U32())
	*group = r.U32()
	r.Skip(4)
	*cookie = r.U64()
	*mask = r.U64()
	n, err := match.Decode(b[flowStatsRequestLen:])
	if err != nil {
		return d.fail(flowStatsRequestLen, err)
	}
	if end := flowStatsRequestLen + n; end != len(b) {
		return d.fail(end, fmt.Errorf("%w: %d bytes after the match", openflow.ErrBadLength, len(b)-end))
	}
	return nil
}

// flowStatsLen is ofp_flow_stats without its match and instructions.
const flowStatsLen = 48

// FlowStats is one flow entry in a FlowStatsReply (ofp_flow_stats).
type FlowStats struct {
	TableID      uint8
	DurationSec  uint32
	DurationNSec uint32
	Priority     uint16
	IdleTimeout  uint16
	HardTimeout  uint16
	Flags        FlowModFlags
	Cookie       uint64
	PacketCount  uint64
	ByteCount    uint64
	Match        Match
	Instructions []Instruction
}

// FlowStatsReply lists flow entries (OFPMP_FLOW).
type FlowStatsReply struct {
	Flags MultipartFlags
	Stats []FlowStats
}

func (m *FlowStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *FlowStatsReply) MsgType() uint8               { return mpReply }
func (m *FlowStatsReply) MultipartType() MultipartType { return MultipartFlow }

// AppendBinary appends the multipart header and the ofp_flow_stats entries.
func (m *FlowStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartFlow, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		start := len(b)
		b = append(b, 0, 0, s.TableID, 0)
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNSec)
		b = binary.BigEndian.AppendUint16(b, s.Priority)
		b = binary.BigEndian.AppendUint16(b, s.IdleTimeout)
		b = binary.BigEndian.AppendUint16(b, s.HardTimeout)
		b = binary.BigEndian.AppendUint16(b, uint16(s.Flags))
		b = append(b, 0, 0, 0, 0)
		b = binary.BigEndian.AppendUint64(b, s.Cookie)
		b = binary.BigEndian.AppendUint64(b, s.PacketCount)
		b = binary.BigEndian.AppendUint64(b, s.ByteCount)
		var err error
		if b, err = s.Match.AppendBinary(b); err != nil {
			return b, fmt.Errorf("flow stats %d: %w", i, err)
		}
		if b, err = AppendInstructions(b, s.Instructions); err != nil {
			return b, fmt.Errorf("flow stats %d: %w", i, err)
		}
		if err := putEntryLen(b, start, 0, "flow stats", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeFlowStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &FlowStatsReply{Flags: f}
	err := d.entries(b, 0, flowStatsLen, func(e []byte, off int) error {
		r := wire.NewReader(e)
		r.Skip(2)
		s := FlowStats{TableID: r.U8()}
		r.Skip(1)
		s.DurationSec = r.U32()
		s.DurationNSec = r.U32()
		s.Priority = r.U16()
		s.IdleTimeout = r.U16()
		s.HardTimeout = r.U16()
		s.Flags = FlowModFlags(r.U16())
		r.Skip(4)
		s.Cookie = r.U64()
		s.PacketCount = r.U64()
		s.ByteCount = r.U64()
		n, err := s.Match.Decode(e[flowStatsLen:])
		if err != nil {
			return d.fail(off+flowStatsLen, fmt.Errorf("flow stats: %w", err))
		}
		at := flowStatsLen + n
		if s.Instructions, err = DecodeInstructions(e[at:]); err != nil {
			return d.fail(off+at, fmt.Errorf("flow stats: %w", err))
		}
		m.Stats = append(m.Stats, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// AggregateStatsReply sums the flow entries that matched an
// AggregateStatsRequest (ofp_aggregate_stats_reply).
type AggregateStatsReply struct {
	Flags       MultipartFlags
	PacketCount uint64
	ByteCount   uint64
	FlowCount   uint32
}

// aggregateStatsReplyLen is the length of ofp_aggregate_stats_reply.
const aggregateStatsReplyLen = 24

func (m *AggregateStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *AggregateStatsReply) MsgType() uint8               { return mpReply }
func (m *AggregateStatsReply) MultipartType() MultipartType { return MultipartAggregate }

// AppendBinary appends the multipart header and ofp_aggregate_stats_reply.
func (m *AggregateStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartAggregate, m.Flags)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	b = binary.BigEndian.AppendUint64(b, m.ByteCount)
	b = binary.BigEndian.AppendUint32(b, m.FlowCount)
	return append(b, 0, 0, 0, 0), nil
}

func decodeAggregateStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, aggregateStatsReplyLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(b)
	return &AggregateStatsReply{Flags: f, PacketCount: r.U64(), ByteCount: r.U64(), FlowCount: r.U32()}, nil
}
