package of10

import (
	"encoding/binary"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FlowRemovedReason is ofp_flow_removed_reason.
type FlowRemovedReason uint8

// Flow-removed reasons.
const (
	RemovedIdleTimeout FlowRemovedReason = 0
	RemovedHardTimeout FlowRemovedReason = 1
	RemovedDelete      FlowRemovedReason = 2
)

// String prints the reason as ovs-ofctl does ("idle", "hard", "delete").
func (r FlowRemovedReason) String() string {
	switch r {
	case RemovedIdleTimeout:
		return "idle"
	case RemovedHardTimeout:
		return "hard"
	case RemovedDelete:
		return "delete"
	}
	return "reason_" + strconv.Itoa(int(r))
}

// FlowRemoved is OFPT_FLOW_REMOVED.
type FlowRemoved struct {
	Match        Match
	Cookie       uint64
	Priority     uint16
	Reason       FlowRemovedReason
	DurationSec  uint32
	DurationNsec uint32
	IdleTimeout  uint16
	PacketCount  uint64
	ByteCount    uint64
}

func (*FlowRemoved) Version() openflow.Version { return openflow.Version10 }
func (*FlowRemoved) MsgType() uint8            { return uint8(TypeFlowRemoved) }

const flowRemovedLen = 80

// AppendBinary appends ofp_flow_removed.
func (m *FlowRemoved) AppendBinary(b []byte) ([]byte, error) {
	b = appendMatch(b, &m.Match)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = append(b, uint8(m.Reason), 0)
	b = binary.BigEndian.AppendUint32(b, m.DurationSec)
	b = binary.BigEndian.AppendUint32(b, m.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	return binary.BigEndian.AppendUint64(b, m.ByteCount), nil
}

func decodeFlowRemoved(body []byte) (*FlowRemoved, error) {
	if err := wantLen(body, flowRemovedLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(body)
	m := &FlowRemoved{Match: readMatch(&r), Cookie: r.U64(), Priority: r.U16(), Reason: FlowRemovedReason(r.U8())}
	r.Skip(1)
	m.DurationSec = r.U32()
	m.DurationNsec = r.U32()
	m.IdleTimeout = r.U16()
	r.Skip(2)
	m.PacketCount = r.U64()
	m.ByteCount = r.U64()
	return m, nil
}
