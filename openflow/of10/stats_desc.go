package of10

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Field widths of ofp_desc_stats.
const (
	DescStrLen   = 256
	SerialNumLen = 32
	descStatsLen = 4*DescStrLen + SerialNumLen
)

// DescStatsRequest is an OFPST_DESC request; it has no body.
type DescStatsRequest struct {
	Flags StatsFlags
}

func (*DescStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*DescStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*DescStatsRequest) StatsType() StatsType      { return StatsDesc }

// AppendBinary appends the stats type and flags.
func (m *DescStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendStatsHeader(b, StatsDesc, m.Flags), nil
}

// DescStatsReply is an OFPST_DESC reply (ofp_desc_stats). Each string is
// cut to its field width.
type DescStatsReply struct {
	Flags     StatsFlags
	MfrDesc   string
	HWDesc    string
	SWDesc    string
	SerialNum string
	DPDesc    string
}

func (*DescStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*DescStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*DescStatsReply) StatsType() StatsType      { return StatsDesc }

// AppendBinary appends the stats header and ofp_desc_stats.
func (m *DescStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsDesc, m.Flags)
	b = wire.AppendString(b, m.MfrDesc, DescStrLen)
	b = wire.AppendString(b, m.HWDesc, DescStrLen)
	b = wire.AppendString(b, m.SWDesc, DescStrLen)
	b = wire.AppendString(b, m.SerialNum, SerialNumLen)
	return wire.AppendString(b, m.DPDesc, DescStrLen), nil
}

func decodeDescStatsReply(f StatsFlags, p []byte) (*DescStatsReply, error) {
	if err := wantLen(p, descStatsLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(p)
	return &DescStatsReply{Flags: f, MfrDesc: r.String(DescStrLen), HWDesc: r.String(DescStrLen),
		SWDesc: r.String(DescStrLen), SerialNum: r.String(SerialNumLen), DPDesc: r.String(DescStrLen)}, nil
}
