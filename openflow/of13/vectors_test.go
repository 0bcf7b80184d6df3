package of13

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ofbox/ofbox/openflow"
)

var update = flag.Bool("update", false, "rewrite the golden vectors of vectors_test.go in testdata/")

// vector is a golden message: testdata/<name>.hex must hold exactly the
// encoding of msg with xid, and decode back to msg.
type vector struct {
	name   string
	expect string // what ovs-ofctl ofp-print must name; "" for the type name
	msg    openflow.Message
}

func basic(f OXMField, v ...byte) OXM { return OXM{Class: ClassOpenFlowBasic, Field: f, Value: v} }

func masked(f OXMField, v, m []byte) OXM {
	return OXM{Class: ClassOpenFlowBasic, Field: f, Value: v, Mask: m}
}

func inPort(p uint32) OXM {
	return basic(FieldInPort, byte(p>>24), byte(p>>16), byte(p>>8), byte(p))
}

// arpFrame is a 60-byte ARP request from 00:00:00:00:00:01 for 10.0.0.2.
var arpFrame = mustHex("ffffffffffff000000000001 0806 0001 0800 06 04 0001 000000000001 0a000001 000000000000 0a000002" +
	"000000000000000000000000000000000000")

// icmpFrame is a 74-byte ICMP echo request from 10.0.0.1 to 10.0.0.2.
var icmpFrame = mustHex("000000000002000000000001 0800 4500 003c 1234 4000 4001 0000 0a000001 0a000002" +
	"0800 0000 0001 0001 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		panic(err)
	}
	return b
}

func mustMarshal(m openflow.Message) []byte {
	b, err := openflow.Marshal(0x99, m)
	if err != nil {
		panic(err)
	}
	return b
}

var ethAddr1 = openflow.EthAddr{0x00, 0x00, 0x00, 0x00, 0x00, 0x01}
var ethAddr2 = openflow.EthAddr{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}

