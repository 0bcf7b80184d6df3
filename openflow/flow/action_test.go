package flow

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseActions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Action
		out  string // String of the result; "" = in
	}{
		{"drop", nil, ""},
		{"output:2", []Action{Output{Port: 2}}, ""},
		{"2,3", []Action{Output{Port: 2}, Output{Port: 3}}, "output:2,output:3"},
		{"output:LOCAL,NORMAL,flood,all,in_port,table", []Action{Output{Port: PortLocal}, Output{Port: PortNormal},
			Output{Port: PortFlood}, Output{Port: PortAll}, Output{Port: PortInPort}, Output{Port: PortTable}},
			"LOCAL,NORMAL,FLOOD,ALL,IN_PORT,TABLE"},
		{"controller", []Action{Output{PortController, 0xffff}}, "CONTROLLER:65535"},
		{"CONTROLLER:128", []Action{Output{PortController, 128}}, ""},
		{"output:controller", []Action{Output{PortController, 0xffff}}, "CONTROLLER:65535"},
		{"output:ANY", []Action{Output{Port: PortAny}}, ""},
		{"enqueue:1:2", []Action{SetQueue{2}, Output{Port: 1}}, "set_queue:2,output:1"},
		{"enqueue(3,4)", []Action{SetQueue{4}, Output{Port: 3}}, "set_queue:4,output:3"},
		{"set_field:10.0.0.1->ip_dst", []Action{SetField{IPv4Dst, []byte{10, 0, 0, 1}}}, ""},
		{"set_field:00:00:00:00:00:01->eth_dst", []Action{SetField{EthDst, []byte{0, 0, 0, 0, 0, 1}}}, ""},
		{"set_field:4106->vlan_vid", []Action{SetFieldUint(VLANVID, 0x100a)}, ""},
		{"set_field:0x5->tun_id", []Action{SetFieldUint(TunnelID, 5)}, ""},
		{"set_field:fe80::1->ipv6_src", []Action{SetField{IPv6Src, []byte{0xfe, 0x80, 14: 0, 15: 1}}}, ""},
		{"mod_vlan_vid:10", []Action{SetFieldUint(VLANVID, 0x100a)}, "set_field:4106->vlan_vid"},
		{"mod_vlan_pcp:3", []Action{SetFieldUint(VLANPCP, 3)}, "set_field:3->vlan_pcp"},
		{"strip_vlan", []Action{PopVLAN{}}, "pop_vlan"},
		{"mod_dl_src:00:00:00:00:00:01,mod_dl_dst:00:00:00:00:00:02", []Action{SetField{EthSrc, []byte{0, 0, 0, 0, 0, 1}},
			SetField{EthDst, []byte{0, 0, 0, 0, 0, 2}}}, "set_field:00:00:00:00:00:01->eth_src,set_field:00:00:00:00:00:02->eth_dst"},
		{"mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8", []Action{SetField{IPv4Src, []byte{1, 2, 3, 4}}, SetField{IPv4Dst, []byte{5, 6, 7, 8}}},
			"set_field:1.2.3.4->ip_src,set_field:5.6.7.8->ip_dst"},
		{"mod_nw_tos:16,mod_nw_ecn:1", []Action{SetFieldUint(IPDSCP, 4), SetFieldUint(IPECN, 1)}, "set_field:4->ip_dscp,set_field:1->ip_ecn"},
		{"mod_tp_src:80,mod_tp_dst:81", []Action{SetFieldUint(TCPSrc, 80), SetFieldUint(TCPDst, 81)}, "set_field:80->tcp_src,set_field:81->tcp_dst"},
		{"push_vlan:0x8100,pop_vlan,push_mpls:0x8847,pop_mpls:0x0800", []Action{PushVLAN{0x8100}, PopVLAN{}, PushMPLS{0x8847}, PopMPLS{0x800}}, ""},
		{"set_mpls_ttl(5),dec_mpls_ttl,mod_nw_ttl:3,dec_ttl", []Action{SetMPLSTTL{5}, DecMPLSTTL{}, SetNWTTL{3}, DecNWTTL{}}, ""},
		{"set_mpls_ttl:5,set_nw_ttl:3", []Action{SetMPLSTTL{5}, SetNWTTL{3}}, "set_mpls_ttl(5),mod_nw_ttl:3"},
		{"set_queue:3,group:4", []Action{SetQueue{3}, Group{4}}, ""},
		{"copy_ttl_out,copy_ttl_in", []Action{CopyTTLOut{}, CopyTTLIn{}}, ""},
		{"push_pbb:0x88e7,pop_pbb", []Action{PushPBB{0x88e7}, PopPBB{}}, ""},
		{"experimenter:0x2320:0a0b0c0d0e0f", []Action{Experimenter{0x2320, []byte{10, 11, 12, 13, 14, 15}}}, ""},
	} {
		got, err := ParseActions(tc.in)
		if err != nil {
			t.Errorf("ParseActions(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseActions(%q): (-want +got)\n%s", tc.in, diff)
		}
		out := tc.out
		if out == "" {
			out = tc.in
		}
		if s := ActionsString(got); s != out {
			t.Errorf("ActionsString(ParseActions(%q)) = %q; want %q", tc.in, s, out)
		}
		again, err := ParseActions(out)
		if err != nil || !cmp.Equal(again, got) {
			t.Errorf("ParseActions(%q) = %v, %v; want %v", out, again, err, got)
		}
	}
}

