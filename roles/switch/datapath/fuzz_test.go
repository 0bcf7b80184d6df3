package datapath

import (
	"fmt"
	"testing"

	"github.com/ofbox/ofbox/openflow/flow"
)

// fuzzActions are action lists that rewrite every header the parser knows;
// FuzzActions runs arbitrary frames through each.
var fuzzActions = []string{
	"set_field:10.1.1.1->ip_dst,set_field:99->tcp_dst,set_field:98->udp_src,output:2",
	"push_vlan:0x8100,set_field:4101->vlan_vid,push_mpls:0x8847,dec_mpls_ttl,output:2",
	"pop_vlan,pop_mpls:0x0800,dec_ttl,output:2",
	"set_field:2001:db8::9->ipv6_src,set_field:2001:db8::a->nd_target,set_field:02:00:00:00:00:01->nd_tll,set_field:02:00:00:00:00:02->nd_sll,output:2",
	"set_field:3->ip_ecn,set_field:7->ip_dscp,set_field:5->icmp_type,set_field:1->icmpv6_code,output:2",
	"push_mpls:0x8847,push_mpls:0x8848,dec_ttl,pop_mpls:0x8847,output:2",
	"set_field:5->sctp_dst,set_field:1->arp_op,set_field:10.0.0.9->arp_spa,set_field:0x12345->ipv6_label,output:2",
	"mod_vlan_vid:5,mod_vlan_pcp:3,set_field:3->mpls_tc,set_field:1->mpls_bos,set_field:7->mpls_label,strip_vlan,output:ALL",
	"set_field:0x86dd->eth_type,set_field:9->icmp_code,mod_nw_ttl:1,dec_ttl,CONTROLLER:20,output:2",
	"push_vlan:0x88a8,push_vlan:0x8100,push_vlan:0x8100,push_mpls:0x8847,push_mpls:0x8847,output:2",
}

func FuzzActions(f *testing.F) {
	f.Add(uint8(0), tcp4(1, 2))
	f.Add(uint8(1), vlan(udp4(1, 2), 0x8100, 5))
	f.Add(uint8(3), eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(136, ip6A, 2, macB))))
	f.Add(uint8(6), eth(macB, macA, 0x0800, ipv4(132, ipA, ipB, 0, 64, 0, sctp(7, 9))))
	f.Add(uint8(7), eth(macB, macA, 0x8847, []byte{0x01, 0x23, 0x4a, 64, 0x45, 0}))
	h := newHarness(&testing.T{}, 3)
	for i, a := range fuzzActions {
		h.add(fmt.Sprintf("in_port=%d,actions=%s", i+10, a))
	}
	f.Cleanup(func() { h.d.Close() })
	buf := make([]byte, Headroom+frameCap)
	f.Fuzz(func(t *testing.T, which uint8, frame []byte) {
		if len(frame) > frameCap-64 {
			return
		}
		in := flow.PortNo(10 + int(which)%len(fuzzActions))
		n := copy(buf[Headroom:], frame)
		h.w.begin()
		h.w.receive(in, buf, Headroom, Headroom+n)
		h.w.flush()
		h.recv(2)
		h.recv(1)
		h.recv(3)
		h.packetIns()
	})
}