var vectors = []vector{
	{name: "hello", msg: NewHello(openflow.Version10, openflow.Version13)},
	{name: "hello_empty", msg: &Hello{}},
	{name: "hello_two_bitmap_words", msg: &Hello{Elements: []HelloElem{&HelloElemVersionBitmap{Bitmaps: []uint32{0x10, 0}}}}},
	{name: "error_flow_mod_failed", expect: "OFPFMFC_TABLE_FULL", msg: &openflow.ErrorMsg{
		Ver: openflow.Version13, Type: 5, Code: 1,
		Data: mustMarshal(&FlowMod{Command: FlowModDelete, TableID: TableAll, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny}),
	}},
	{name: "error_hello_failed", expect: "OFPHFC_INCOMPATIBLE", msg: &openflow.ErrorMsg{
		Ver: openflow.Version13, Type: 0, Code: 0, Data: []byte("we speak OpenFlow 1.3 only"),
	}},
	{name: "error_experimenter", expect: "OFPBIC_DUP_INST", msg: &openflow.ErrorMsg{
		Ver: openflow.Version13, Type: openflow.ErrTypeExperimenter, Code: 2600, Experimenter: 0x4f4e4600,
		Data: mustMarshal(&BarrierRequest{}),
	}},
	{name: "echo_request", msg: &EchoRequest{Data: []byte("ofbox keepalive")}},
	{name: "echo_reply", msg: &EchoReply{}},
	{name: "experimenter", expect: "NXT_SET_CONTROLLER_ID", msg: &Experimenter{
		Experimenter: 0x00002320, ExpType: 20, Data: []byte{0, 0, 0, 0, 0, 0, 0, 7},
	}},
	{name: "features_request", msg: &FeaturesRequest{}},
	{name: "features_reply", msg: &FeaturesReply{
		DatapathID: 0x0000525400123456, NBuffers: 256, NTables: 254,
		Capabilities: CapFlowStats | CapTableStats | CapPortStats | CapGroupStats | CapQueueStats,
	}},
	{name: "get_config_request", msg: &GetConfigRequest{}},
	{name: "get_config_reply", msg: &GetConfigReply{SwitchConfig{Flags: ConfigFragNormal, MissSendLen: 128}}},
	{name: "set_config", msg: &SetConfig{SwitchConfig{Flags: ConfigFragDrop, MissSendLen: ControllerMaxLenNoBuffer}}},
	{name: "packet_in", msg: &PacketIn{
		BufferID: NoBuffer, TotalLen: uint16(len(arpFrame)), Reason: PacketInNoMatch,
		Match: Match{Fields: []OXM{inPort(1)}}, Data: arpFrame,
	}},
	{name: "packet_in_action_buffered", msg: &PacketIn{
		BufferID: 0x100, TotalLen: uint16(len(icmpFrame)), Reason: PacketInAction, TableID: 3, Cookie: 0xabcd,
		Match: Match{Fields: []OXM{inPort(3), basic(FieldMetadata, 0, 0, 0, 0, 0, 0, 0, 0x2a)}},
		Data:  icmpFrame,
	}},
	{name: "flow_removed", msg: &FlowRemoved{
		Cookie: 0x55, Priority: 300, Reason: FlowRemovedIdleTimeout, TableID: 1,
		DurationSec: 10, DurationNsec: 500, IdleTimeout: 60, PacketCount: 12, ByteCount: 1200,
		Match: Match{Fields: []OXM{basic(FieldEthType, 0x08, 0x00), basic(FieldIPProto, 6), basic(FieldTCPDst, 0, 80)}},
	}},
	{name: "flow_removed_delete", msg: &FlowRemoved{
		Cookie: 0xffff, Priority: 0, Reason: FlowRemovedDelete, TableID: 0, DurationSec: 3600,
	}},
	{name: "port_status", msg: &PortStatus{Reason: PortModified, Port: Port{
		PortNo: 1, HWAddr: ethAddr2, Name: "eth1", State: PortStateLive,
		Curr:       PortFeature10GbFD | PortFeatureCopper,
		Advertised: PortFeature1GbFD | PortFeature10GbFD | PortFeatureCopper | PortFeatureAutoneg,
		Supported:  PortFeature1GbFD | PortFeature10GbFD | PortFeatureCopper | PortFeatureAutoneg,
		CurrSpeed:  10000000, MaxSpeed: 10000000,
	}}},
	{name: "port_status_add", msg: &PortStatus{Reason: PortAdded, Port: Port{
		PortNo: 7, HWAddr: ethAddr1, Name: "veth7", Config: PortConfigPortDown, State: PortStateLinkDown,
	}}},
	{name: "packet_out", msg: &PacketOut{
		BufferID: NoBuffer, InPort: PortController,
		Actions: []Action{ActionOutput{Port: PortFlood}}, Data: arpFrame,
	}},
	{name: "packet_out_buffered", msg: &PacketOut{
		BufferID: 0x100, InPort: 3,
		Actions: []Action{ActionPushVLAN{EtherType: 0x8100}, ActionSetField{Field: basic(FieldVLANVID, 0x10, 0x0a)}, ActionOutput{Port: 2}},
	}},
	{name: "flow_mod_add", msg: &FlowMod{
		Cookie: 0x1234, TableID: 1, Command: FlowModAdd, IdleTimeout: 10, Priority: 100,
		BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Flags: FlowModSendFlowRem | FlowModCheckOverlap,
		Match: Match{Fields: []OXM{inPort(1), basic(FieldEthType, 0x08, 0x00), masked(FieldIPv4Dst, []byte{10, 0, 0, 0}, []byte{255, 0, 0, 0})}},
		Instructions: []Instruction{
			InstructionApplyActions{Actions: []Action{
				ActionSetField{Field: basic(FieldIPv4Dst, 10, 0, 0, 1)},
				ActionOutput{Port: 2},
			}},
			InstructionGotoTable{TableID: 2},
		},
	}},
	{name: "flow_mod_add_table_miss", msg: &FlowMod{
		Command: FlowModAdd, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny,
		Instructions: []Instruction{InstructionApplyActions{Actions: []Action{
			ActionOutput{Port: PortController, MaxLen: ControllerMaxLenNoBuffer},
		}}},
	}},
	{name: "flow_mod_modify", msg: &FlowMod{
		Cookie: 0x10, CookieMask: 0xff, TableID: 0, Command: FlowModModify, Priority: 10,
		BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Flags: FlowModResetCounts,
		Match: Match{Fields: []OXM{basic(FieldEthDst, ethAddr2[:]...), basic(FieldVLANVID, 0x10, 0x0a)}},
		Instructions: []Instruction{
			InstructionMeter{MeterID: 1},
			InstructionClearActions{},
			InstructionWriteActions{Actions: []Action{ActionGroup{GroupID: 1}}},
			InstructionWriteMetadata{Metadata: 0x1, Mask: 0xff},
			InstructionGotoTable{TableID: 5},
		},
	}},
	{name: "flow_mod_delete_strict", msg: &FlowMod{
		TableID: 0, Command: FlowModDeleteStrict, Priority: 200,
		BufferID: NoBuffer, OutPort: 2, OutGroup: GroupAny,
		Match: Match{Fields: []OXM{basic(FieldEthType, 0x08, 0x06)}},
	}},
	{name: "flow_mod_delete_all", msg: &FlowMod{
		TableID: TableAll, Command: FlowModDelete, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny,
	}},
	{name: "group_mod_add_select", msg: &GroupMod{
		Command: GroupModAdd, Type: GroupTypeSelect, GroupID: 1, Buckets: []Bucket{
			{Weight: 10, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{ActionOutput{Port: 1}}},
			{Weight: 20, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{ActionSetField{Field: basic(FieldEthDst, ethAddr1[:]...)}, ActionOutput{Port: 2}}},
		},
	}},
	{name: "group_mod_add_ff", msg: &GroupMod{
		Command: GroupModAdd, Type: GroupTypeFF, GroupID: 2, Buckets: []Bucket{
			{WatchPort: 1, WatchGroup: GroupAny, Actions: []Action{ActionOutput{Port: 1}}},
			{WatchPort: 2, WatchGroup: GroupAny, Actions: []Action{ActionOutput{Port: 2}}},
		},
	}},
	{name: "group_mod_delete", msg: &GroupMod{Command: GroupModDelete, Type: GroupTypeAll, GroupID: GroupAll}},
	{name: "port_mod", msg: &PortMod{
		PortNo: 1, HWAddr: ethAddr2, Config: PortConfigPortDown, Mask: PortConfigPortDown | PortConfigNoPacketIn,
		Advertise: PortFeature1GbFD | PortFeature10GbFD,
	}},
	{name: "table_mod", msg: &TableMod{TableID: TableAll}},
	{name: "barrier_request", msg: &BarrierRequest{}},
	{name: "barrier_reply", msg: &BarrierReply{}},
	{name: "queue_get_config_request", msg: &QueueGetConfigRequest{Port: 1}},
	{name: "queue_get_config_reply", msg: &QueueGetConfigReply{Port: 1, Queues: []PacketQueue{
		{QueueID: 1, Port: 1, Properties: []QueueProp{QueuePropMinRate{Rate: 100}, QueuePropMaxRate{Rate: 500}}},
		{QueueID: 2, Port: 1, Properties: []QueueProp{QueuePropMaxRate{Rate: 1000}}},
		{QueueID: 3, Port: 1},
	}}},
	{name: "role_request", msg: &RoleRequest{Role{Role: RoleMaster, GenerationID: 7}}},
	{name: "role_reply", msg: &RoleReply{Role{Role: RoleSlave, GenerationID: 8}}},
	{name: "get_async_request", msg: &GetAsyncRequest{}},
	{name: "get_async_reply", msg: &GetAsyncReply{AsyncConfig{
		PacketInMask: [2]uint32{0x3, 0}, PortStatusMask: [2]uint32{0x7, 0x7}, FlowRemovedMask: [2]uint32{0xf, 0},
	}}},
	{name: "set_async", msg: &SetAsync{AsyncConfig{
		PacketInMask: [2]uint32{0x1, 0}, PortStatusMask: [2]uint32{0x7, 0x1}, FlowRemovedMask: [2]uint32{0x3, 0},
	}}},
	{name: "meter_mod_add", msg: &MeterMod{
		Command: MeterModAdd, Flags: MeterFlagKbps | MeterFlagBurst | MeterFlagStats, MeterID: 1,
		Bands: []MeterBand{MeterBandDrop{Rate: 1000, BurstSize: 100}, MeterBandDSCPRemark{Rate: 2000, BurstSize: 200, PrecLevel: 1}},
	}},
	{name: "meter_mod_delete", msg: &MeterMod{Command: MeterModDelete, MeterID: MeterAll}},
}

