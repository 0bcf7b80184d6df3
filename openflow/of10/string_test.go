package of10

import (
	"fmt"
	"net/netip"
	"testing"
)

func TestStrings(t *testing.T) {
	tests := []struct {
		v    fmt.Stringer
		want string
	}{
		{PortNo(1), "1"},
		{PortMax, "65280"},
		{PortInPort, "IN_PORT"},
		{PortController, "CONTROLLER"},
		{PortLocal, "LOCAL"},
		{PortNone, "ANY"},
		{TypeFlowMod, "OFPT_FLOW_MOD"},
		{TypeQueueGetConfigReply, "OFPT_QUEUE_GET_CONFIG_REPLY"},
		{ActionTypeSetNWTOS, "mod_nw_tos"},
		{ActionTypeVendor, "vendor"},
		{ActionType(99), "action_99"},
		{ActionOutput{Port: 2}, "output:2"},
		{ActionOutput{Port: PortController, MaxLen: 128}, "CONTROLLER:128"},
		{ActionOutput{Port: PortNormal}, "NORMAL"},
		{ActionSetVLANVID{VLANVID: 5}, "mod_vlan_vid:5"},
		{ActionSetVLANPCP{VLANPCP: 3}, "mod_vlan_pcp:3"},
		{ActionStripVLAN{}, "strip_vlan"},
		{ActionSetDLSrc{Addr: mac1}, "mod_dl_src:00:11:22:33:44:55"},
		{ActionSetDLDst{Addr: mac2}, "mod_dl_dst:66:77:88:99:aa:bb"},
		{ActionSetNWSrc{Addr: ipA}, "mod_nw_src:10.0.0.1"},
		{ActionSetNWDst{}, "mod_nw_dst:0.0.0.0"},
		{ActionSetNWTOS{TOS: 32}, "mod_nw_tos:32"},
		{ActionSetTPSrc{Port: 80}, "mod_tp_src:80"},
		{ActionSetTPDst{Port: 443}, "mod_tp_dst:443"},
		{ActionEnqueue{Port: 3, QueueID: 7}, "enqueue:3:7"},
		{ActionVendor{Vendor: 0x2320, Data: []byte{0, 1}}, "vendor(0x2320,0001)"},
		{ActionUnknown{Type: 20, Data: []byte{0xab}}, "action_20(ab)"},
		{PortConfig(0), "0"},
		{PortConfigPortDown | PortConfigNoPacketIn, "PORT_DOWN NO_PACKET_IN"},
		{PortConfig(1 << 9), "0x200"},
		{PortConfigNoFwd | PortConfig(1<<9), "NO_FWD 0x200"},
		{PortStateLinkDown | PortStateSTPBlock, "LINK_DOWN STP_BLOCK"},
		{PortStateSTPLearn | PortState(1<<4), "STP_LEARN 0x10"},
		{PortFeature1GBFD | PortFeatureFiber | PortFeaturePauseAsym, "1GB-FD FIBER AUTO_PAUSE_ASYM"},
		{CapFlowStats | CapSTP, "FLOW_STATS STP"},
		{ActionBits(1<<0 | 1<<11), "output enqueue"},
		{FragReasm, "frags=reassemble"},
		{FragNXMatch | 8, "frags=nx-match flags=0x8"},
		{ReasonNoMatch, "no_match"},
		{ReasonAction, "action"},
		{PacketInReason(7), "reason_7"},
		{FlowDeleteStrict, "DEL_STRICT"},
		{FlowModCommand(9), "cmd:9"},
		{FlowSendFlowRem | FlowEmerg, "send_flow_rem emerg"},
		{RemovedIdleTimeout, "idle"},
		{RemovedHardTimeout, "hard"},
		{RemovedDelete, "delete"},
		{FlowRemovedReason(5), "reason_5"},
		{PortAdded, "ADD"},
		{PortDeleted, "DELETE"},
		{PortModified, "MOD"},
		{PortReason(3), "reason_3"},
		{StatsFlow, "OFPST_FLOW"},
		{StatsVendor, "OFPST_VENDOR"},
		{StatsPortDesc, "OFPST_PORT_DESC"},
		{StatsType(9), "OFPST_9"},
		{StatsFlags(0), "0"},
		{StatsReplyMore, "more"},
		{StatsFlags(6), "0x6"},
		{QueuePropTypeNone, "none"},
		{QueuePropTypeMinRate, "min_rate"},
		{QueuePropType(2), "prop_2"},
		{WildcardAll, "all"},
		{WildcardAll&^WildcardNWSrcMask&^WildcardNWDstMask | WildcardNWSrcAll | WildcardNWDstAll, "all"},
		{Wildcards(0), "exact"},
		{WildcardInPort | WildcardTPDst, "in_port|tp_dst"},
		{WildcardDLVLANPCP.WithNWSrcPrefix(24).WithNWDstPrefix(0), "dl_vlan_pcp|nw_src/24|nw_dst"},
		{Wildcards(0).WithNWSrcPrefix(40) | 1<<30, "0x40000000"},
	}
	for _, tt := range tests {
		if got := tt.v.String(); got != tt.want {
			t.Errorf("%T(%#v).String() = %q; want %q", tt.v, tt.v, got, tt.want)
		}
	}
}

