package of13

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

func TestEnumStrings(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{TypeHello, "OFPT_HELLO"},
		{TypeMeterMod, "OFPT_METER_MOD"},
		{Type(30), "OFPT_30"},
		{HelloElemTypeVersionBitmap, "version_bitmap"},
		{HelloElemType(9), "hello_elem_9"},
		{Capabilities(0), "0"},
		{CapFlowStats | CapQueueStats | CapPortBlocked, "FLOW_STATS QUEUE_STATS PORT_BLOCKED"},
		{CapTableStats | 1<<30, "TABLE_STATS 0x40000000"},
		{ConfigFragNormal, "frags=normal"},
		{ConfigFragDrop, "frags=drop"},
		{ConfigFragReasm | ConfigInvalidTTLToController, "frags=reassemble invalid_ttl_to_controller"},
		{ConfigFragMask | 0x100, "frags=nx-match 0x100"},
		{PacketInNoMatch, "no_match"},
		{PacketInAction, "action"},
		{PacketInInvalidTTL, "invalid_ttl"},
		{PacketInReason(7), "reason_7"},
		{FlowModAdd, "ADD"},
		{FlowModModify, "MOD"},
		{FlowModModifyStrict, "MOD_STRICT"},
		{FlowModDelete, "DEL"},
		{FlowModDeleteStrict, "DEL_STRICT"},
		{FlowModCommand(9), "cmd:9"},
		{FlowModSendFlowRem | FlowModCheckOverlap | FlowModResetCounts | FlowModNoPktCounts | FlowModNoBytCounts,
			"send_flow_rem check_overlap reset_counts no_packet_counts no_byte_counts"},
		{FlowRemovedIdleTimeout, "idle"},
		{FlowRemovedHardTimeout, "hard"},
		{FlowRemovedDelete, "delete"},
		{FlowRemovedGroupDelete, "group_delete"},
		{FlowRemovedReason(9), "reason_9"},
		{PortAdded, "ADD"},
		{PortDeleted, "DEL"},
		{PortModified, "MOD"},
		{PortReason(5), "reason_5"},
		{GroupModAdd, "ADD"},
		{GroupModModify, "MOD"},
		{GroupModDelete, "DEL"},
		{GroupModCommand(5), "cmd:5"},
		{GroupTypeAll, "all"},
		{GroupTypeSelect, "select"},
		{GroupTypeIndirect, "indirect"},
		{GroupTypeFF, "ff"},
		{GroupType(5), "type_5"},
		{MeterModAdd, "ADD"},
		{MeterModModify, "MOD"},
		{MeterModDelete, "DEL"},
		{MeterModCommand(5), "cmd:5"},
		{MeterFlagKbps | MeterFlagPktps | MeterFlagBurst | MeterFlagStats, "kbps pktps burst stats"},
		{RoleNoChange, "nochange"},
		{RoleEqual, "equal"},
		{RoleMaster, "primary"},
		{RoleSlave, "secondary"},
		{ControllerRole(4), "role_4"},
		{TableConfigDeprecatedMask, "0x3"},
		{QueuePropTypeMinRate, "min_rate"},
		{QueuePropTypeMaxRate, "max_rate"},
		{QueuePropTypeExperimenter, "experimenter"},
		{QueuePropType(3), "queue_prop_3"},
		{QueuePropMinRate{Rate: 105}, "min_rate:10.5%"},
		{QueuePropMaxRate{Rate: QueueRateDisabled}, "max_rate:disabled"},
		{QueuePropExperimenter{Experimenter: 0x2320}, "experimenter:0x2320"},
		{NewHelloElemVersionBitmap(openflow.Version10, openflow.Version13), "version bitmap: 1.0, 1.3"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%#v).String() = %q; want %q", tt.v, tt.v, got, tt.want)
		}
	}
}

func TestQueuePropTypes(t *testing.T) {
	for _, tt := range []struct {
		p    QueueProp
		want QueuePropType
	}{
		{QueuePropMinRate{}, QueuePropTypeMinRate},
		{QueuePropMaxRate{}, QueuePropTypeMaxRate},
		{QueuePropExperimenter{}, QueuePropTypeExperimenter},
		{QueuePropUnknown{Type: 7}, 7},
	} {
		if got := tt.p.QueuePropType(); got != tt.want {
			t.Errorf("%T.QueuePropType() = %v; want %v", tt.p, got, tt.want)
		}
	}
}

func TestHelloVersions(t *testing.T) {
	h := NewHello(openflow.Version10, openflow.Version13, 33)
	vb, ok := h.VersionBitmap()
	if !ok {
		t.Fatal("NewHello(...).VersionBitmap() found none")
	}
	if want := []uint32{0x12, 0x2}; !cmp.Equal(vb.Bitmaps, want) {
		t.Errorf("NewHello(1.0, 1.3, 33) bitmaps = %#x; want %#x", vb.Bitmaps, want)
	}
	if got, want := vb.Versions(), []openflow.Version{openflow.Version10, openflow.Version13, 33}; !cmp.Equal(got, want) {
		t.Errorf("Versions() = %v; want %v", got, want)
	}
	for _, tt := range []struct {
		v    openflow.Version
		want bool
	}{{openflow.Version10, true}, {openflow.Version13, true}, {0x02, false}, {33, true}, {200, false}} {
		if got := vb.Has(tt.v); got != tt.want {
			t.Errorf("Has(%v) = %v; want %v", tt.v, got, tt.want)
		}
	}
	if vb.HelloElemType() != HelloElemTypeVersionBitmap {
		t.Errorf("HelloElemType() = %v", vb.HelloElemType())
	}
	if u := (&HelloElemUnknown{Type: 5}); u.HelloElemType() != 5 {
		t.Errorf("HelloElemUnknown.HelloElemType() = %v; want 5", u.HelloElemType())
	}
	if _, ok := (&Hello{Elements: []HelloElem{&HelloElemUnknown{Type: 5}}}).VersionBitmap(); ok {
		t.Error("VersionBitmap() of a hello without one = true")
	}
}

