package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortStatsRequest is an OFPST_PORT request.
type PortStatsRequest struct {
	Flags  StatsFlags
	PortNo PortNo // PortNone for all ports
}

func (*PortStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*PortStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*PortStatsRequest) StatsType() StatsType      { return StatsPort }

// AppendBinary appends the stats header and ofp_port_stats_request.
func (m *PortStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsPort, m.Flags)
	return wire.Pad(binary.BigEndian.AppendUint16(b, uint16(m.PortNo)), 6), nil
}

func decodePortStatsRequest(f StatsFlags, p []byte) (*PortStatsRequest, error) {
	if err := wantLen(p, 8); err != nil {
		return nil, err
	}
	return &PortStatsRequest{Flags: f, PortNo: PortNo(binary.BigEndian.Uint16(p))}, nil
}

const portStatsLen = 104

// PortStats is ofp_port_stats. Counters a switch does not keep are all
// ones.
type PortStats struct {
	PortNo     PortNo
	RxPackets  uint64
	TxPackets  uint64
	RxBytes    uint64
	TxBytes    uint64
	RxDropped  uint64
	TxDropped  uint64
	RxErrors   uint64
	TxErrors   uint64
	RxFrameErr uint64
	RxOverErr  uint64
	RxCRCErr   uint64
	Collisions uint64
}

// PortStatsReply is an OFPST_PORT reply.
type PortStatsReply struct {
	Flags StatsFlags
	Stats []PortStats
}

func (*PortStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*PortStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*PortStatsReply) StatsType() StatsType      { return StatsPort }

// AppendBinary appends the stats header and each ofp_port_stats.
func (m *PortStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsPort, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		b = wire.Pad(binary.BigEndian.AppendUint16(b, uint16(s.PortNo)), 6)
		for _, v := range [...]uint64{s.RxPackets, s.TxPackets, s.RxBytes, s.TxBytes, s.RxDropped, s.TxDropped,
			s.RxErrors, s.TxErrors, s.RxFrameErr, s.RxOverErr, s.RxCRCErr, s.Collisions} {
			b = binary.BigEndian.AppendUint64(b, v)
		}
	}
	return b, nil
}

func decodePortStatsReply(f StatsFlags, p []byte) (*PortStatsReply, error) {
	if err := checkEntries(p, portStatsLen, "port stats"); err != nil {
		return nil, err
	}
	m := &PortStatsReply{Flags: f}
	r := wire.NewReader(p)
	for r.Len() > 0 {
		s := PortStats{PortNo: PortNo(r.U16())}
		r.Skip(6)
		for _, v := range [...]*uint64{&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes, &s.RxDropped, &s.TxDropped,
			&s.RxErrors, &s.TxErrors, &s.RxFrameErr, &s.RxOverErr, &s.RxCRCErr, &s.Collisions} {
			*v = r.U64()
		}
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}
