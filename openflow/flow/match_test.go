package flow

import (
	"errors"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

// matchTexts: input text, and the text String gives back ("" = same).
var matchTexts = []struct{ in, out string }{
	{"", ""},
	{"in_port=1", ""},
	{"in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/8", "ip,in_port=1,nw_dst=10.0.0.0/8"},
	{"tcp,tp_src=80", ""},
	{"tcp,tcp_dst=443,nw_src=192.168.1.1", "tcp,nw_src=192.168.1.1,tp_dst=443"},
	{"udp,tp_src=53,tp_dst=67", ""},
	{"tcp,tp_dst=80,metadata=0x35/0xfff0", "tcp,metadata=0x30/0xfff0,tp_dst=80"},
	{"sctp,sctp_dst=9", "sctp,tp_dst=9"},
	{"udp6,udp_src=547", "udp6,tp_src=547"},
	{"tcp6,tp_dst=22", ""},
	{"sctp6,tp_src=1", ""},
	{"arp,arp_op=1,arp_spa=10.0.0.1", "arp,arp_spa=10.0.0.1,arp_op=1"},
	{"arp,nw_src=10.0.0.1,nw_proto=2,nw_dst=10.0.0.0/24", "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=2"},
	{"arp,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:02/ff:ff:ff:00:00:00", "arp,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00/ff:ff:ff:00:00:00"},
	{"rarp", ""},
	{"dl_vlan=10,dl_vlan_pcp=3", ""},
	{"dl_vlan=0xffff", ""},
	{"vlan_tci=0", "dl_vlan=0xffff"},
	{"dl_vlan_pcp=5", ""},
	{"vlan_tci=0xa000/0xe000", ""},
	{"vlan_tci=0x0000/0xe000", ""},
	{"vlan_tci=0xb000/0xf000", "dl_vlan_pcp=5"},
	{"vlan_tci=0x1000/0x1000", "vlan_vid=0x1000/0x1000"},
	{"vlan_tci=0x1000/0x1fff", "dl_vlan=0"},
	{"vlan_tci=0x100a/0x1ff0", "vlan_vid=0x1000/0x1ff0"},
	{"vlan_tci=0x700a/0xffff", "dl_vlan=10,dl_vlan_pcp=3"},
	{"vlan_tci=0x600a", "vlan_vid=0xa/0x1fff"},
	{"vlan_vid=10", "vlan_vid=0xa/0x1fff"},
	{"vlan_vid=0x100a,vlan_pcp=3", "dl_vlan=10,dl_vlan_pcp=3"},
	{"dl_src=00:11:22:33:44:55,dl_dst=ff:ff:ff:ff:ff:ff", ""},
	{"eth_dst=01:00:00:00:00:00/01:00:00:00:00:00", "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00"},
	{"dl_type=0x88cc", ""},
	{"eth_type=0x8847,mpls_label=5", "mpls,mpls_label=5"},
	{"mpls,mpls_tc=2,mpls_bos=1", ""},
	{"mplsm,mpls_label=1048575", ""},
	{"ip,nw_tos=40", ""},
	{"ip,ip_dscp=10,nw_ecn=3", "ip,nw_tos=40,nw_ecn=3"},
	{"ip,nw_proto=89", ""},
	{"ip,nw_src=10.0.0.0/255.0.255.0", ""},
	{"ip,ip_src=1.2.3.4,ip_dst=0.0.0.0/0", "ip,nw_src=1.2.3.4"},
	{"icmp,icmp_type=8,icmp_code=0", ""},
	{"ipv6,ipv6_src=fe80::/64", ""},
	{"ipv6,ipv6_src=2001:db8::/ffff:ffff::", "ipv6,ipv6_src=2001:db8::/32"},
	{"ipv6,ipv6_dst=2001:db8::1/ffff::ffff", "ipv6,ipv6_dst=2001::1/ffff::ffff"},
	{"ipv6,ipv6_label=0x12345", ""},
	{"ipv6,ipv6_flabel=0x5/0xf", "ipv6,ipv6_label=0x5/0xf"},
	{"icmp6,icmp_type=135,nd_target=fe80::1", ""},
	{"icmp6,icmpv6_type=135,icmpv6_code=0,nd_sll=00:00:00:00:00:01", "icmp6,icmp_type=135,icmp_code=0,nd_sll=00:00:00:00:00:01"},
	{"icmp6,icmp_type=136,nd_tll=00:01:02:03:04:05", ""},
	{"metadata=0x5/0xff,tun_id=0x10", "tun_id=0x10,metadata=0x5/0xff"},
	{"tunnel_id=0x1/0x1", "tun_id=0x1/0x1"},
	{"in_port=LOCAL", ""},
	{"in_port=CONTROLLER,in_phy_port=3", ""},
	{"dl_type=0x88e7,pbb_isid=100", ""},
	{"ipv6,ipv6_exthdr=0x1/0x1", ""},
	// Contexts that String must keep unambiguous.
	{"udp_src=53", ""},
	{"icmpv6_type=1", ""},
	{"icmp6,icmpv4_type=3", ""},
	{"arp,ip_src=1.1.1.1,ip_proto=6", ""},
	{"ip,tp_src=1", "ip,tcp_src=1"},
	{"icmp,tp_src=3,tp_dst=1", "icmp,icmp_type=3,icmp_code=1"},
	{"icmp6,tp_src=3", "icmp6,icmp_type=3"},
	{"ip, tcp\tin_port=1", "tcp,in_port=1"},
	{"tcp,tcp", "tcp"},
	{"IN_PORT=2,TCP", "tcp,in_port=2"},
}

func TestParseString(t *testing.T) {
	for _, tc := range matchTexts {
		m, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		want := tc.out
		if want == "" {
			want = tc.in
		}
		got := m.String()
		if got != want {
			t.Errorf("Parse(%q).String() = %q; want %q", tc.in, got, want)
		}
		m2, err := Parse(got)
		if err != nil || m2 != m {
			t.Errorf("Parse(%q) = %v, %v; want the match of %q", got, m2, err, tc.in)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want error
	}{
		{"foo=1", ErrBadField},
		{"bogus", ErrBadField},
		{"in_port=1,in_port=2", ErrDupField},
		{"tcp,udp", ErrDupField},
		{"in_port=eth0", ErrBadValue},
		{"in_port=1/1", ErrBadMask},
		{"dl_vlan=4096", ErrBadValue},
		{"nw_tos=3", ErrBadValue},
		{"vlan_tci=0x2000/0x2000", ErrUnsupported},
		{"vlan_tci=x", ErrBadValue},
		{"vlan_pcp=8", ErrBadValue},
		{"tcp_src=70000", ErrBadValue},
		{"tcp_src=1/2", ErrBadMask},
		{"ip,nw_src=1.2.3.4/33", ErrBadMask},
		{"ip,nw_src=1.2.3.4/ff::", ErrBadMask},
		{"ip,nw_src=fe80::1", ErrBadValue},
		{"ipv6,ipv6_src=1.2.3.4", ErrBadValue},
		{"dl_src=00:11", ErrBadValue},
		{"dl_src=00:00:00:00:00:00/zz", ErrBadValue},
		{"metadata=1/x", ErrBadMask},
		{"tcp_dst=1/0x10000", ErrBadMask},
		{"dl_type=0x10000", ErrBadValue},
		{"ip_dscp=1/1", ErrBadMask},
		{"udp_dst=1/1", ErrBadMask},
	} {
		_, err := Parse(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("Parse(%q) = %v; want %v", tc.in, err, tc.want)
		}
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("MustParse(bogus) did not panic")
		}
	}()
	MustParse("bogus")
}

// TestSetters checks every typed setter against the text that means the
// same.
func TestSetters(t *testing.T) {
	mac := openflow.EthAddr{0, 1, 2, 3, 4, 5}
	ff := allOnesMAC
	for _, tc := range []struct {
		set  func(m *Match)
		text string
	}{
		{func(m *Match) { m.SetInPort(3) }, "in_port=3"},
		{func(m *Match) { m.SetInPhyPort(3) }, "in_phy_port=3"},
		{func(m *Match) { m.SetEthType(0x800) }, "ip"},
		{func(m *Match) { m.SetIPProto(6) }, "ip_proto=6"},
		{func(m *Match) { m.SetIPDSCP(10) }, "ip_dscp=10"},
		{func(m *Match) { m.SetIPECN(1) }, "nw_ecn=1"},
		{func(m *Match) { m.SetVLANPCP(5) }, "vlan_tci=0xa000/0xe000"},
		{func(m *Match) { m.SetTCPSrc(1) }, "tcp_src=1"},
		{func(m *Match) { m.SetTCPDst(2) }, "tcp_dst=2"},
		{func(m *Match) { m.SetUDPSrc(3) }, "udp_src=3"},
		{func(m *Match) { m.SetUDPDst(4) }, "udp_dst=4"},
		{func(m *Match) { m.SetSCTPSrc(5) }, "sctp_src=5"},
		{func(m *Match) { m.SetSCTPDst(6) }, "sctp_dst=6"},
		{func(m *Match) { m.SetICMPv4Type(8) }, "icmp_type=8"},
		{func(m *Match) { m.SetICMPv4Code(1) }, "icmp_code=1"},
		{func(m *Match) { m.SetICMPv6Type(135) }, "icmpv6_type=135"},
		{func(m *Match) { m.SetICMPv6Code(2) }, "icmpv6_code=2"},
		{func(m *Match) { m.SetARPOp(2) }, "arp_op=2"},
		{func(m *Match) { m.SetMPLSLabel(0x1fffff) }, "mpls_label=1048575"},
		{func(m *Match) { m.SetMPLSTC(9) }, "mpls_tc=1"},
		{func(m *Match) { m.SetMPLSBOS(1) }, "mpls_bos=1"},
		{func(m *Match) { m.SetIPv6NDSLL(mac) }, "nd_sll=00:01:02:03:04:05"},
		{func(m *Match) { m.SetIPv6NDTLL(mac) }, "nd_tll=00:01:02:03:04:05"},
		{func(m *Match) { m.SetEthDst(mac, ff) }, "eth_dst=00:01:02:03:04:05"},
		{func(m *Match) { m.SetEthSrc(mac, openflow.EthAddr{0xff}) }, "eth_src=00:00:00:00:00:00/ff:00:00:00:00:00"},
		{func(m *Match) { m.SetARPSHA(mac, ff) }, "arp_sha=00:01:02:03:04:05"},
		{func(m *Match) { m.SetARPTHA(mac, ff) }, "arp_tha=00:01:02:03:04:05"},
		{func(m *Match) { m.SetMetadata(0x1234, 0xff) }, "metadata=0x34/0xff"},
		{func(m *Match) { m.SetTunnelID(7, ^uint64(0)) }, "tun_id=7"},
		{func(m *Match) { m.SetIPv6FLabel(0x12345, 0xffffffff) }, "ipv6_label=0x12345"},
		{func(m *Match) { m.SetPBBISID(5, 0xffffff) }, "pbb_isid=5"},
		{func(m *Match) { m.SetIPv6Exthdr(4, 0xffff) }, "ipv6_exthdr=4"},
		{func(m *Match) { m.SetVLANVID(0x1000, 0x1000) }, "vlan_vid=0x1000/0x1000"},
		{func(m *Match) { m.SetVLAN(7) }, "dl_vlan=7"},
		{func(m *Match) { m.SetNoVLAN() }, "dl_vlan=0xffff"},
		{func(m *Match) { m.SetAnyVLAN() }, "vlan_tci=0x1000/0x1000"},
		{func(m *Match) { m.SetIPv4Src(netip.MustParsePrefix("10.1.0.0/16")) }, "ip_src=10.1.0.0/16"},
		{func(m *Match) { m.SetIPv4Dst(netip.MustParsePrefix("10.1.2.3/32")) }, "ip_dst=10.1.2.3"},
		{func(m *Match) { m.SetIPv4Dst(netip.MustParsePrefix("0.0.0.0/0")) }, ""},
		{func(m *Match) { m.SetIPv4Dst(netip.MustParsePrefix("::/0")) }, ""},
		{func(m *Match) { m.SetARPSPA(netip.MustParsePrefix("10.1.2.0/24")) }, "arp_spa=10.1.2.0/24"},
		{func(m *Match) { m.SetARPTPA(netip.MustParsePrefix("10.1.2.3/32")) }, "arp_tpa=10.1.2.3"},
		{func(m *Match) { m.SetIPv6Src(netip.MustParsePrefix("2001:db8::/32")) }, "ipv6_src=2001:db8::/32"},
		{func(m *Match) { m.SetIPv6Dst(netip.MustParsePrefix("2001:db8::1/128")) }, "ipv6_dst=2001:db8::1"},
		{func(m *Match) { m.SetIPv6Dst(netip.MustParsePrefix("10.0.0.0/8")) }, ""},
		{func(m *Match) { m.SetIPv6NDTarget(netip.MustParseAddr("fe80::1")) }, "nd_target=fe80::1"},
		{func(m *Match) { m.SetIPv6NDTarget(netip.MustParseAddr("1.2.3.4")) }, ""},
	} {
		var m Match
		tc.set(&m)
		want := MustParse(tc.text)
		if diff := cmp.Diff(want, m); diff != "" {
			t.Errorf("setter for %q: (-want +got)\n%s", tc.text, diff)
		}
	}
}

func TestGetters(t *testing.T) {
	m := MustParse("tcp,in_port=4,nw_src=10.0.0.0/8,nw_dst=10.0.0.0/255.0.0.255")
	if p, ok := m.InPort(); !ok || p != 4 {
		t.Errorf("InPort() = %v, %v", p, ok)
	}
	if v, ok := m.EthType(); !ok || v != 0x800 {
		t.Errorf("EthType() = %v, %v", v, ok)
	}
	if v, ok := m.IPProto(); !ok || v != 6 {
		t.Errorf("IPProto() = %v, %v", v, ok)
	}
	if p, ok := m.IPv4Src(); !ok || p != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("IPv4Src() = %v, %v", p, ok)
	}
	if p, ok := m.IPv4Dst(); ok {
		t.Errorf("IPv4Dst() = %v, %v; want not a prefix", p, ok)
	}
	m6 := MustParse("ipv6,ipv6_src=fe80::/10,ipv6_dst=::1")
	if p, ok := m6.IPv6Src(); !ok || p != netip.MustParsePrefix("fe80::/10") {
		t.Errorf("IPv6Src() = %v, %v", p, ok)
	}
	if p, ok := m6.IPv6Dst(); !ok || p != netip.MustParsePrefix("::1/128") {
		t.Errorf("IPv6Dst() = %v, %v", p, ok)
	}
}