func TestParseActionsErrors(t *testing.T) {
	for _, s := range []string{
		"bogus", "output:eth0", "controller:x", "enqueue:1", "set_field:1", "set_field:1->nope",
		"set_field:1/1->metadata", "set_field:x->ip_dst", "mod_vlan_vid:5000", "mod_nw_tos:3", "mod_dl_src:1",
		"mod_nw_src:x", "mod_tp_src:x", "push_vlan:x", "set_mpls_ttl:300", "mod_nw_ttl:x", "set_queue:x",
		"group:x", "experimenter:x", "mod_vlan_pcp:9", "mod_nw_ecn:4",
		"goto_table:1", // an instruction, not an action
	} {
		if as, err := ParseActions(s); err == nil {
			t.Errorf("ParseActions(%q) = %v; want an error", s, as)
		}
	}
}

func TestSetFieldCheck(t *testing.T) {
	for _, tc := range []struct {
		a    SetField
		want error
		s    string
	}{
		{SetFieldUint(VLANPCP, 3), nil, "set_field:3->vlan_pcp"},
		{SetFieldUint(VLANPCP, 9), ErrBadValue, "set_field:9->vlan_pcp"},
		{SetField{TCPSrc, []byte{1}}, ErrBadLen, "set_field:0x01->tcp_src"},
		{SetField{Field(77), []byte{1}}, ErrBadField, "set_field:0x01->field(77)"},
	} {
		if err := tc.a.Check(); !errors.Is(err, tc.want) {
			t.Errorf("%v.Check() = %v; want %v", tc.a, err, tc.want)
		}
		if s := tc.a.String(); s != tc.s {
			t.Errorf("String() = %q; want %q", s, tc.s)
		}
	}
}

func TestParseInstructions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Instruction
		out  string
	}{
		{"drop", nil, ""},
		{"output:1,goto_table:2", []Instruction{ApplyActions{[]Action{Output{Port: 1}}}, GotoTable{2}}, ""},
		{"meter:1,output:1,clear_actions,write_actions(output:2,set_queue:1),write_metadata:0x1/0xff,goto_table:3",
			[]Instruction{Meter{1}, ApplyActions{[]Action{Output{Port: 1}}}, ClearActions{},
				WriteActions{[]Action{Output{Port: 2}, SetQueue{1}}}, WriteMetadata{1, 0xff}, GotoTable{3}}, ""},
		{"write_metadata:0x5", []Instruction{WriteMetadata{5, ^uint64(0)}}, ""},
		{"apply_actions(output:1),write_actions()", []Instruction{ApplyActions{[]Action{Output{Port: 1}}}, WriteActions{}}, "output:1,write_actions()"},
		{"output:1,goto_table:1,output:2", []Instruction{ApplyActions{[]Action{Output{Port: 1}, Output{Port: 2}}}, GotoTable{1}}, "output:1,output:2,goto_table:1"},
		{"experimenter_instruction:0x1:ab", []Instruction{ExperimenterInstruction{1, []byte{0xab}}}, ""},
		{"apply_actions()", []Instruction{ApplyActions{}}, "drop"},
	} {
		got, err := ParseInstructions(tc.in)
		if err != nil {
			t.Errorf("ParseInstructions(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("ParseInstructions(%q): (-want +got)\n%s", tc.in, diff)
		}
		out := tc.out
		if out == "" {
			out = tc.in
		}
		if s := InstructionsString(got); s != out {
			t.Errorf("InstructionsString(ParseInstructions(%q)) = %q; want %q", tc.in, s, out)
		}
	}
	for _, s := range []string{"goto_table:x", "meter:x", "write_metadata:x", "write_metadata:1/x",
		"write_actions(bogus)", "experimenter_instruction:x", "bogus"} {
		if is, err := ParseInstructions(s); err == nil {
			t.Errorf("ParseInstructions(%q) = %v; want an error", s, is)
		}
	}
}

func TestActions(t *testing.T) {
	is := []Instruction{GotoTable{1}, ApplyActions{[]Action{Output{Port: 1}}}}
	if got := Actions(is); !cmp.Equal(got, []Action{Output{Port: 1}}) {
		t.Errorf("Actions(%v) = %v", is, got)
	}
	if got := Actions(nil); got != nil {
		t.Errorf("Actions(nil) = %v", got)
	}
}
