package datapath

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// TestMatchFields checks that a flow on each field forwards the frame that
// has it and not the frame that differs in it.
func TestMatchFields(t *testing.T) {
	tcpv := eth(macB, macA, 0x0800, ipv4(6, ipA, ipB, 46<<2|2, 64, 0, tcp(1000, 80, nil)))
	udpv := udp4(53, 5353)
	sctpv := eth(macB, macA, 0x0800, ipv4(132, ipA, ipB, 0, 64, 0, sctp(7, 9)))
	icmpv := eth(macB, macA, 0x0800, ipv4(1, ipA, ipB, 0, 64, 0, icmp(8, 0, nil)))
	arpv := eth(macB, macA, 0x0806, arp(1, macA, ipA, [6]byte{}, ipB))
	tcp6v := eth(macB, macA, 0x86dd, ipv6(6, ip6A, ip6B, nil, tcp(3, 4, nil)))
	nsv := eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(135, ip6B, 1, macA)))
	nav := eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(136, ip6A, 2, macB)))
	mplsv := eth(macB, macA, 0x8847, []byte{0x01, 0x23, 0x4b, 64})
	vlanv := vlan(udpv, 0x8100, 5<<13|100)
	other := eth(macA, macB, 0x1234, nil)
	tests := []struct {
		match   string
		hit     []byte
		miss    []byte
		missKey string
	}{
		{"in_port=1", other, nil, ""},
		{"dl_dst=02:00:00:00:00:0b", tcpv, other, ""},
		{"dl_src=02:00:00:00:00:0a", tcpv, other, ""},
		{"dl_dst=02:00:00:00:00:00/ff:ff:ff:00:00:00", tcpv, eth([6]byte{4}, macA, 1, nil), ""},
		{"dl_type=0x1234", other, tcpv, ""},
		{"dl_vlan=100", vlanv, udpv, ""},
		{"vlan_tci=0/0x1000", udpv, vlanv, ""},
		{"dl_vlan_pcp=5", vlanv, vlan(udpv, 0x8100, 100), ""},
		{"ip,nw_src=10.0.0.1", tcpv, eth(macB, macA, 0x0800, ipv4(6, ipB, ipA, 0, 64, 0, nil)), ""},
		{"ip,nw_dst=10.0.0.0/24", tcpv, eth(macB, macA, 0x0800, ipv4(6, ipA, netip.MustParseAddr("10.0.1.2"), 0, 64, 0, nil)), "x"},
		{"ip,ip_dscp=46", tcpv, udpv, ""},
		{"ip,nw_ecn=2", tcpv, udpv, ""},
		{"ip,nw_proto=6", tcpv, udpv, ""},
		{"tcp,tp_src=1000", tcpv, tcp4(1001, 80), ""},
		{"tcp,tp_dst=80", tcpv, tcp4(1000, 81), ""},
		{"udp,udp_src=53", udpv, udp4(54, 5353), ""},
		{"udp,udp_dst=5353", udpv, udp4(53, 5354), ""},
		{"sctp,sctp_src=7", sctpv, tcpv, ""},
		{"sctp,sctp_dst=9", sctpv, tcpv, ""},
		{"icmp,icmp_type=8", icmpv, tcpv, ""},
		{"icmp,icmp_code=0", icmpv, tcpv, ""},
		{"arp,arp_op=1", arpv, tcpv, ""},
		{"arp,arp_spa=10.0.0.1", arpv, tcpv, ""},
		{"arp,arp_tpa=10.0.0.2", arpv, tcpv, ""},
		{"arp,arp_sha=02:00:00:00:00:0a", arpv, tcpv, ""},
		{"ipv6,ipv6_src=2001:db8::1", tcp6v, tcpv, ""},
		{"ipv6,ipv6_dst=2001:db8::/64", tcp6v, tcpv, ""},
		{"tcp6,tp_dst=4", tcp6v, tcpv, ""},
		{"icmp6,icmpv6_type=135", nsv, nav, ""},
		{"icmp6,icmpv6_type=135,nd_target=2001:db8::2", nsv, nav, ""},
		{"icmp6,icmpv6_type=135,nd_sll=02:00:00:00:00:0a", nsv, nav, ""},
		{"icmp6,icmpv6_type=136,nd_tll=02:00:00:00:00:0b", nav, nsv, ""},
		{"mpls,mpls_label=0x1234", mplsv, tcpv, ""},
		{"mpls,mpls_tc=5", mplsv, tcpv, ""},
		{"mpls,mpls_bos=1", mplsv, tcpv, ""},
		{"metadata=0", tcpv, nil, ""},
		{"tun_id=0", tcpv, nil, ""},
		{"eth_type=0x88e7,pbb_isid=0xabcdef", eth(macB, macA, 0x88e7, []byte{0, 0xab, 0xcd, 0xef}), eth(macB, macA, 0x88e7, []byte{0, 0xab, 0xcd, 0xee}), ""},
		{"ipv6,ipv6_label=0x12345", eth(macB, macA, 0x86dd, append([]byte{0x60, 0x01, 0x23, 0x45}, ipv6(6, ip6A, ip6B, nil, tcp(3, 4, nil))[4:]...)), tcp6v, ""},
		{"ipv6,ipv6_exthdr=0x40/0x40", eth(macB, macA, 0x86dd, ipv6(0, ip6A, ip6B, []byte{6, 0, 0, 0, 0, 0, 0, 0}, tcp(3, 4, nil))), tcp6v, ""},
	}
	for _, tt := range tests {
		t.Run(tt.match, func(t *testing.T) {
			h := newHarness(t, 2)
			h.add("priority=10," + tt.match + ",actions=output:2")
			h.send(1, tt.hit)
			if got := h.counts(); got[2] != 1 {
				t.Errorf("%s: hit frame delivered %v; want 1 frame on port 2", tt.match, got)
			}
			if tt.miss != nil {
				h.send(1, tt.miss)
				if got := h.counts(); len(got) != 0 {
					t.Errorf("%s: miss frame delivered %v; want none", tt.match, got)
				}
			}
		})
	}
}

