package of10

import (
	"net/netip"

	"github.com/ofbox/ofbox/openflow"
)

// A vector is a message whose wire form is kept in testdata/<name>.hex.
// The table is the source of the files (go test -run TestGoldenValues
// -update rewrites them) and the expected decoding of each.
type vector struct {
	name   string           // file name without .hex
	expect string           // what ovs-ofctl ofp-print must name
	xid    uint32           //
	msg    openflow.Message //
}

var (
	mac1 = openflow.EthAddr{0x00, 0x11, 0x22, 0x33, 0x44, 0x55}
	mac2 = openflow.EthAddr{0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb}
	ipA  = netip.MustParseAddr("10.0.0.1")
	ipB  = netip.MustParseAddr("192.168.1.0")
)

// matchTCP matches most fields, with prefixes on both addresses.
var matchTCP = Match{
	Wildcards: WildcardDLVLANPCP.WithNWSrcPrefix(32).WithNWDstPrefix(24),
	InPort:    1, DLSrc: mac1, DLDst: mac2, DLVLAN: 10, DLType: 0x0800,
	NWTOS: 0x10, NWProto: 6, NWSrc: ipA, NWDst: ipB, TPSrc: 1234, TPDst: 80,
}

var matchAll = Match{Wildcards: WildcardAll, NWSrc: netip.IPv4Unspecified(), NWDst: netip.IPv4Unspecified()}

var matchARP = Match{
	Wildcards: WildcardAll &^ (WildcardDLType | WildcardNWProto | WildcardNWSrcMask | WildcardInPort),
	InPort:    PortLocal, DLType: 0x0806, NWProto: 1, NWSrc: ipA, NWDst: netip.IPv4Unspecified(),
}

var allActions = []Action{
	ActionOutput{Port: 2},
	ActionOutput{Port: PortController, MaxLen: 128},
	ActionOutput{Port: PortFlood},
	ActionSetVLANVID{VLANVID: 42},
	ActionSetVLANPCP{VLANPCP: 5},
	ActionStripVLAN{},
	ActionSetDLSrc{Addr: mac1},
	ActionSetDLDst{Addr: mac2},
	ActionSetNWSrc{Addr: ipA},
	ActionSetNWDst{Addr: netip.MustParseAddr("192.168.1.7")},
	ActionSetNWTOS{TOS: 0x20},
	ActionSetTPSrc{Port: 1111},
	ActionSetTPDst{Port: 2222},
	ActionEnqueue{Port: 3, QueueID: 7},
	// Nicira resubmit(3): subtype 1, in_port 3, padding.
	ActionVendor{Vendor: 0x2320, Data: []byte{0, 1, 0, 3, 0, 0, 0, 0}},
}

var port1 = Port{
	PortNo: 1, HWAddr: mac1, Name: "eth1",
	Config: PortConfigNoFlood, State: PortStateSTPForward,
	Curr:       PortFeature1GBFD | PortFeatureCopper | PortFeatureAutoneg,
	Advertised: PortFeature100MBFD | PortFeature1GBFD,
	Supported:  PortFeature10MBHD | PortFeature10MBFD | PortFeature100MBHD | PortFeature100MBFD | PortFeature1GBFD,
}

var portLocal = Port{
	PortNo: PortLocal, HWAddr: mac2, Name: "br0",
	Config: PortConfigPortDown, State: PortStateLinkDown,
}

