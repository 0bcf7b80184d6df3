package flow

import (
	"net/netip"
	"testing"
)

// tcpKey is a TCP packet from 10.0.0.1:1234 to 10.0.0.2:80 on port 1.
func tcpKey() Key {
	return Key{
		InPort: 1, EthSrc: [6]byte{0, 0, 0, 0, 0, 1}, EthDst: [6]byte{0, 0, 0, 0, 0, 2}, EthType: EthTypeIPv4,
		IPProto: IPProtoTCP, IPv4Src: [4]byte{10, 0, 0, 1}, IPv4Dst: [4]byte{10, 0, 0, 2}, IPDSCP: 10,
		TCPSrc: 1234, TCPDst: 80,
	}
}

func v6Key() Key {
	return Key{
		InPort: 2, EthType: EthTypeIPv6, VLANVID: VIDPresent | 10, VLANPCP: 3, IPProto: IPProtoICMPv6,
		IPv6Src: netip.MustParseAddr("fe80::1").As16(), IPv6Dst: netip.MustParseAddr("ff02::1").As16(),
		ICMPv6Type: 135, IPv6NDTarget: netip.MustParseAddr("fe80::2").As16(), IPv6NDSLL: [6]byte{1, 2, 3, 4, 5, 6},
	}
}

func TestMatches(t *testing.T) {
	tcp, v6 := tcpKey(), v6Key()
	for _, tc := range []struct {
		match string
		key   *Key
		want  bool
	}{
		{"", &tcp, true},
		{"in_port=1", &tcp, true},
		{"in_port=2", &tcp, false},
		{"tcp", &tcp, true},
		{"udp", &tcp, false},
		{"ip,nw_dst=10.0.0.0/8", &tcp, true},
		{"ip,nw_dst=10.0.0.0/31", &tcp, false},
		{"ip,nw_src=10.0.0.1,nw_dst=10.0.0.2", &tcp, true},
		{"ip,nw_src=0.0.0.1/0.0.0.255", &tcp, true},
		{"tcp,tp_dst=80", &tcp, true},
		{"tcp,tp_dst=81", &tcp, false},
		{"tcp,tp_src=1234,tp_dst=80,nw_tos=40", &tcp, true},
		{"dl_dst=00:00:00:00:00:02", &tcp, true},
		{"dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", &tcp, false},
		{"dl_vlan=0xffff", &tcp, true},
		{"dl_vlan=10", &tcp, false},
		{"vlan_tci=0x1000/0x1000", &tcp, false},
		{"vlan_tci=0x1000/0x1000", &v6, true},
		{"dl_vlan=10,dl_vlan_pcp=3", &v6, true},
		{"dl_vlan=10,dl_vlan_pcp=2", &v6, false},
		{"ipv6,ipv6_src=fe80::/10", &v6, true},
		{"ipv6,ipv6_src=fe80::/10,ipv6_dst=ff02::2", &v6, false},
		{"ipv6,ipv6_dst=ff00::/8", &v6, true},
		{"icmp6,icmp_type=135,nd_target=fe80::2,nd_sll=01:02:03:04:05:06", &v6, true},
		{"icmp6,icmp_type=135,nd_target=fe80::3", &v6, false},
		{"icmp6,icmp_type=136", &v6, false},
		{"metadata=0x1/0x1", &tcp, false},
		{"tun_id=0", &tcp, true},
		{"arp", &tcp, false},
	} {
		m := MustParse(tc.match)
		if got := m.Matches(tc.key); got != tc.want {
			t.Errorf("Parse(%q).Matches(%+v) = %v; want %v", tc.match, *tc.key, got, tc.want)
		}
	}
}

// TestMatchesEveryField checks that each field takes part: a match on the
// key's own value of f matches, the same match with one bit flipped does
// not.
func TestMatchesEveryField(t *testing.T) {
	var k Key
	for f := range NumFields {
		v := make([]byte, f.Len())
		f.fullMask(v)
		k.Set(f, v)
	}
	for f := range NumFields {
		var m Match
		v := k.Get(f, make([]byte, 16))
		if err := m.Set(f, v, nil); err != nil {
			t.Fatal(err)
		}
		if !m.Matches(&k) {
			t.Errorf("match on %v = all ones does not match", f)
		}
		v[len(v)-1] &^= 1
		if err := m.Set(f, v, nil); err != nil {
			t.Fatal(err)
		}
		if m.Matches(&k) {
			t.Errorf("match on %v with the low bit clear matches", f)
		}
	}
}

func TestMatchesAllocs(t *testing.T) {
	m := MustParse("tcp,in_port=1,nw_dst=10.0.0.0/8,tp_dst=80")
	k := tcpKey()
	if n := testing.AllocsPerRun(100, func() { m.Matches(&k) }); n != 0 {
		t.Errorf("Matches allocates %v times; want 0", n)
	}
}

func BenchmarkMatches(b *testing.B) {
	m := MustParse("tcp,in_port=1,nw_dst=10.0.0.0/8,tp_dst=80")
	k := tcpKey()
	b.ReportAllocs()
	for b.Loop() {
		if !m.Matches(&k) {
			b.Fatal("no match")
		}
	}
}
