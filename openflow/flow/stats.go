package flow

// Statistics requests and replies, and barrier. Replies hold every part
// of a multipart reply: the connection reassembles them.

// DescRequest asks for the switch description.
type DescRequest struct{}

// DescReply is the switch description (ofp_desc).
type DescReply struct {
	MfrDesc   string
	HWDesc    string
	SWDesc    string
	SerialNum string
	DPDesc    string
}

// FlowStatsRequest asks for the flow entries that match Match in TableID
// (TableAll for every table), filtered by out port, out group and cookie.
type FlowStatsRequest struct {
	TableID    uint8
	OutPort    PortNo
	OutGroup   uint32 // OpenFlow 1.3 only
	Cookie     uint64 // OpenFlow 1.3 only
	CookieMask uint64 // OpenFlow 1.3 only
	Match      Match
}

// NewFlowStatsRequest asks for every flow of every table.
func NewFlowStatsRequest() *FlowStatsRequest {
	return &FlowStatsRequest{TableID: TableAll, OutPort: PortAny, OutGroup: GroupAny}
}

// FlowStats is one flow entry in a flow stats reply.
type FlowStats struct {
	TableID      uint8
	DurationSec  uint32
	DurationNsec uint32
	Priority     uint16
	IdleTimeout  uint16
	HardTimeout  uint16
	Flags        FlowModFlags // OpenFlow 1.3 only
	Cookie       uint64
	PacketCount  uint64
	ByteCount    uint64
	Match        Match
	Instructions []Instruction
}

// FlowStatsReply lists flow entries.
type FlowStatsReply struct{ Flows []FlowStats }

// AggregateRequest asks for totals over the flows FlowStatsRequest would
// list.
type AggregateRequest FlowStatsRequest

// AggregateReply holds the totals.
type AggregateReply struct {
	PacketCount uint64
	ByteCount   uint64
	FlowCount   uint32
}

// TableStatsRequest asks for per-table counters.
type TableStatsRequest struct{}

// TableStats are one table's counters. Name, Wildcards and MaxEntries are
// OpenFlow 1.0 only.
type TableStats struct {
	TableID      uint8
	Name         string
	Wildcards    uint32
	MaxEntries   uint32
	ActiveCount  uint32
	LookupCount  uint64
	MatchedCount uint64
}

// TableStatsReply lists the tables.
type TableStatsReply struct{ Tables []TableStats }

// PortStatsRequest asks for the counters of PortNo (PortAny for all).
type PortStatsRequest struct{ PortNo PortNo }

// PortStats are one port's counters. Durations are OpenFlow 1.3 only.
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
	DurationNsec uint32
}

// PortStatsReply lists port counters.
type PortStatsReply struct{ Ports []PortStats }

// PortDescRequest asks for every port's description (OpenFlow 1.3
// multipart; OpenFlow 1.0 answers with the features reply's ports).
type PortDescRequest struct{}

// PortDescReply lists the ports.
type PortDescReply struct{ Ports []PortDesc }

// BarrierRequest asks the switch to finish every earlier message first.
type BarrierRequest struct{}

// BarrierReply answers a BarrierRequest.
type BarrierReply struct{}