// TestMessageTypes checks Version and MsgType of every message type.
func TestMessageTypes(t *testing.T) {
	for _, v := range vectors {
		want, ok := typeFromFileName(v.name)
		if _, isErr := v.msg.(*openflow.ErrorMsg); isErr {
			continue
		}
		if !ok || v.msg.MsgType() != uint8(want) || v.msg.Version() != openflow.Version13 {
			t.Errorf("%s: %T MsgType() = %d, Version() = %v; want %d, 1.3", v.name, v.msg, v.msg.MsgType(), v.msg.Version(), want)
		}
	}
}

func vectorMsg(t *testing.T, name string) openflow.Message {
	for _, v := range vectors {
		if v.name == name {
			return v.msg
		}
	}
	t.Fatalf("no vector %q", name)
	return nil
}

func TestMessageStrings(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"flow_mod_add", "ADD table:1 priority=100,in_port=1,eth_type=0x800,ip_dst=10.0.0.0/8 cookie:0x1234 idle:10 send_flow_rem check_overlap actions=set_field:10.0.0.1->ip_dst,output:2,goto_table:2"},
		{"flow_mod_delete_strict", "DEL_STRICT priority=200,eth_type=0x806 out_port:2 actions=drop"},
		{"flow_mod_modify", "MOD priority=10,eth_dst=52:54:00:12:34:56,vlan_vid=4106 cookie:0x10/0xff reset_counts actions=meter:1,clear_actions,write_actions(group:1),write_metadata:0x1/0xff,goto_table:5"},
		{"flow_removed", "priority=300,eth_type=0x800,ip_proto=6,tcp_dst=80 reason=idle table_id=1 cookie:0x55 duration10.0000005s idle60 pkts12 bytes1200"},
		{"flow_removed_delete", "priority=0 reason=delete table_id=0 cookie:0xffff duration3600s idle0 pkts0 bytes0"},
		{"packet_in", "cookie=0x0 total_len=60 in_port=1 (via no_match) data_len=60 (unbuffered)"},
		{"packet_in_action_buffered", "table_id=3 cookie=0xabcd total_len=74 in_port=3,metadata=0x2a (via action) data_len=74 buffer=0x00000100"},
		{"packet_out", "in_port=CONTROLLER actions=FLOOD data_len=60"},
		{"group_mod_add_ff", "ADD group_id=2,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,actions=output:2"},
		{"meter_mod_add", "ADD meter=1 kbps burst stats bands=type=drop rate=1000 burst_size=100 type=dscp_remark rate=2000 burst_size=200 prec_level=1"},
		{"meter_mod_delete", "DEL meter=all bands="},
		{"features_reply", "dpid:0000525400123456 n_tables:254, n_buffers:256 auxiliary_id:0 capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS"},
		{"get_config_reply", "frags=normal miss_send_len=128"},
		{"role_request", "role=primary generation_id=7"},
	}
	for _, tt := range tests {
		m := vectorMsg(t, tt.name)
		s, ok := m.(fmt.Stringer)
		if !ok {
			t.Errorf("%s: %T has no String method", tt.name, m)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("%s: String() =\n%q; want\n%q", tt.name, got, tt.want)
		}
	}
	if got, want := (&RoleReply{Role{Role: RoleEqual, GenerationID: 3}}).String(), "role=equal"; got != want {
		t.Errorf("RoleReply.String() = %q; want %q", got, want)
	}
	if got, want := (&PacketOut{BufferID: 7, InPort: 1}).String(), "in_port=1 actions=drop buffer=0x00000007"; got != want {
		t.Errorf("PacketOut.String() = %q; want %q", got, want)
	}
	if got, want := (&FlowMod{Command: FlowModAdd, HardTimeout: 5, BufferID: 9, OutPort: PortAny, OutGroup: 4}).String(),
		"ADD priority=0 hard:5 buffer:0x9 out_group:4 actions=drop"; got != want {
		t.Errorf("FlowMod.String() = %q; want %q", got, want)
	}
	if got, want := (&FlowRemoved{HardTimeout: 5}).String(), "priority=0 reason=idle table_id=0 cookie:0x0 duration0s idle0 hard5 pkts0 bytes0"; got != want {
		t.Errorf("FlowRemoved.String() = %q; want %q", got, want)
	}
	if got, want := (&PortStatus{Reason: PortDeleted, Port: Port{PortNo: 2, Name: "p2"}}).String(), "DEL: 2(p2)"; !strings.HasPrefix(got, want) {
		t.Errorf("PortStatus.String() = %q; want prefix %q", got, want)
	}
}