func TestSetGet(t *testing.T) {
	var m Match
	for _, tc := range []struct {
		f           Field
		value, mask []byte
		want        error
	}{
		{Field(99), []byte{1}, nil, ErrBadField},
		{InPort, []byte{1}, nil, ErrBadLen},
		{InPort, []byte{0, 0, 0, 1}, []byte{1}, ErrBadLen},
		{VLANPCP, []byte{8}, nil, ErrBadValue},
		{VLANVID, []byte{0x10, 0}, []byte{0x20, 0}, ErrBadMask},
		{TCPSrc, []byte{0, 1}, []byte{0, 1}, ErrBadMask},
		{TCPSrc, []byte{0, 1}, []byte{0, 0}, nil},
		{IPv4Src, []byte{10, 1, 2, 3}, []byte{255, 0, 0, 0}, nil},
	} {
		err := m.Set(tc.f, tc.value, tc.mask)
		if !errors.Is(err, tc.want) {
			t.Errorf("Set(%v, %x, %x) = %v; want %v", tc.f, tc.value, tc.mask, err, tc.want)
		}
	}
	if got := m.String(); got != "nw_src=10.0.0.0/8" {
		t.Errorf("after Sets, String() = %q", got)
	}
	fm, ok := m.Get(IPv4Src)
	want := FieldMatch{IPv4Src, []byte{10, 0, 0, 0}, []byte{255, 0, 0, 0}}
	if !ok || !cmp.Equal(fm, want) {
		t.Errorf("Get(IPv4Src) = %v, %v; want %v", fm, ok, want)
	}
	if got := fm.String(); got != "ip_src=10.0.0.0/8" {
		t.Errorf("FieldMatch.String() = %q", got)
	}
	if got := (FieldMatch{Field: InPort, Value: []byte{1}}).String(); got != "in_port=?" {
		t.Errorf("bad FieldMatch.String() = %q", got)
	}
	if _, ok := m.Get(TCPSrc); ok {
		t.Errorf("Get(TCPSrc) ok on a match without it")
	}
	m.Clear(IPv4Src)
	m.Clear(Field(99))
	if m != (Match{}) || m.Len() != 0 || m.Has(Field(99)) || m.Exact(Field(99)) {
		t.Errorf("Clear left %v", m)
	}
}

