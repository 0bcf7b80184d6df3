package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// QueueStatsRequest is an OFPST_QUEUE request.
type QueueStatsRequest struct {
	Flags   StatsFlags
	PortNo  PortNo // PortAll for all ports
	QueueID uint32 // QueueAll for all queues
}

func (*QueueStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*QueueStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*QueueStatsRequest) StatsType() StatsType      { return StatsQueue }

// AppendBinary appends the stats header and ofp_queue_stats_request.
func (m *QueueStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsQueue, m.Flags)
	b = append(binary.BigEndian.AppendUint16(b, uint16(m.PortNo)), 0, 0)
	return binary.BigEndian.AppendUint32(b, m.QueueID), nil
}

func decodeQueueStatsRequest(f StatsFlags, p []byte) (*QueueStatsRequest, error) {
	if err := wantLen(p, 8); err != nil {
		return nil, err
	}
	return &QueueStatsRequest{Flags: f, PortNo: PortNo(binary.BigEndian.Uint16(p)), QueueID: binary.BigEndian.Uint32(p[4:])}, nil
}

const queueStatsLen = 32

// QueueStats is ofp_queue_stats.
type QueueStats struct {
	PortNo    PortNo
	QueueID   uint32
	TxBytes   uint64
	TxPackets uint64
	TxErrors  uint64
}

// QueueStatsReply is an OFPST_QUEUE reply.
type QueueStatsReply struct {
	Flags StatsFlags
	Stats []QueueStats
}

func (*QueueStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*QueueStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*QueueStatsReply) StatsType() StatsType      { return StatsQueue }

// AppendBinary appends the stats header and each ofp_queue_stats.
func (m *QueueStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsQueue, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		b = append(binary.BigEndian.AppendUint16(b, uint16(s.PortNo)), 0, 0)
		b = binary.BigEndian.AppendUint32(b, s.QueueID)
		b = binary.BigEndian.AppendUint64(b, s.TxBytes)
		b = binary.BigEndian.AppendUint64(b, s.TxPackets)
		b = binary.BigEndian.AppendUint64(b, s.TxErrors)
	}
	return b, nil
}

func decodeQueueStatsReply(f StatsFlags, p []byte) (*QueueStatsReply, error) {
	if err := checkEntries(p, queueStatsLen, "queue stats"); err != nil {
		return nil, err
	}
	m := &QueueStatsReply{Flags: f}
	r := wire.NewReader(p)
	for r.Len() > 0 {
		s := QueueStats{PortNo: PortNo(r.U16())}
		r.Skip(2)
		s.QueueID = r.U32()
		s.TxBytes = r.U64()
		s.TxPackets = r.U64()
		s.TxErrors = r.U64()
		m.Stats = append(m.Stats, s)
	}
	return m, nil
}
