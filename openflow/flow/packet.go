package flow

import "fmt"

// PacketInReason says why a packet came to the controller (OFPR_*).
type PacketInReason uint8

const (
	ReasonNoMatch    PacketInReason = 0 // table miss (OFPR_NO_MATCH)
	ReasonAction     PacketInReason = 1 // output to CONTROLLER (OFPR_ACTION)
	ReasonInvalidTTL PacketInReason = 2 // OpenFlow 1.3 only
)

// String prints the reason as ovs-ofctl does.
func (r PacketInReason) String() string {
	switch r {
	case ReasonNoMatch:
		return "no_match"
	case ReasonAction:
		return "action"
	case ReasonInvalidTTL:
		return "invalid_ttl"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// PacketIn is a packet the switch sends to the controller. Match carries
// the pipeline fields: in_port always, and in OpenFlow 1.3 whatever else
// the switch reports (in_phy_port, metadata, tunnel_id).
type PacketIn struct {
	BufferID uint32 // NoBuffer when the whole packet is in Data
	TotalLen uint16
	Reason   PacketInReason
	TableID  uint8  // OpenFlow 1.3 only
	Cookie   uint64 // OpenFlow 1.3 only
	Match    Match
	Data     []byte
}

// InPort returns the port the packet arrived on.
func (p *PacketIn) InPort() PortNo { return p.Match.Key.InPort }

// PacketOut sends a packet (Data, or the buffered one) through Actions.
type PacketOut struct {
	BufferID uint32 // NoBuffer when Data holds the packet
	InPort   PortNo // PortController when the packet has no ingress port
	Actions  []Action
	Data     []byte
}

// String prints the packet out in ovs-ofctl's style.
func (p *PacketOut) String() string {
	s := fmt.Sprintf("in_port=%s actions=%s", p.InPort, ActionsString(p.Actions))
	if p.BufferID != NoBuffer {
		s += fmt.Sprintf(" buffer=0x%08x", p.BufferID)
	} else {
		s += fmt.Sprintf(" data_len=%d", len(p.Data))
	}
	return s
}

// String prints the packet in in ovs-ofctl's style.
func (p *PacketIn) String() string {
	s := fmt.Sprintf("total_len=%d %s (via %s) data_len=%d", p.TotalLen, p.Match.String(), p.Reason, len(p.Data))
	if p.BufferID != NoBuffer {
		s += fmt.Sprintf(" buffer=0x%08x", p.BufferID)
	}
	return s
}

// FlowRemovedReason says why a flow entry went away (OFPRR_*).
type FlowRemovedReason uint8

const (
	RemovedIdleTimeout FlowRemovedReason = 0
	RemovedHardTimeout FlowRemovedReason = 1
	RemovedDelete      FlowRemovedReason = 2
	RemovedGroupDelete FlowRemovedReason = 3 // OpenFlow 1.3 only
)

// String prints the reason as ovs-ofctl does.
func (r FlowRemovedReason) String() string {
	switch r {
	case RemovedIdleTimeout:
		return "idle"
	case RemovedHardTimeout:
		return "hard"
	case RemovedDelete:
		return "delete"
	case RemovedGroupDelete:
		return "group_delete"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// FlowRemoved reports a flow entry that expired or was deleted.
type FlowRemoved struct {
	Cookie       uint64
	Priority     uint16
	Reason       FlowRemovedReason
	TableID      uint8 // OpenFlow 1.3 only
	DurationSec  uint32
	DurationNsec uint32
	IdleTimeout  uint16
	HardTimeout  uint16 // OpenFlow 1.3 only
	PacketCount  uint64
	ByteCount    uint64
	Match        Match
}