func TestFields(t *testing.T) {
	m := MustParse("tcp,in_port=1,dl_dst=00:00:00:00:00:01,nw_src=10.0.0.0/8,tp_dst=80")
	var got []string
	for _, fm := range m.Fields() {
		got = append(got, fm.String())
	}
	want := []string{"in_port=1", "eth_dst=00:00:00:00:00:01", "eth_type=0x0800", "ip_proto=6", "ip_src=10.0.0.0/8", "tcp_dst=80"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fields(): (-want +got)\n%s", diff)
	}
	if m.Len() != 6 {
		t.Errorf("Len() = %d; want 6", m.Len())
	}
	// Set from Fields rebuilds the same match.
	var n Match
	for _, fm := range m.Fields() {
		if err := n.Set(fm.Field, fm.Value, fm.Mask); err != nil {
			t.Fatal(err)
		}
	}
	if n != m {
		t.Errorf("rebuilt %v; want %v", n, m)
	}
}

func TestKeyGetSet(t *testing.T) {
	var k Key
	for f := range NumFields {
		v := make([]byte, f.Len())
		f.fullMask(v)
		k.Set(f, v)
		got := k.Get(f, make([]byte, 16))
		if !cmp.Equal(got, v) {
			t.Errorf("Key.Get(%v) = %x; want %x", f, got, v)
		}
		if k.isZero(f) {
			t.Errorf("isZero(%v) after set", f)
		}
	}
	k.Set(InPort, []byte{1}) // wrong length: ignored
	if k.InPort != 0xffffffff {
		t.Errorf("Set with a short value changed InPort")
	}
}

