package of13

import (
	"encoding/binary"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// TableStatsRequest asks for the statistics of every table (OFPMP_TABLE).
type TableStatsRequest struct {
	Flags MultipartFlags
}

func (m *TableStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *TableStatsRequest) MsgType() uint8               { return mpRequest }
func (m *TableStatsRequest) MultipartType() MultipartType { return MultipartTable }

// AppendBinary appends the multipart header; the request has no body.
func (m *TableStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartTable, m.Flags), nil
}

func decodeTableStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &TableStatsRequest{Flags: f}, nil
}

// tableStatsLen is the length of ofp_table_stats.
const tableStatsLen = 24

// TableStats is the statistics of one table (ofp_table_stats).
type TableStats struct {
	TableID      uint8
	ActiveCount  uint32 // active entries
	LookupCount  uint64 // packets looked up in the table
	MatchedCount uint64 // packets that hit the table
}

// TableStatsReply lists the statistics of the tables (OFPMP_TABLE).
type TableStatsReply struct {
	Flags MultipartFlags
	Stats []TableStats
}

func (m *TableStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *TableStatsReply) MsgType() uint8               { return mpReply }
func (m *TableStatsReply) MultipartType() MultipartType { return MultipartTable }

// AppendBinary appends the multipart header and the ofp_table_stats.
func (m *TableStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartTable, m.Flags)
	for _, s := range m.Stats {
		b = append(b, s.TableID, 0, 0, 0)
		b = binary.BigEndian.AppendUint32(b, s.ActiveCount)
		b = binary.BigEndian.AppendUint64(b, s.LookupCount)
		b = binary.BigEndian.AppendUint64(b, s.MatchedCount)
	}
	return b, nil
}

func decodeTableStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.array(b, tableStatsLen); err != nil {
		return nil, err
	}
	m := &TableStatsReply{Flags: f}
	if len(b) > 0 {
		m.Stats = make([]TableStats, 0, len(b)/tableStatsLen)
	}
	for r := wire.NewReader(b); r.Len() > 0; {
		s := TableStats{TableID: r.U8()}
		r.Skip(3)
		s.ActiveCount = r.U32()
		s.LookupCount = r.U64()
		s.MatchedCount = r.U64()
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}