func TestPriorities(t *testing.T) {
	h := newHarness(t, 4)
	h.add("priority=10,actions=output:2")
	h.add("priority=20,ip,actions=output:3")
	h.add("priority=30,tcp,tp_dst=80,actions=output:4")
	h.add("priority=5,tcp,tp_dst=80,nw_src=10.0.0.1,actions=drop")
	for _, tt := range []struct {
		frame []byte
		want  flow.PortNo
	}{
		{tcp4(1, 80), 4},
		{tcp4(1, 81), 3},
		{eth(macB, macA, 0x0806, nil), 2},
	} {
		h.send(1, tt.frame)
		if got := h.counts(); len(got) != 1 || got[tt.want] != 1 {
			t.Errorf("send(%x) delivered %v; want port %d", tt.frame[:14], got, tt.want)
		}
	}
	// Deleting the winner exposes the next.
	h.mod("delete_strict priority=30,tcp,tp_dst=80")
	h.send(1, tcp4(1, 80))
	if got := h.counts(); got[3] != 1 {
		t.Errorf("after delete_strict: delivered %v; want port 3", got)
	}
}

func errCode(err error) (uint16, uint16) {
	var e *openflow.ErrorMsg
	if !errors.As(err, &e) {
		return 0xffff, 0xffff
	}
	return e.Type, e.Code
}

func TestFlowModErrors(t *testing.T) {
	tests := []struct {
		setup    []string
		mod      string
		typ, cod uint16
	}{
		{nil, "table=255,actions=drop", ErrTypeFlowModFailed, FlowModBadTableID},
		{nil, "tp_dst=80,actions=drop", ErrTypeBadMatch, flow.BadMatchPrereq},
		{nil, "actions=goto_table:0", ErrTypeBadInstruction, BadInstructionBadTableID},
		{nil, "actions=group:7", ErrTypeBadAction, BadActionBadOutGroup},
		{nil, "actions=meter:3", ErrTypeMeterModFailed, MeterModUnknownMeter},
		{nil, "actions=output:ANY", ErrTypeBadAction, BadActionBadOutPort},
		{[]string{"priority=5,ip,actions=drop"}, "add priority=5,tcp,check_overlap,actions=drop", ErrTypeFlowModFailed, FlowModOverlap},
	}
	for _, tt := range tests {
		t.Run(tt.mod, func(t *testing.T) {
			h := newHarness(t, 1)
			for _, s := range tt.setup {
				h.add(s)
			}
			_, err := h.mod(tt.mod)
			if typ, code := errCode(err); typ != tt.typ || code != tt.cod {
				t.Errorf("FlowMod(%q) = %v (%d,%d); want type %d code %d", tt.mod, err, typ, code, tt.typ, tt.cod)
			}
		})
	}
}