// TestMatchTextOVS feeds the text String prints to ovs-ofctl and checks
// that the flow it prints back parses to the same match: our syntax is
// ovs-ofctl's.
func TestMatchTextOVS(t *testing.T) {
	ovs := ovsOfctl(t)
	var texts []string
	var want []Match
	for _, tc := range matchTexts {
		m := MustParse(tc.in)
		if m.Validate() != nil || m.Has(InPhyPort) || m.Has(PBBISID) || m.Has(IPv6Exthdr) {
			continue // ovs-ofctl refuses these, or does not know the field
		}
		texts = append(texts, m.String()+",actions=drop")
		want = append(want, m)
	}
	file := t.TempDir() + "/flows"
	if err := os.WriteFile(file, []byte(strings.Join(texts, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ovs, "-O", "OpenFlow13", "parse-flows", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ovs-ofctl parse-flows: %v\n%s", err, out)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "OFPT_FLOW_MOD") {
			lines = append(lines, l)
		}
	}
	if len(lines) != len(texts) {
		t.Fatalf("ovs-ofctl printed %d flows for %d:\n%s", len(lines), len(texts), out)
	}
	for i, l := range lines {
		fm, err := ParseFlowMod(ovsFlowMod(l))
		if err != nil {
			t.Errorf("%q: ovs-ofctl prints %q, which does not parse: %v", texts[i], l, err)
			continue
		}
		if fm.Match != want[i] {
			t.Errorf("%q: ovs-ofctl prints %q = %v", texts[i], l, fm.Match)
		}
	}
}
