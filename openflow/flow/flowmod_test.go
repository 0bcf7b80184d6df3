package flow

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFlowMod(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *FlowMod
		out  string
	}{
		{"actions=drop", NewFlowMod(Add, Match{}), ""},
		{"priority=100,in_port=1,actions=output:2", &FlowMod{Priority: 100, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny,
			Match: MustParse("in_port=1"), Instructions: []Instruction{ApplyActions{[]Action{Output{Port: 2}}}}}, ""},
		{"table=1,priority=5,cookie=0x10,idle_timeout=10,hard_timeout=20,send_flow_rem,check_overlap,tcp,tp_dst=80 actions=goto_table:2",
			&FlowMod{TableID: 1, Priority: 5, Cookie: 0x10, IdleTimeout: 10, HardTimeout: 20, BufferID: NoBuffer, OutPort: PortAny,
				OutGroup: GroupAny, Flags: SendFlowRem | CheckOverlap, Match: MustParse("tcp,tp_dst=80"), Instructions: []Instruction{GotoTable{2}}},
			"table=1,priority=5,cookie=0x10,idle_timeout=10,hard_timeout=20,send_flow_rem,check_overlap,tcp,tp_dst=80,actions=goto_table:2"},
		{"delete table=all,cookie=0x1/-1,out_port=3,out_group=4", &FlowMod{Command: Delete, TableID: TableAll, Cookie: 1, CookieMask: ^uint64(0),
			Priority: DefaultPriority, BufferID: NoBuffer, OutPort: 3, OutGroup: 4}, "delete cookie=0x1/-1,out_port=3,out_group=4,actions=drop"},
		{"delete_strict cookie=0x10/0xf0,priority=7,ip", &FlowMod{Command: DeleteStrict, Cookie: 0x10, CookieMask: 0xf0, TableID: TableAll, Priority: 7,
			BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Match: MustParse("ip")}, "delete_strict priority=7,cookie=0x10/0xf0,ip,actions=drop"},
		{"modify_strict buffer_id=5,reset_counts,no_packet_counts,no_byte_counts,emerg,out_port=any,out_group=any,actions=drop",
			&FlowMod{Command: ModifyStrict, Priority: DefaultPriority, BufferID: 5, OutPort: PortAny, OutGroup: GroupAny,
				Flags: ResetCounts | NoPktCounts | NoBytCounts | Emerg},
			"modify_strict buffer_id=5,reset_counts,no_packet_counts,no_byte_counts,emerg,actions=drop"},
		{"modify udp,actions=mod_tp_dst:53", &FlowMod{Command: Modify, Priority: DefaultPriority, BufferID: NoBuffer, OutPort: PortAny,
			OutGroup: GroupAny, Match: MustParse("udp"), Instructions: []Instruction{ApplyActions{[]Action{SetFieldUint(UDPDst, 53)}}}},
			"modify udp,actions=set_field:53->udp_dst"},
		{"sctp,actions=mod_tp_src:1", &FlowMod{Priority: DefaultPriority, BufferID: NoBuffer, OutPort: PortAny,
			OutGroup: GroupAny, Match: MustParse("sctp"), Instructions: []Instruction{ApplyActions{[]Action{SetFieldUint(SCTPSrc, 1)}}}},
			"sctp,actions=set_field:1->sctp_src"},
	} {
		got, err := ParseFlowMod(tc.in)
		if err != nil {
			t.Errorf("ParseFlowMod(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseFlowMod(%q): (-want +got)\n%s", tc.in, diff)
		}
		out := tc.out
		if out == "" {
			out = tc.in
		}
		if s := got.String(); s != out {
			t.Errorf("ParseFlowMod(%q).String() = %q; want %q", tc.in, s, out)
		}
		again, err := ParseFlowMod(out)
		if err != nil || !cmp.Equal(again, got) {
			t.Errorf("ParseFlowMod(%q) = %v, %v; want %v", out, again, err, got)
		}
	}
}

