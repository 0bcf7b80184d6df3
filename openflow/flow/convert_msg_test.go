package flow

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

var bothVersions = []openflow.Version{openflow.Version10, openflow.Version13}

func portDesc(v openflow.Version) PortDesc {
	d := PortDesc{PortNo: 3, HWAddr: openflow.EthAddr{0, 1, 2, 3, 4, 5}, Name: "eth3", Config: PortNoPacketIn | PortDown,
		State: LinkDown, Curr: Feature1GBFD | FeatureCopper, Advertised: Feature10GBFD | FeatureFiber,
		Supported: Feature100MBFD | FeatureAutoneg, Peer: FeaturePause}
	if v == openflow.Version13 {
		d.State |= Live
		d.Curr |= Feature100GBFD
		d.CurrSpeed, d.MaxSpeed = 1000000, 10000000
	} else {
		d.State |= STPForward
		d.Config |= PortNoFlood
	}
	return d
}

// messages returns model messages that both versions express exactly,
// with the message name ovs-ofctl prints for each.
func messages(v openflow.Version) []struct {
	x    Message
	name string
} {
	pi := &PacketIn{BufferID: NoBuffer, TotalLen: 14, Reason: ReasonAction, Data: []byte("\x01\x02\x03\x04\x05\x06\x00\x00\x00\x00\x00\x01\x08\x00")}
	pi.Match.SetInPort(2)
	fr := &FlowRemoved{Cookie: 9, Priority: 100, Reason: RemovedDelete, DurationSec: 1, DurationNsec: 2, IdleTimeout: 5,
		PacketCount: 10, ByteCount: 1000, Match: MustParse("tcp,in_port=1,tp_dst=80")}
	fs := FlowStats{TableID: 1, DurationSec: 3, DurationNsec: 4, Priority: 7, IdleTimeout: 1, HardTimeout: 2, Cookie: 5,
		PacketCount: 6, ByteCount: 7, Match: MustParse("ip,nw_dst=10.0.0.0/8"),
		Instructions: []Instruction{ApplyActions{[]Action{Output{Port: 1}}}}}
	ps := PortStats{PortNo: 1, RxPackets: 1, TxPackets: 2, RxBytes: 3, TxBytes: 4, RxDropped: 5, TxDropped: 6, RxErrors: 7,
		TxErrors: 8, RxFrameErr: 9, RxOverErr: 10, RxCRCErr: 11, Collisions: 12}
	ts := TableStats{TableID: 0, ActiveCount: 3, LookupCount: 100, MatchedCount: 90}
	if v == openflow.Version13 {
		fr.TableID, fr.HardTimeout, fr.Reason = 2, 30, RemovedGroupDelete
		pi.TableID, pi.Cookie, pi.Reason = 1, 0x55, ReasonInvalidTTL
		pi.Match.SetTunnelID(0x77, ^uint64(0))
		fs.Flags = SendFlowRem
		ps.DurationSec, ps.DurationNsec = 13, 14
	} else {
		ts.Name, ts.Wildcards, ts.MaxEntries = "classifier", uint32(of10.WildcardAll), 1000
	}
	fsr := NewFlowStatsRequest()
	fsr.Match = MustParse("in_port=1")
	return []struct {
		x    Message
		name string
	}{
		{pi, "PACKET_IN"},
		{&PacketOut{BufferID: NoBuffer, InPort: PortController, Actions: []Action{Output{Port: PortFlood}},
			Data: []byte("\xff\xff\xff\xff\xff\xff\x00\x00\x00\x00\x00\x01\x08\x06")}, "PACKET_OUT"},
		{&PacketOut{BufferID: 5, InPort: 1, Actions: []Action{SetFieldUint(VLANPCP, 2), Output{Port: 2}}}, "PACKET_OUT"},
		{fr, "FLOW_REMOVED"},
		{&PortStatus{Reason: PortModify, Desc: portDesc(v)}, "PORT_STATUS"},
		{&DescRequest{}, "DESC request"},
		{&DescReply{MfrDesc: "ofbox", HWDesc: "hw", SWDesc: "sw", SerialNum: "1", DPDesc: "dp"}, "DESC reply"},
		{fsr, "FLOW request"},
		{&FlowStatsReply{Flows: []FlowStats{fs}}, "FLOW reply"},
		{&AggregateRequest{TableID: TableAll, OutPort: 4, OutGroup: GroupAny, Match: MustParse("udp")}, "AGGREGATE request"},
		{&AggregateReply{PacketCount: 1, ByteCount: 2, FlowCount: 3}, "AGGREGATE reply"},
		{&TableStatsRequest{}, "TABLE request"},
		{&TableStatsReply{Tables: []TableStats{ts}}, "TABLE reply"},
		{&PortStatsRequest{PortNo: PortAny}, "PORT request"},
		{&PortStatsReply{Ports: []PortStats{ps}}, "PORT reply"},
		{&BarrierRequest{}, "BARRIER_REQUEST"},
		{&BarrierReply{}, "BARRIER_REPLY"},
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, v := range bothVersions {
		for _, tc := range messages(v) {
			got, b := roundTrip(t, v, tc.x)
			if diff := cmp.Diff(tc.x, got); diff != "" {
				t.Errorf("OF%s round trip of %T: (-want +got)\n%s", v, tc.x, diff)
			}
			if line, ok := ofpPrint(t, b); ok && !strings.Contains(line, tc.name) {
				t.Errorf("ovs-ofctl prints %T as %q; want %s", tc.x, line, tc.name)
			}
		}
	}
	for _, v := range bothVersions {
		for _, x := range []Message{&PortDescRequest{}, &PortDescReply{Ports: []PortDesc{portDesc(v)}}} {
			got, b := roundTrip(t, v, x)
			if diff := cmp.Diff(x, got); diff != "" {
				t.Errorf("OF%s round trip of %T: (-want +got)\n%s", v, x, diff)
			}
			if line, ok := ofpPrint(t, b); ok && !strings.Contains(line, "PORT_DESC") {
				t.Errorf("ovs-ofctl prints %T as %q", x, line)
			}
		}
	}
	if _, err := (&PortDescReply{Ports: []PortDesc{{PortNo: 70000}}}).Encode(openflow.Version10); err == nil {
		t.Errorf("PortDescReply with port 70000 encodes in OpenFlow 1.0")
	}
}

func TestPortsFrom10(t *testing.T) {
	d := portDesc(openflow.Version10)
	p, err := port10Desc(&d)
	if err != nil {
		t.Fatal(err)
	}
	if got := PortsFrom10([]of10.Port{p}); !cmp.Equal(got, []PortDesc{d}) {
		t.Errorf("PortsFrom10 = %+v; want %+v", got, d)
	}
}

// TestEncodeUnsupported checks the clear errors for what a version cannot
// express.
func TestEncodeUnsupported(t *testing.T) {
	fm := func(s string) *FlowMod {
		f, err := ParseFlowMod(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	v6 := MustParse("ipv6,ipv6_src=::1")
	pi := &PacketIn{Reason: ReasonInvalidTTL}
	pi70000 := &PacketIn{}
	pi70000.Match.SetInPort(70000)
	for _, tc := range []struct {
		v    openflow.Version
		x    Message
		want string
	}{
		{openflow.Version10, fm("table=1,actions=drop"), "table 1"},
		{openflow.Version10, fm("actions=goto_table:1"), "goto_table:1"},
		{openflow.Version10, fm("actions=output:1,write_actions(output:2)"), "write_actions"},
		{openflow.Version10, &FlowMod{OutPort: PortAny, OutGroup: GroupAny, Instructions: []Instruction{ApplyActions{}, ApplyActions{}}}, "more than one"},
		{openflow.Version10, fm("delete cookie=0x1/0x1"), "cookie mask"},
		{openflow.Version10, fm("delete out_group=1"), "out_group"},
		{openflow.Version10, fm("reset_counts,actions=drop"), "reset_counts"},
		{openflow.Version10, fm("out_port=70000,actions=drop"), "port 70000"},
		{openflow.Version10, fm("in_port=70000,actions=drop"), "port 70000"},
		{openflow.Version10, fm("ipv6,ipv6_dst=::1,actions=drop"), "ipv6_dst"},
		{openflow.Version10, fm("ip,nw_ecn=1,actions=drop"), "ip_ecn"},
		{openflow.Version10, fm("dl_src=00:00:00:00:00:00/01:00:00:00:00:00,actions=drop"), "masked eth_src"},
		{openflow.Version10, fm("ip,nw_src=10.0.0.0/255.0.255.0,actions=drop"), "not a prefix"},
		{openflow.Version10, fm("arp,arp_op=256,actions=drop"), "arp_op 256"},
		{openflow.Version10, fm("vlan_vid=0x1000/0x1000,actions=drop"), "vlan_vid"},
		{openflow.Version10, fm("actions=set_queue:1"), "set_queue:1 without an output"},
		{openflow.Version10, fm("actions=set_queue:1,set_queue:2,output:1"), "set_queue:1 without an output"},
		{openflow.Version10, fm("actions=output:70000"), "port 70000"},
		{openflow.Version10, fm("actions=dec_ttl"), "dec_ttl"},
		{openflow.Version10, fm("actions=set_field:0->vlan_vid"), "vlan_vid"},
		{openflow.Version10, fm("actions=set_field:1->mpls_tc"), "mpls_tc"},
		{openflow.Version10, &FlowMod{OutPort: PortAny, OutGroup: GroupAny, Instructions: []Instruction{ApplyActions{[]Action{SetField{TCPSrc, []byte{1}}}}}}, "length"},
		{openflow.Version13, &FlowMod{Instructions: []Instruction{ApplyActions{[]Action{SetField{TCPSrc, []byte{1}}}}}}, "length"},
		{openflow.Version13, &FlowMod{Instructions: []Instruction{WriteActions{[]Action{SetField{TCPSrc, []byte{1}}}}}}, "length"},
		{openflow.Version13, fm("emerg,actions=drop"), "emerg"},
		{openflow.Version10, pi, "invalid_ttl"},
		{openflow.Version10, pi70000, "port 70000"},
		{openflow.Version10, &PacketOut{InPort: 70000}, "port 70000"},
		{openflow.Version10, &PacketOut{Actions: []Action{Group{1}}}, "group:1"},
		{openflow.Version13, &PacketOut{Actions: []Action{SetField{TCPSrc, nil}}}, "length"},
		{openflow.Version10, &FlowRemoved{Reason: RemovedGroupDelete}, "group_delete"},
		{openflow.Version10, &FlowRemoved{Match: v6}, "ipv6_src"},
		{openflow.Version10, &PortStatus{Desc: PortDesc{PortNo: 70000}}, "port 70000"},
		{openflow.Version10, &FlowStatsRequest{TableID: 1, OutGroup: GroupAny}, "table 1"},
		{openflow.Version10, &FlowStatsRequest{OutPort: 70000, OutGroup: GroupAny}, "port 70000"},
		{openflow.Version10, &FlowStatsRequest{OutGroup: GroupAny, Match: v6}, "ipv6_src"},
		{openflow.Version10, &AggregateRequest{OutGroup: 3}, "out_group"},
		{openflow.Version10, &FlowStatsReply{Flows: []FlowStats{{Flags: SendFlowRem}}}, "send_flow_rem"},
		{openflow.Version10, &FlowStatsReply{Flows: []FlowStats{{Match: v6}}}, "ipv6_src"},
		{openflow.Version10, &FlowStatsReply{Flows: []FlowStats{{Instructions: []Instruction{Meter{1}}}}}, "meter"},
		{openflow.Version13, &FlowStatsReply{Flows: []FlowStats{{Flags: Emerg}}}, "emerg"},
		{openflow.Version13, &FlowStatsReply{Flows: []FlowStats{{Instructions: []Instruction{ApplyActions{[]Action{SetField{}}}}}}}, "length"},
		{openflow.Version10, &PortStatsRequest{PortNo: 70000}, "port 70000"},
		{openflow.Version10, &PortStatsReply{Ports: []PortStats{{PortNo: 70000}}}, "port 70000"},
		{openflow.Version(2), &BarrierRequest{}, "unsupported version"},
	} {
		_, err := tc.x.Encode(tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T.Encode(%s) = %v; want an error about %q", tc.x, tc.v, err, tc.want)
		}
	}
}

// TestOF10Match checks the wildcard conversion both ways, including
// ofp_matches whose fields OpenFlow 1.0 ignores without their
// prerequisites.
func TestOF10Match(t *testing.T) {
	ip := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	for _, tc := range []struct {
		name string
		w    of10.Match
		want string
	}{
		{"all", of10.Match{Wildcards: of10.WildcardAll}, ""},
		{"nw fields without dl_type", of10.Match{Wildcards: of10.WildcardAll &^ of10.WildcardNWProto, NWProto: 6}, ""},
		{"tp fields without nw_proto", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardTPSrc), DLType: 0x800, TPSrc: 5}, "ip"},
		{"ipv6 nw fields", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardNWProto), DLType: 0x86dd, NWProto: 6}, "ipv6"},
		{"arp", of10.Match{Wildcards: (of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardNWProto)).WithNWSrcPrefix(32).WithNWDstPrefix(8),
			DLType: 0x806, NWProto: 2, NWSrc: ip("1.2.3.4"), NWDst: ip("10.1.2.3")}, "arp,arp_spa=1.2.3.4,arp_tpa=10.0.0.0/8,arp_op=2"},
		{"icmp", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardNWProto | of10.WildcardTPSrc | of10.WildcardTPDst),
			DLType: 0x800, NWProto: 1, TPSrc: 3, TPDst: 1}, "icmp,icmp_type=3,icmp_code=1"},
		{"udp", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardNWProto | of10.WildcardTPDst | of10.WildcardNWTOS),
			DLType: 0x800, NWProto: 17, TPDst: 53, NWTOS: 0x2e << 2}, "udp,nw_tos=184,tp_dst=53"},
		{"ospf ignores tp", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLType | of10.WildcardNWProto | of10.WildcardTPDst),
			DLType: 0x800, NWProto: 89, TPDst: 53}, "ip,nw_proto=89"},
		{"pcp with dl_vlan none", of10.Match{Wildcards: of10.WildcardAll &^ (of10.WildcardDLVLAN | of10.WildcardDLVLANPCP), DLVLAN: of10.VLANNone, DLVLANPCP: 3}, "dl_vlan=0xffff"},
	} {
		m := matchFrom10(&tc.w)
		if got := m.String(); got != tc.want {
			t.Errorf("%s: matchFrom10 = %q; want %q", tc.name, got, tc.want)
		}
		if err := m.Validate(); err != nil {
			t.Errorf("%s: matchFrom10 = %q, invalid: %v", tc.name, m, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	dup := &of13.FlowMod{Match: of13.Match{Fields: []of13.OXM{of13.OXMInPort(1), of13.OXMInPort(2)}}}
	nonBasic := &of13.FlowMod{Match: of13.Match{Fields: []of13.OXM{{Class: of13.ClassNXM1, Field: 1, Value: []byte{0, 0, 0, 1}}}}}
	wild := &of13.FlowMod{Match: of13.Match{Fields: []of13.OXM{of13.OXMMetadataMasked(3, 1)}}}
	wild.Match.Fields[0].Value[7] = 3
	badLen := &of13.FlowMod{Match: of13.Match{Fields: []of13.OXM{{Class: of13.ClassOpenFlowBasic, Field: of13.FieldTCPSrc, Value: []byte{1}}}}}
	sfMask := of13.ActionSetField{Field: of13.OXMIPv4SrcMasked(netip.MustParseAddr("1.0.0.0"), netip.MustParseAddr("255.0.0.0"))}
	sfNX := of13.ActionSetField{Field: of13.OXM{Class: of13.ClassNXM1, Field: 1, Value: []byte{1}}}
	apply := func(as ...of13.Action) []of13.Instruction {
		return []of13.Instruction{of13.InstructionApplyActions{Actions: as}}
	}
	for _, tc := range []struct {
		m    openflow.Message
		want error
	}{
		{dup, ErrDupField},
		{nonBasic, ErrBadField},
		{wild, ErrBadWildcards},
		{badLen, ErrBadLen},
		{&of13.FlowMod{Instructions: apply(sfMask)}, ErrBadMask},
		{&of13.FlowMod{Instructions: apply(sfNX)}, ErrBadField},
		{&of13.FlowMod{Instructions: []of13.Instruction{of13.InstructionWriteActions{Actions: []of13.Action{sfNX}}}}, ErrBadField},
		{&of13.PacketIn{Match: dup.Match}, ErrDupField},
		{&of13.PacketOut{Actions: []of13.Action{sfNX}}, ErrBadField},
		{&of13.FlowRemoved{Match: dup.Match}, ErrDupField},
		{&of13.FlowStatsRequest{Match: dup.Match}, ErrDupField},
		{&of13.AggregateStatsRequest{Match: dup.Match}, ErrDupField},
		{&of13.FlowStatsReply{Stats: []of13.FlowStats{{Match: dup.Match}}}, ErrDupField},
		{&of13.FlowStatsReply{Stats: []of13.FlowStats{{Instructions: apply(sfNX)}}}, ErrBadField},
		{&of13.EchoRequest{}, ErrUnsupported},
		{&of10.EchoRequest{}, ErrUnsupported},
		{&of10.PacketOut{Actions: []of10.Action{of10.ActionUnknown{Type: 99}}}, ErrUnsupported},
		{&of10.FlowMod{Actions: []of10.Action{of10.ActionUnknown{Type: 99}}}, ErrUnsupported},
		{&of10.FlowStatsReply{Stats: []of10.FlowStats{{Actions: []of10.Action{of10.ActionUnknown{Type: 99}}}}}, ErrUnsupported},
		{nil, ErrUnsupported},
	} {
		if x, err := Decode(tc.m); !errors.Is(err, tc.want) {
			t.Errorf("Decode(%T) = %v, %v; want %v", tc.m, x, err, tc.want)
		}
	}
	pi, err := DecodeAs[*PacketIn](&of13.PacketIn{Match: of13.Match{Fields: append([]of13.OXM{of13.OXMInPort(3)}, nonBasic.Match.Fields...)}})
	if err != nil || pi.InPort() != 3 || pi.Match.Len() != 1 {
		t.Errorf("DecodeAs[*PacketIn] with an NXM field = %v, %v; want in_port=3 alone", pi, err)
	}
	if _, err := DecodeAs[*FlowMod](&of13.BarrierRequest{}); err == nil || !strings.Contains(err.Error(), "want *flow.FlowMod") {
		t.Errorf("DecodeAs[*FlowMod](barrier) = %v", err)
	}
	if _, err := DecodeAs[*FlowMod](&of13.EchoRequest{}); err == nil {
		t.Errorf("DecodeAs[*FlowMod](echo) succeeded")
	}
	if fm, err := DecodeAs[*FlowMod](&of13.FlowMod{}); err != nil || fm == nil {
		t.Errorf("DecodeAs[*FlowMod](flow_mod) = %v, %v", fm, err)
	}
}

// TestOF10Actions checks the action conversions that depend on context.
func TestOF10Actions(t *testing.T) {
	udp := MustParse("udp")
	for _, tc := range []struct {
		ws   []of10.Action
		m    *Match
		want string
	}{
		{[]of10.Action{of10.ActionSetTPSrc{Port: 1}, of10.ActionSetTPDst{Port: 2}}, nil, "set_field:1->tcp_src,set_field:2->tcp_dst"},
		{[]of10.Action{of10.ActionSetTPSrc{Port: 1}, of10.ActionSetTPDst{Port: 2}}, &udp, "set_field:1->udp_src,set_field:2->udp_dst"},
		{[]of10.Action{of10.ActionEnqueue{Port: 1, QueueID: 2}, of10.ActionEnqueue{Port: 3, QueueID: 2}, of10.ActionEnqueue{Port: 4, QueueID: 5}},
			nil, "set_queue:2,output:1,output:3,set_queue:5,output:4"},
		{[]of10.Action{of10.ActionSetNWTOS{TOS: 0xb8}, of10.ActionSetVLANVID{VLANVID: 5}, of10.ActionVendor{Vendor: 0x2320, Data: make([]byte, 8)}},
			nil, "set_field:46->ip_dscp,set_field:4101->vlan_vid,experimenter:0x2320:0000000000000000"},
	} {
		as, err := actionsFrom10(tc.ws, tc.m)
		if err != nil {
			t.Fatal(err)
		}
		if got := ActionsString(as); got != tc.want {
			t.Errorf("actionsFrom10(%v) = %q; want %q", tc.ws, got, tc.want)
		}
	}
}

// TestPortBitsAcrossVersions: config and state bits of one version do not
// leak into the other's wire form.
func TestPortBitsAcrossVersions(t *testing.T) {
	d := PortDesc{PortNo: 1, Config: PortDown | PortNoFlood | PortNoSTP, State: LinkDown | Live | STPBlock}
	got, _ := roundTrip(t, openflow.Version13, &PortStatus{Desc: d})
	if s := got.(*PortStatus).Desc; s.Config != PortDown || s.State != LinkDown|Live {
		t.Errorf("OF1.3 round trip: config %v state %v; want PORT_DOWN, LINK_DOWN LIVE", s.Config, s.State)
	}
	got, _ = roundTrip(t, openflow.Version10, &PortStatus{Desc: d})
	if s := got.(*PortStatus).Desc; s.Config != d.Config || s.State != LinkDown|STPBlock {
		t.Errorf("OF1.0 round trip: config %v state %#x; want %v, LINK_DOWN|STP_BLOCK", s.Config, uint32(s.State), d.Config)
	}
}
