package flow

import (
	"errors"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		in    string
		field Field
		want  error
	}{
		{"", 0, nil},
		{"in_port=1,dl_src=00:00:00:00:00:01,dl_type=0x88cc", 0, nil},
		{"in_phy_port=1", InPhyPort, ErrBadPrereq},
		{"in_port=1,in_phy_port=1", 0, nil},
		{"metadata=1/1,tun_id=5", 0, nil},
		{"vlan_pcp=3", 0, nil},
		{"vlan_tci=0x6000/0xe000", VLANPCP, ErrBadPrereq},
		{"dl_vlan=0xffff,vlan_pcp=3", VLANPCP, ErrBadPrereq},
		{"dl_vlan=5,vlan_pcp=3", 0, nil},
		{"vlan_vid=0x1000/0x1000,vlan_pcp=3", 0, nil},
		{"ip_dscp=1", IPDSCP, ErrBadPrereq},
		{"ipv6,ip_dscp=1,ip_ecn=1", 0, nil},
		{"arp,ip_proto=6", IPProto, ErrBadPrereq},
		{"nw_src=1.2.3.4", IPv4Src, ErrBadPrereq},
		{"ipv6,ip_src=1.2.3.4", IPv4Src, ErrBadPrereq},
		{"ip,nw_src=1.2.3.4,nw_dst=1.2.3.0/24", 0, nil},
		{"ip,tcp_src=80", TCPSrc, ErrBadPrereq},
		{"udp,tcp_src=80", TCPSrc, ErrBadPrereq},
		{"ip_proto=6,tcp_src=80", IPProto, ErrBadPrereq},
		{"tcp,tcp_src=80", 0, nil},
		{"tcp6,tcp_src=80", 0, nil},
		{"udp6,udp_dst=53", 0, nil},
		{"sctp,sctp_dst=53", 0, nil},
		{"ip,sctp_dst=53", SCTPDst, ErrBadPrereq},
		{"icmp,icmp_type=8", 0, nil},
		{"ipv6,ip_proto=1,icmp_type=8", ICMPv4Type, ErrBadPrereq},
		{"icmp6,icmpv6_type=128", 0, nil},
		{"ip,ip_proto=58,icmpv6_type=128", ICMPv6Type, ErrBadPrereq},
		{"arp,arp_op=1,arp_spa=1.1.1.1,arp_tpa=2.2.2.2,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:02", 0, nil},
		{"rarp,arp_op=3", ARPOp, ErrBadPrereq},
		{"ip,arp_op=1", ARPOp, ErrBadPrereq},
		{"ipv6,ipv6_src=::1,ipv6_dst=::/0,ipv6_label=1", 0, nil},
		{"ip,ipv6_label=1", IPv6FLabel, ErrBadPrereq},
		{"icmp6,icmp_type=135,nd_target=::1,nd_sll=00:00:00:00:00:01", 0, nil},
		{"icmp6,icmp_type=136,nd_target=::1,nd_tll=00:00:00:00:00:01", 0, nil},
		{"icmp6,icmp_type=136,nd_sll=00:00:00:00:00:01", IPv6NDSLL, ErrBadPrereq},
		{"icmp6,icmp_type=135,nd_tll=00:00:00:00:00:01", IPv6NDTLL, ErrBadPrereq},
		{"icmp6,icmp_type=128,nd_target=::1", IPv6NDTarget, ErrBadPrereq},
		{"icmp6,nd_target=::1", IPv6NDTarget, ErrBadPrereq},
		{"mpls,mpls_label=1,mpls_tc=1,mpls_bos=1", 0, nil},
		{"mplsm,mpls_label=1", 0, nil},
		{"ip,mpls_label=1", MPLSLabel, ErrBadPrereq},
		{"dl_type=0x88e7,pbb_isid=1", 0, nil},
		{"pbb_isid=1", PBBISID, ErrBadPrereq},
		{"ipv6,ipv6_exthdr=1", 0, nil},
		{"ipv6_exthdr=1", IPv6Exthdr, ErrBadPrereq},
	} {
		m := MustParse(tc.in)
		err := m.Validate()
		if !errors.Is(err, tc.want) {
			t.Errorf("Parse(%q).Validate() = %v; want %v", tc.in, err, tc.want)
			continue
		}
		var me *MatchError
		if tc.want != nil && (!errors.As(err, &me) || me.Field != tc.field) {
			t.Errorf("Parse(%q).Validate() = %v; want it about %v", tc.in, err, tc.field)
		}
	}
}

// TestValidateRaw checks matches built without the setters.
func TestValidateRaw(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Match
		want error
	}{
		{"value outside mask", Match{Key: Key{Metadata: 3}, Mask: Key{Metadata: 1}}, ErrBadWildcards},
		{"value without mask", Match{Key: Key{TCPSrc: 3}}, ErrBadWildcards},
		{"value too wide", Match{Key: Key{VLANPCP: 9}, Mask: Key{VLANPCP: 7}}, ErrBadValue},
		{"mask too wide", Match{Key: Key{VLANVID: 0x1000}, Mask: Key{VLANVID: 0xf000}}, ErrBadMask},
		{"partial mask on exact field", Match{Key: Key{InPort: 1}, Mask: Key{InPort: 1}}, ErrBadMask},
	} {
		if err := tc.m.Validate(); !errors.Is(err, tc.want) {
			t.Errorf("%s: Validate() = %v; want %v", tc.name, err, tc.want)
		}
	}
}

func TestBadMatchCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code uint16
		ok   bool
	}{
		{&MatchError{TCPSrc, ErrBadPrereq}, BadMatchPrereq, true},
		{&MatchError{TCPSrc, ErrBadMask}, BadMatchMask, true},
		{&MatchError{TCPSrc, ErrBadValue}, BadMatchValue, true},
		{&MatchError{TCPSrc, ErrBadWildcards}, BadMatchWildcards, true},
		{&MatchError{TCPSrc, ErrBadField}, BadMatchField, true},
		{&MatchError{TCPSrc, ErrBadLen}, BadMatchLen, true},
		{&MatchError{TCPSrc, ErrDupField}, BadMatchDupField, true},
		{errors.New("other"), 0, false},
	} {
		code, ok := BadMatchCode(tc.err)
		if code != tc.code || ok != tc.ok {
			t.Errorf("BadMatchCode(%v) = %d, %v; want %d, %v", tc.err, code, ok, tc.code, tc.ok)
		}
	}
	got := (&MatchError{TCPSrc, ErrBadPrereq}).Error()
	if want := "flow: match field tcp_src: prerequisite not met (needs ip_proto=6)"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestSatisfiesUnknown(t *testing.T) {
	var m Match
	if m.Satisfies(Prereq(200)) {
		t.Errorf("Satisfies(200) = true")
	}
}
