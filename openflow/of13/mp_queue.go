package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// queueStatsRequestLen is the length of ofp_queue_stats_request.
const queueStatsRequestLen = 8

// QueueStatsRequest asks for the statistics of queues (OFPMP_QUEUE).
type QueueStatsRequest struct {
	Flags   MultipartFlags
	PortNo  PortNo // PortAny for all ports
	QueueID uint32 // QueueAll for all queues
}

func (m *QueueStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *QueueStatsRequest) MsgType() uint8               { return mpRequest }
func (m *QueueStatsRequest) MultipartType() MultipartType { return MultipartQueue }

// AppendBinary appends the multipart header and ofp_queue_stats_request.
func (m *QueueStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartQueue, m.Flags)
	b = binary.BigEndian.AppendUint32(b, uint32(m.PortNo))
	return binary.BigEndian.AppendUint32(b, m.QueueID), nil
}

func decodeQueueStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, queueStatsRequestLen); err != nil {
		return nil, err
	}
	return &QueueStatsRequest{
		Flags:   f,
		PortNo:  PortNo(binary.BigEndian.Uint32(b)),
		QueueID: binary.BigEndian.Uint32(b[4:]),
	}, nil
}

// queueStatsLen is the length of ofp_queue_stats.
const queueStatsLen = 40

// QueueStats is the statistics of one queue (ofp_queue_stats).
type QueueStats struct {
	PortNo       PortNo
	QueueID      uint32
	TxBytes      uint64
	TxPackets    uint64
	TxErrors     uint64 // packets dropped due to overrun
	DurationSec  uint32
	DurationNSec uint32
}

// QueueStatsReply lists queue statistics (OFPMP_QUEUE).
type QueueStatsReply struct {
	Flags MultipartFlags
	Stats []QueueStats
}

func (m *QueueStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *QueueStatsReply) MsgType() uint8               { return mpReply }
func (m *QueueStatsReply) MultipartType() MultipartType { return MultipartQueue }

// AppendBinary appends the multipart header and the ofp_queue_stats.
func (m *QueueStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartQueue, m.Flags)
	for _, s := range m.Stats {
		b = binary.BigEndian.AppendUint32(b, uint32(s.PortNo))
		b = binary.BigEndian.AppendUint32(b, s.QueueID)
		b = binary.BigEndian.AppendUint64(b, s.TxBytes)
		b = binary.BigEndian.AppendUint64(b, s.TxPackets)
		b = binary.BigEndian.AppendUint64(b, s.TxErrors)
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNSec)
	}
	return b, nil
}

func decodeQueueStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.array(b, queueStatsLen); err != nil {
		return nil, err
	}
	m := &QueueStatsReply{Flags: f}
	if len(b) > 0 {
		m.Stats = make([]QueueStats, 0, len(b)/queueStatsLen)
	}
	for r := wire.NewReader(b); r.Len() > 0; {
		m.Stats = append(m.Stats, QueueStats{
			PortNo:       PortNo(r.U32()),
			QueueID:      r.U32(),
			TxBytes:      r.U64(),
			TxPackets:    r.U64(),
			TxErrors:     r.U64(),
			DurationSec:  r.U32(),
			DurationNSec: r.U32(),
		})
	}
	return m, nil
}
