package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// TableStatsRequest is an OFPST_TABLE request; it has no body.
type TableStatsRequest struct {
	Flags StatsFlags
}

func (*TableStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*TableStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*TableStatsRequest) StatsType() StatsType      { return StatsTable }

// AppendBinary appends the stats type and flags.
func (m *TableStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendStatsHeader(b, StatsTable, m.Flags), nil
}

// TableNameLen is the width of a table name (OFP_MAX_TABLE_NAME_LEN).
const TableNameLen = 32

const tableStatsLen = 64

// TableStats is ofp_table_stats.
type TableStats struct {
	TableID      uint8
	Name         string
	Wildcards    Wildcards // the wildcards the table supports
	MaxEntries   uint32
	ActiveCount  uint32
	LookupCount  uint64
	MatchedCount uint64
}

// TableStatsReply is an OFPST_TABLE reply.
type TableStatsReply struct {
	Flags StatsFlags
	Stats []TableStats
}

func (*TableStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*TableStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*TableStatsReply) StatsType() StatsType      { return StatsTable }

// AppendBinary appends the stats header and each ofp_table_stats.
func (m *TableStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsTable, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		b = append(b, s.TableID, 0, 0, 0)
		b = wire.AppendString(b, s.Name, TableNameLen)
		b = binary.BigEndian.AppendUint32(b, uint32(s.Wildcards))
		b = binary.BigEndian.AppendUint32(b, s.MaxEntries)
		b = binary.BigEndian.AppendUint32(b, s.ActiveCount)
		b = binary.BigEndian.AppendUint64(b, s.LookupCount)
		b = binary.BigEndian.AppendUint64(b, s.MatchedCount)
	}
	return b, nil
}

func decodeTableStatsReply(f StatsFlags, p []byte) (*TableStatsReply, error) {
	if err := checkEntries(p, tableStatsLen, "table stats"); err != nil {
		return nil, err
	}
	m := &TableStatsReply{Flags: f}
	r := wire.NewReader(p)
	for r.Len() > 0 {
		s := TableStats{TableID: r.U8()}
		r.Skip(3)
		s.Name = r.String(TableNameLen)
		s.Wildcards = Wildcards(r.U32())
		s.MaxEntries = r.U32()
		s.ActiveCount = r.U32()
		s.LookupCount = r.U64()
		s.MatchedCount = r.U64()
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}