func TestOverlapAllowed(t *testing.T) {
	h := newHarness(t, 1)
	h.add("priority=5,tcp,actions=drop")
	for _, s := range []string{
		"priority=6,ip,check_overlap,actions=drop",         // other priority
		"priority=5,udp,check_overlap,actions=drop",        // disjoint
		"priority=5,arp,check_overlap,actions=output:1",    // disjoint
		"priority=5,tcp,actions=output:1",                  // identical, no check: replace
		"priority=5,tcp,tp_dst=22,actions=output:1,drop:0", // bad syntax handled below
	}[:4] {
		if _, err := h.mod(s); err != nil {
			t.Errorf("FlowMod(%q) = %v; want nil", s, err)
		}
	}
	if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != 4 {
		t.Errorf("flows = %d; want 4 (identical add replaces)", got)
	}
}

func TestModifyDelete(t *testing.T) {
	setup := []string{
		"priority=10,cookie=0x1,ip,actions=output:1",
		"priority=20,cookie=0x2,tcp,actions=output:2",
		"priority=30,cookie=0x3,tcp,tp_dst=80,actions=output:1",
		"table=1,priority=10,cookie=0x1,ip,actions=output:2",
	}
	tests := []struct {
		mod  string
		n    int
		left int // flows left in every table
	}{
		{"delete table=255,ip", 4, 0},
		{"delete table=0,ip", 3, 1},
		{"delete table=0,tcp", 2, 2},
		{"delete_strict table=0,priority=20,tcp", 1, 3},
		{"delete_strict table=0,priority=21,tcp", 0, 4},
		{"delete table=255,out_port=1", 2, 2},
		{"delete table=255,cookie=0x1/-1", 2, 2},
		{"delete table=0,cookie=0x2/0x2", 2, 2},
		{"delete table=255", 4, 0},
		{"modify table=0,tcp,actions=output:3", 2, 4},
		{"modify_strict table=0,priority=20,tcp,actions=output:3", 1, 4},
		{"modify_strict table=0,priority=20,udp,actions=output:3", 0, 4},
		{"modify table=0,cookie=0x3/-1,actions=output:3", 1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.mod, func(t *testing.T) {
			h := newHarness(t, 3)
			for _, s := range setup {
				h.add(s)
			}
			n, err := h.mod(tt.mod)
			if err != nil || n != tt.n {
				t.Errorf("FlowMod(%q) = %d, %v; want %d, nil", tt.mod, n, err, tt.n)
			}
			if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != tt.left {
				t.Errorf("after %q: %d flows; want %d", tt.mod, got, tt.left)
			}
		})
	}
}

func TestModifyKeepsCounters(t *testing.T) {
	h := newHarness(t, 3)
	h.add("priority=20,tcp,actions=output:2")
	h.send(1, tcp4(1, 2))
	h.mod("modify tcp,actions=output:3")
	h.send(1, tcp4(1, 2))
	if got := h.counts(); got[2] != 1 || got[3] != 1 {
		t.Errorf("delivered %v; want one frame on 2 then one on 3", got)
	}
	fs := h.d.FlowStats(flow.NewFlowStatsRequest())
	if len(fs) != 1 || fs[0].PacketCount != 2 {
		t.Fatalf("FlowStats = %+v; want one flow with 2 packets", fs)
	}
	want := []flow.Instruction{flow.ApplyActions{Actions: []flow.Action{flow.Output{Port: 3}}}}
	if diff := cmp.Diff(want, fs[0].Instructions); diff != "" {
		t.Errorf("instructions after modify (-want +got):\n%s", diff)
	}
	agg := h.d.AggregateStats(&flow.AggregateRequest{TableID: flow.TableAll, OutPort: flow.PortAny, OutGroup: flow.GroupAny})
	if agg.FlowCount != 1 || agg.PacketCount != 2 || agg.ByteCount == 0 {
		t.Errorf("AggregateStats = %+v; want 1 flow, 2 packets", agg)
	}
}

func TestDeleteSendsFlowRemoved(t *testing.T) {
	h := newHarness(t, 1)
	h.add("priority=7,cookie=0x9,send_flow_rem,ip,actions=drop")
	h.add("priority=8,ip,actions=drop")
	h.mod("delete ip")
	if len(h.removed) != 1 || h.removed[0].Cookie != 9 || h.removed[0].Reason != flow.RemovedDelete {
		t.Errorf("flow removed = %+v; want one, cookie 9, reason delete", h.removed)
	}
}