var vectors = []vector{
	{"hello", "OFPT_HELLO", 1, &Hello{}},
	{"hello_bitmap", "OFPT_HELLO", 2, &Hello{Data: []byte{0, 1, 0, 8, 0, 0, 0, 0x12}}},
	{"error_hello_failed", "OFPT_ERROR", 3, &openflow.ErrorMsg{Ver: openflow.Version10, Type: 0, Code: 0, Data: []byte("we speak only 1.0")}},
	{"error_flow_mod_failed", "OFPT_ERROR", 4, &openflow.ErrorMsg{Ver: openflow.Version10, Type: 3, Code: 0,
		Data: []byte{1, 18, 0, 8, 0, 0, 0, 9}}},
	{"echo_request", "OFPT_ECHO_REQUEST", 5, &EchoRequest{Data: []byte("ping")}},
	{"echo_reply", "OFPT_ECHO_REPLY", 5, &EchoReply{Data: []byte("ping")}},
	{"vendor_nx_set_flow_format", "NXT_SET_FLOW_FORMAT", 6, &Vendor{Vendor: 0x2320, Data: []byte{0, 0, 0, 12, 0, 0, 0, 2}}},
	{"features_request", "OFPT_FEATURES_REQUEST", 7, &FeaturesRequest{}},
	{"features_reply", "OFPT_FEATURES_REPLY", 7, &FeaturesReply{
		DatapathID: 0x0000001122334455, NBuffers: 256, NTables: 2,
		Capabilities: CapFlowStats | CapTableStats | CapPortStats | CapQueueStats | CapARPMatchIP,
		Actions:      1<<12 - 1,
		Ports:        []Port{port1, portLocal},
	}},
	{"get_config_request", "OFPT_GET_CONFIG_REQUEST", 8, &GetConfigRequest{}},
	{"get_config_reply", "OFPT_GET_CONFIG_REPLY", 8, &GetConfigReply{Flags: FragDrop, MissSendLen: 128}},
	{"set_config", "OFPT_SET_CONFIG", 9, &SetConfig{Flags: FragNormal, MissSendLen: 0xffff}},
	{"packet_in", "OFPT_PACKET_IN", 10, &PacketIn{BufferID: NoBuffer, TotalLen: 60, InPort: 1, Reason: ReasonNoMatch, Data: arpFrame}},
	{"packet_in_action", "OFPT_PACKET_IN", 11, &PacketIn{BufferID: 42, TotalLen: 60, InPort: 2, Reason: ReasonAction, Data: arpFrame[:14]}},
	{"flow_removed", "OFPT_FLOW_REMOVED", 12, &FlowRemoved{Match: matchTCP, Cookie: 0xabcdef, Priority: 100,
		Reason: RemovedIdleTimeout, DurationSec: 10, DurationNsec: 500, IdleTimeout: 60, PacketCount: 7, ByteCount: 700}},
	{"port_status", "OFPT_PORT_STATUS", 13, &PortStatus{Reason: PortModified, Port: port1}},
	{"packet_out", "OFPT_PACKET_OUT", 14, &PacketOut{BufferID: NoBuffer, InPort: PortNone,
		Actions: []Action{ActionOutput{Port: PortFlood}}, Data: arpFrame}},
	{"packet_out_buffered", "OFPT_PACKET_OUT", 15, &PacketOut{BufferID: 42, InPort: 1,
		Actions: []Action{ActionSetVLANVID{VLANVID: 5}, ActionOutput{Port: PortInPort}}}},
	{"flow_mod_add", "OFPT_FLOW_MOD", 16, &FlowMod{Match: matchTCP, Cookie: 0x1234, Command: FlowAdd,
		IdleTimeout: 60, HardTimeout: 300, Priority: 100, BufferID: NoBuffer, OutPort: PortNone,
		Flags: FlowSendFlowRem | FlowCheckOverlap, Actions: allActions}},
	{"flow_mod_modify_strict", "OFPT_FLOW_MOD", 17, &FlowMod{Match: matchARP, Command: FlowModifyStrict,
		Priority: 0x8000, BufferID: NoBuffer, OutPort: PortNone, Actions: []Action{ActionOutput{Port: PortNormal}}}},
	{"flow_mod_delete", "OFPT_FLOW_MOD", 18, &FlowMod{Match: matchAll, Command: FlowDelete,
		BufferID: NoBuffer, OutPort: 2}},
	{"port_mod", "OFPT_PORT_MOD", 19, &PortMod{PortNo: 1, HWAddr: mac1, Config: PortConfigPortDown | PortConfigNoFlood,
		Mask: PortConfigPortDown | PortConfigNoFlood, Advertise: PortFeature1GBFD}},
	{"stats_desc_request", "OFPST_DESC request", 20, &DescStatsRequest{}},
	{"stats_desc_reply", "OFPST_DESC reply", 20, &DescStatsReply{MfrDesc: "ofbox project", HWDesc: "virtual",
		SWDesc: "ofbox 0.1", SerialNum: "none", DPDesc: "switch s1"}},
	{"stats_flow_request", "OFPST_FLOW request", 21, &FlowStatsRequest{Match: matchAll, TableID: TableAll, OutPort: PortNone}},
	{"stats_flow_reply", "OFPST_FLOW reply", 21, &FlowStatsReply{Stats: []FlowStats{
		{TableID: 0, Match: matchTCP, DurationSec: 5, DurationNsec: 1000, Priority: 100, IdleTimeout: 60,
			Cookie: 0x1234, PacketCount: 10, ByteCount: 1000, Actions: []Action{ActionOutput{Port: 2}, ActionEnqueue{Port: 1, QueueID: 2}}},
		{TableID: 1, Match: matchAll, Priority: 0, PacketCount: 1, ByteCount: 64},
	}}},
	{"stats_aggregate_request", "OFPST_AGGREGATE request", 22, &AggregateStatsRequest{Match: matchARP, TableID: 0, OutPort: PortNone}},
	{"stats_aggregate_reply", "OFPST_AGGREGATE reply", 22, &AggregateStatsReply{PacketCount: 100, ByteCount: 6400, FlowCount: 3}},
	{"stats_table_request", "OFPST_TABLE request", 23, &TableStatsRequest{}},
	{"stats_table_reply", "OFPST_TABLE reply", 23, &TableStatsReply{Stats: []TableStats{
		{TableID: 0, Name: "classifier", Wildcards: WildcardAll, MaxEntries: 1000000, ActiveCount: 4, LookupCount: 100, MatchedCount: 90},
	}}},
	{"stats_port_request", "OFPST_PORT request", 24, &PortStatsRequest{PortNo: PortNone}},
	{"stats_port_reply", "OFPST_PORT reply", 24, &PortStatsReply{Flags: StatsReplyMore, Stats: []PortStats{
		{PortNo: 1, RxPackets: 1, TxPackets: 2, RxBytes: 3, TxBytes: 4, RxDropped: 5, TxDropped: 6,
			RxErrors: 7, TxErrors: 8, RxFrameErr: 9, RxOverErr: 10, RxCRCErr: 11, Collisions: 12},
	}}},
	{"stats_queue_request", "OFPST_QUEUE request", 25, &QueueStatsRequest{PortNo: PortAll, QueueID: QueueAll}},
	{"stats_queue_reply", "OFPST_QUEUE reply", 25, &QueueStatsReply{Stats: []QueueStats{
		{PortNo: 1, QueueID: 7, TxBytes: 1000, TxPackets: 10, TxErrors: 1},
	}}},
	{"stats_port_desc_request", "OFPST_PORT_DESC request", 27, &PortDescStatsRequest{}},
	{"stats_port_desc_reply", "OFPST_PORT_DESC reply", 27, &PortDescStatsReply{Ports: []Port{
		{PortNo: 1, HWAddr: [6]byte{2, 0, 0, 0, 0, 1}, Name: "veth1", State: PortStateSTPForward, Curr: 1 << 6, Advertised: 1 << 6},
		{PortNo: 2, HWAddr: [6]byte{2, 0, 0, 0, 0, 2}, Name: "veth2", Config: 1, State: PortStateLinkDown},
	}}},
	// Nicira NXST_FLOW request: subtype 0, pad, out_port NONE, match_len 0, table 0xff.
	{"stats_vendor_request", "NXST_FLOW request", 26, &VendorStatsRequest{Vendor: 0x2320,
		Data: []byte{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0, 0, 0}}},
	// Nicira NXST_FLOW reply with no flows: subtype 0, pad.
	{"stats_vendor_reply", "NXST_FLOW reply", 26, &VendorStatsReply{Vendor: 0x2320, Data: []byte{0, 0, 0, 0, 0, 0, 0, 0}}},
	{"barrier_request", "OFPT_BARRIER_REQUEST", 27, &BarrierRequest{}},
	{"barrier_reply", "OFPT_BARRIER_REPLY", 27, &BarrierReply{}},
	{"queue_get_config_request", "OFPT_QUEUE_GET_CONFIG_REQUEST", 28, &QueueGetConfigRequest{Port: 1}},
	{"queue_get_config_reply", "OFPT_QUEUE_GET_CONFIG_REPLY", 28, &QueueGetConfigReply{Port: 1, Queues: []PacketQueue{
		{QueueID: 1, Properties: []QueueProp{QueuePropMinRate{Rate: 500}}},
		{QueueID: 2},
	}}},
}

// arpFrame is a 60-byte ARP request from mac1 for 10.0.0.2.
var arpFrame = []byte{
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x06,
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
	10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
}
