package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FlowRemovedReason is why a flow entry went (ofp_flow_removed_reason).
type FlowRemovedReason uint8

// The flow-removed reasons of OpenFlow 1.3.
const (
	FlowRemovedIdleTimeout FlowRemovedReason = 0
	FlowRemovedHardTimeout FlowRemovedReason = 1
	FlowRemovedDelete      FlowRemovedReason = 2
	FlowRemovedGroupDelete FlowRemovedReason = 3
)

// String prints the reason as ovs-ofctl does ("idle", "group_delete").
func (r FlowRemovedReason) String() string {
	switch r {
	case FlowRemovedIdleTimeout:
		return "idle"
	case FlowRemovedHardTimeout:
		return "hard"
	case FlowRemovedDelete:
		return "delete"
	case FlowRemovedGroupDelete:
		return "group_delete"
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// FlowRemoved is OFPT_FLOW_REMOVED.
type FlowRemoved struct {
	Cookie       uint64
	Priority     uint16
	Reason       FlowRemovedReason
	TableID      uint8
	DurationSec  uint32
	DurationNsec uint32
	IdleTimeout  uint16
	HardTimeout  uint16
	PacketCount  uint64
	ByteCount    uint64
	Match        Match
}

// flowRemovedFixedLen is ofp_flow_removed before its match.
const flowRemovedFixedLen = 40

func (m *FlowRemoved) Version() openflow.Version { return openflow.Version13 }
func (m *FlowRemoved) MsgType() uint8            { return uint8(TypeFlowRemoved) }

// AppendBinary appends ofp_flow_removed's body.
func (m *FlowRemoved) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = append(b, uint8(m.Reason), m.TableID)
	b = binary.BigEndian.AppendUint32(b, m.DurationSec)
	b = binary.BigEndian.AppendUint32(b, m.DurationNsec)
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, m.HardTimeout)
	b = binary.BigEndian.AppendUint64(b, m.PacketCount)
	b = binary.BigEndian.AppendUint64(b, m.ByteCount)
	b, err := m.Match.AppendBinary(b)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode flow_removed: %w", err)
	}
	return b, nil
}

func (m *FlowRemoved) decode(body []byte) error {
	if len(body) < flowRemovedFixedLen {
		return truncErr(TypeFlowRemoved, len(body), "flow_removed header")
	}
	r := wire.NewReader(body)
	m.Cookie = r.U64()
	m.Priority = r.U16()
	m.Reason = FlowRemovedReason(r.U8())
	m.TableID = r.U8()
	m.DurationSec = r.U32()
	m.DurationNsec = r.U32()
	m.IdleTimeout = r.U16()
	m.HardTimeout = r.U16()
	m.PacketCount = r.U64()
	m.ByteCount = r.U64()
	n, err := m.Match.Decode(body[flowRemovedFixedLen:])
	if err != nil {
		return decodeErr(TypeFlowRemoved, flowRemovedFixedLen, fmt.Errorf("match: %w", err))
	}
	if end := flowRemovedFixedLen + n; end != len(body) {
		return decodeErr(TypeFlowRemoved, end, fmt.Errorf("%w: %d bytes after the match", openflow.ErrBadLength, len(body)-end))
	}
	return nil
}

// String prints m in the manner of ovs-ofctl: "priority=300,tcp_dst=80
// reason=idle table_id=1 cookie:0x55 duration10.0000005s idle60 pkts12
// bytes1200".
func (m *FlowRemoved) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "priority=%d", m.Priority)
	if len(m.Match.Fields) > 0 {
		s.WriteString("," + m.Match.String())
	}
	d := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%09d", m.DurationSec, m.DurationNsec), "0"), ".")
	fmt.Fprintf(&s, " reason=%s table_id=%d cookie:%#x duration%ss idle%d", m.Reason, m.TableID, m.Cookie, d, m.IdleTimeout)
	if m.HardTimeout != 0 {
		fmt.Fprintf(&s, " hard%d", m.HardTimeout)
	}
	fmt.Fprintf(&s, " pkts%d bytes%d", m.PacketCount, m.ByteCount)
	return s.String()
}
