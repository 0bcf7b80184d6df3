package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// portStatsRequestLen is the length of ofp_port_stats_request.
const portStatsRequestLen = 8

// PortStatsRequest asks for the statistics of one port or, with PortAny,
// of all ports (OFPMP_PORT_STATS).
type PortStatsRequest struct {
	Flags  MultipartFlags
	PortNo PortNo
}

func (m *PortStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *PortStatsRequest) MsgType() uint8               { return mpRequest }
func (m *PortStatsRequest) MultipartType() MultipartType { return MultipartPortStats }

// AppendBinary appends the multipart header and ofp_port_stats_request.
func (m *PortStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartPortStats, m.Flags)
	b = binary.BigEndian.AppendUint32(b, uint32(m.PortNo))
	return append(b, 0, 0, 0, 0), nil
}

func decodePortStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, portStatsRequestLen); err != nil {
		return nil, err
	}
	return &PortStatsRequest{Flags: f, PortNo: PortNo(binary.BigEndian.Uint32(b))}, nil
}

// portStatsLen is the length of ofp_port_stats.
const portStatsLen = 112

// PortStats is the statistics of one port (ofp_port_stats). A counter the
// switch does not support is all ones.
type PortStats struct {
	PortNo       PortNo
	RxPackets    uint64
	TxPackets    uint64
	RxBytes      uint64
	TxBytes      uint64
	RxDropped    uint64
	TxDropped    uint64
	RxErrors     uint64
	TxErrors     uint64
	RxFrameErr   uint64
	RxOverErr    uint64
	RxCRCErr     uint64
	Collisions   uint64
	DurationSec  uint32
	DurationNSec uint32
}

// PortStatsReply lists port statistics (OFPMP_PORT_STATS).
type PortStatsReply struct {
	Flags MultipartFlags
	Stats []PortStats
}

func (m *PortStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *PortStatsReply) MsgType() uint8               { return mpReply }
func (m *PortStatsReply) MultipartType() MultipartType { return MultipartPortStats }

// AppendBinary appends the multipart header and the ofp_port_stats.
func (m *PortStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartPortStats, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		b = binary.BigEndian.AppendUint32(b, uint32(s.PortNo))
		b = append(b, 0, 0, 0, 0)
		for _, c := range [...]uint64{s.RxPackets, s.TxPackets, s.RxBytes, s.TxBytes, s.RxDropped, s.TxDropped,
			s.RxErrors, s.TxErrors, s.RxFrameErr, s.RxOverErr, s.RxCRCErr, s.Collisions} {
			b = binary.BigEndian.AppendUint64(b, c)
		}
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNSec)
	}
	return b, nil
}

func decodePortStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.array(b, portStatsLen); err != nil {
		return nil, err
	}
	m := &PortStatsReply{Flags: f}
	if len(b) > 0 {
		m.Stats = make([]PortStats, 0, len(b)/portStatsLen)
	}
	for r := wire.NewReader(b); r.Len() > 0; {
		s := PortStats{PortNo: PortNo(r.U32())}
		r.Skip(4)
		for _, c := range [...]*uint64{&s.RxPackets, &s.TxPackets, &s.RxBytes, &s.TxBytes, &s.RxDropped, &s.TxDropped,
			&s.RxErrors, &s.TxErrors, &s.RxFrameErr, &s.RxOverErr, &s.RxCRCErr, &s.Collisions} {
			*c = r.U64()
		}
		s.DurationSec = r.U32()
		s.DurationNSec = r.U32()
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}