func TestParseFlowModErrors(t *testing.T) {
	for _, s := range []string{
		"in_port=1", "table=x,actions=drop", "priority=70000,actions=drop", "cookie=x,actions=drop",
		"cookie=1/x,actions=drop", "out_port=eth0,actions=drop", "bogus=1,actions=drop", "actions=bogus",
		"tcp,udp,actions=drop", "nosuchword,actions=drop",
	} {
		if fm, err := ParseFlowMod(s); err == nil {
			t.Errorf("ParseFlowMod(%q) = %v; want an error", s, fm)
		}
	}
}

func TestEnumStrings(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Add.String(), "ADD"}, {DeleteStrict.String(), "DEL_STRICT"}, {FlowModCommand(9).String(), "cmd(9)"},
		{(SendFlowRem | 0x100).String(), "send_flow_rem,flags(0x100)"},
		{ReasonNoMatch.String(), "no_match"}, {ReasonAction.String(), "action"}, {ReasonInvalidTTL.String(), "invalid_ttl"},
		{PacketInReason(7).String(), "reason(7)"},
		{RemovedIdleTimeout.String(), "idle"}, {RemovedHardTimeout.String(), "hard"}, {RemovedDelete.String(), "delete"},
		{RemovedGroupDelete.String(), "group_delete"}, {FlowRemovedReason(9).String(), "reason(9)"},
		{PortAdd.String(), "ADD"}, {PortDelete.String(), "DELETE"}, {PortModify.String(), "MODIFY"}, {PortReason(5).String(), "reason(5)"},
		{(PortDown | PortNoFlood).String(), "PORT_DOWN NO_FLOOD"}, {PortConfig(0).String(), "0"},
		{(LinkDown | Live | STPForward).String(), "LINK_DOWN LIVE"}, {(Feature1GBFD | FeatureCopper | 1<<20).String(), "1GB-FD COPPER 0x100000"},
	} {
		if tc.got != tc.want {
			t.Errorf("String() = %q; want %q", tc.got, tc.want)
		}
	}
}

func TestFeatures10(t *testing.T) {
	// OF1.0: 1GB_FD is bit 5, COPPER bit 7, AUTONEG bit 9, PAUSE_ASYM bit 11.
	f10 := uint32(1<<5 | 1<<7 | 1<<9 | 1<<11)
	want := Feature1GBFD | FeatureCopper | FeatureAutoneg | FeaturePauseAsym
	if got := FeaturesFrom10(f10); got != want {
		t.Errorf("FeaturesFrom10(%#x) = %v; want %v", f10, got, want)
	}
	if got := FeaturesTo10(want | Feature100GBFD); got != f10 {
		t.Errorf("FeaturesTo10(%v) = %#x; want %#x", want, got, f10)
	}
}

func TestPacketStrings(t *testing.T) {
	pi := &PacketIn{BufferID: 7, TotalLen: 60, Reason: ReasonAction, Match: MustParse("in_port=3"), Data: make([]byte, 60)}
	if got, want := pi.String(), "total_len=60 in_port=3 (via action) data_len=60 buffer=0x00000007"; got != want {
		t.Errorf("PacketIn.String() = %q; want %q", got, want)
	}
	if pi.InPort() != 3 {
		t.Errorf("InPort() = %v", pi.InPort())
	}
	po := &PacketOut{BufferID: NoBuffer, InPort: PortController, Actions: []Action{Output{Port: PortFlood}}, Data: make([]byte, 14)}
	if got, want := po.String(), "in_port=CONTROLLER actions=FLOOD data_len=14"; got != want {
		t.Errorf("PacketOut.String() = %q; want %q", got, want)
	}
	po.BufferID = 1
	if got, want := po.String(), "in_port=CONTROLLER actions=FLOOD buffer=0x00000001"; got != want {
		t.Errorf("PacketOut.String() = %q; want %q", got, want)
	}
	if r := NewFlowStatsRequest(); r.TableID != TableAll || r.OutPort != PortAny || r.OutGroup != GroupAny {
		t.Errorf("NewFlowStatsRequest() = %+v", r)
	}
}