// hexDump formats a message for a vector file: the header on a line, then
// the body 16 bytes a line.
func hexDump(b []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%x\n", b[:openflow.HeaderLen])
	for b = b[openflow.HeaderLen:]; len(b) > 0; {
		n := min(16, len(b))
		fmt.Fprintf(&s, "%x\n", b[:n])
		b = b[n:]
	}
	return s.String()
}

// msgCmp compares messages: a Match by its fields only.
var msgCmp = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b Match) bool { return a.Equal(&b) }),
}

func TestVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			path := filepath.Join("testdata", v.name+".hex")
			want, err := openflow.Marshal(1, v.msg)
			if err != nil {
				t.Fatalf("Marshal(%T) = %v", v.msg, err)
			}
			if *update {
				var s strings.Builder
				fmt.Fprintf(&s, "# %s: written by vectors_test.go -update, checked with ovs-ofctl ofp-print\n", v.name)
				if v.expect != "" {
					fmt.Fprintf(&s, "# expect: %s\n", v.expect)
				}
				s.WriteString(hexDump(want))
				if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, _, err := readVector(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("%s = %x; want %x (run go test -update)", path, got, want)
			}
			_, m, err := openflow.Unmarshal(got, Codec)
			if err != nil {
				t.Fatalf("Unmarshal(%s) = %v", path, err)
			}
			if d := cmp.Diff(v.msg, m, msgCmp); d != "" {
				t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", path, d)
			}
		})
	}
}