func TestWildcardBits(t *testing.T) {
	w := Wildcards(0).WithNWSrcPrefix(8).WithNWDstPrefix(-3)
	if got := w.NWSrcBits(); got != 24 {
		t.Errorf("NWSrcBits() = %d; want 24", got)
	}
	if got := w.NWDstBits(); got != 32 {
		t.Errorf("NWDstBits() = %d; want 32", got)
	}
	if got := WildcardNWSrcMask.NWSrcBits(); got != 32 {
		t.Errorf("NWSrcBits(all ones) = %d; want 32", got)
	}
}

func TestMatchString(t *testing.T) {
	exact := func(except Wildcards) Wildcards { return except } // wildcard only these
	tests := []struct {
		m    Match
		want string
	}{
		{matchAll, ""},
		{matchTCP, "tcp,in_port=1,dl_vlan=10,dl_src=00:11:22:33:44:55,dl_dst=66:77:88:99:aa:bb,nw_src=10.0.0.1,nw_dst=192.168.1.0/24,nw_tos=16,tp_src=1234,tp_dst=80"},
		{matchARP, "arp,in_port=LOCAL,arp_spa=10.0.0.1,arp_op=1"},
		{Match{Wildcards: WildcardAll &^ (WildcardDLType | WildcardNWProto | WildcardTPSrc | WildcardTPDst), DLType: 0x800, NWProto: 1, TPSrc: 8}, "icmp,icmp_type=8,icmp_code=0"},
		{Match{Wildcards: WildcardAll &^ (WildcardDLType | WildcardNWProto), DLType: 0x800, NWProto: 17}, "udp"},
		{Match{Wildcards: WildcardAll &^ (WildcardDLType | WildcardNWProto), DLType: 0x800, NWProto: 132}, "sctp"},
		{Match{Wildcards: WildcardAll &^ (WildcardDLType | WildcardNWProto), DLType: 0x800, NWProto: 47}, "ip,nw_proto=47"},
		{Match{Wildcards: WildcardAll &^ WildcardDLType, DLType: 0x800}, "ip"},
		{Match{Wildcards: exact(WildcardAll &^ (WildcardDLType | WildcardDLVLAN | WildcardDLVLANPCP)), DLType: 0x86dd, DLVLAN: VLANNone, DLVLANPCP: 3}, "dl_type=0x86dd,dl_vlan=0xffff,dl_vlan_pcp=3"},
		{Match{Wildcards: WildcardAll &^ WildcardNWSrcMask, NWSrc: netip.MustParseAddr("::ffff:10.1.2.3")}, "nw_src=::ffff:10.1.2.3"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("Match.String() = %q; want %q", got, tt.want)
		}
	}
}

func TestFormatActions(t *testing.T) {
	if got := FormatActions(nil); got != "drop" {
		t.Errorf("FormatActions(nil) = %q; want drop", got)
	}
	if got, want := FormatActions(allActions[:4]), "output:2,CONTROLLER:128,FLOOD,mod_vlan_vid:42"; got != want {
		t.Errorf("FormatActions = %q; want %q", got, want)
	}
}
