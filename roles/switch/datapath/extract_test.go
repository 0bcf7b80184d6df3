package datapath

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

func a4(a netip.Addr) [4]byte   { return a.As4() }
func a16(a netip.Addr) [16]byte { return a.As16() }

// baseKey is the key of an Ethernet frame from A to B on port 1.
func baseKey(typ uint16) flow.Key {
	return flow.Key{InPort: 1, EthDst: macB, EthSrc: macA, EthType: typ}
}

func TestExtract(t *testing.T) {
	ext := func(next, typ uint8) []byte { return []byte{next, 0, typ, 0, 0, 0, 0, 0} }
	tests := []struct {
		name  string
		frame []byte
		want  func(k *flow.Key)
	}{
		{"short", []byte{1, 2, 3}, func(k *flow.Key) { *k = flow.Key{InPort: 1} }},
		{"eth only", eth(macB, macA, 0x1234, nil), func(k *flow.Key) { *k = baseKey(0x1234) }},
		{"llc", eth(macB, macA, 40, []byte{0x42, 0x42, 3, 0, 0, 0, 0, 0}), func(k *flow.Key) { *k = baseKey(ethTypeNone) }},
		{"snap", eth(macB, macA, 40, []byte{0xaa, 0xaa, 3, 0, 0, 0, 0x08, 0x06}), func(k *flow.Key) { *k = baseKey(0x0806) }},
		{"tcp4", tcp4(1000, 80), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.TCPSrc, k.TCPDst = 6, a4(ipA), a4(ipB), 1000, 80
		}},
		{"udp4 dscp ecn", eth(macB, macA, 0x0800, ipv4(17, ipA, ipB, 46<<2|1, 64, 0, udp(53, 5353, nil))), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.UDPSrc, k.UDPDst, k.IPDSCP, k.IPECN = 17, a4(ipA), a4(ipB), 53, 5353, 46, 1
		}},
		{"sctp4", eth(macB, macA, 0x0800, ipv4(132, ipA, ipB, 0, 64, 0, sctp(7, 9))), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.SCTPSrc, k.SCTPDst = 132, a4(ipA), a4(ipB), 7, 9
		}},
		{"icmp4", eth(macB, macA, 0x0800, ipv4(1, ipA, ipB, 0, 64, 0, icmp(8, 0, nil))), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.ICMPv4Type = 1, a4(ipA), a4(ipB), 8
		}},
		{"first fragment", eth(macB, macA, 0x0800, ipv4(17, ipA, ipB, 0, 64, 0x2000, udp(1, 2, nil))), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.UDPSrc, k.UDPDst = 17, a4(ipA), a4(ipB), 1, 2
		}},
		{"later fragment", eth(macB, macA, 0x0800, ipv4(17, ipA, ipB, 0, 64, 0x0010, udp(1, 2, nil))), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst = 17, a4(ipA), a4(ipB)
		}},
		{"truncated tcp", eth(macB, macA, 0x0800, ipv4(6, ipA, ipB, 0, 64, 0, []byte{0, 1, 0, 2})), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.IPProto, k.IPv4Src, k.IPv4Dst = 6, a4(ipA), a4(ipB)
		}},
		{"vlan tcp4", vlan(tcp4(1, 2), 0x8100, 5<<13|100), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.VLANVID, k.VLANPCP = flow.VIDPresent|100, 5
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.TCPSrc, k.TCPDst = 6, a4(ipA), a4(ipB), 1, 2
		}},
		{"qinq outer", vlan(vlan(tcp4(1, 2), 0x8100, 7), 0x88a8, 3<<13|200), func(k *flow.Key) {
			*k = baseKey(0x0800)
			k.VLANVID, k.VLANPCP = flow.VIDPresent|200, 3
			k.IPProto, k.IPv4Src, k.IPv4Dst, k.TCPSrc, k.TCPDst = 6, a4(ipA), a4(ipB), 1, 2
		}},
		{"arp", eth(macB, macA, 0x0806, arp(1, macA, ipA, [6]byte{}, ipB)), func(k *flow.Key) {
			*k = baseKey(0x0806)
			k.ARPOp, k.ARPSHA, k.ARPSPA, k.ARPTPA = 1, openflow.EthAddr(macA), a4(ipA), a4(ipB)
		}},
		{"mpls", eth(macB, macA, 0x8847, []byte{0x01, 0x23, 0x4b, 64}), func(k *flow.Key) {
			*k = baseKey(0x8847)
			k.MPLSLabel, k.MPLSTC, k.MPLSBOS = 0x01234, 5, 1
		}},
		{"pbb", eth(macB, macA, 0x88e7, []byte{0, 0xab, 0xcd, 0xef}), func(k *flow.Key) {
			*k = baseKey(0x88e7)
			k.PBBISID = 0xabcdef
		}},
		{"tcp6", eth(macB, macA, 0x86dd, ipv6(6, ip6A, ip6B, nil, tcp(3, 4, nil))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst, k.TCPSrc, k.TCPDst = 6, a16(ip6A), a16(ip6B), 3, 4
		}},
		{"udp6 hop dest", eth(macB, macA, 0x86dd, ipv6(0, ip6A, ip6B, append(ext(60, 0), ext(17, 0)...), udp(3, 4, nil))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst, k.UDPSrc, k.UDPDst = 17, a16(ip6A), a16(ip6B), 3, 4
			k.IPv6Exthdr = exthdrHop | exthdrDest
		}},
		{"udp6 later fragment", eth(macB, macA, 0x86dd, ipv6(44, ip6A, ip6B, []byte{17, 0, 0, 8, 0, 0, 0, 1}, udp(3, 4, nil))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst = 17, a16(ip6A), a16(ip6B)
			k.IPv6Exthdr = exthdrFrag
		}},
		{"nd solicit", eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(135, ip6B, 1, macA))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst, k.ICMPv6Type = 58, a16(ip6A), a16(ip6B), 135
			k.IPv6NDTarget, k.IPv6NDSLL = a16(ip6B), openflow.EthAddr(macA)
		}},
		{"nd advert", eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(136, ip6A, 2, macB))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst, k.ICMPv6Type = 58, a16(ip6A), a16(ip6B), 136
			k.IPv6NDTarget, k.IPv6NDTLL = a16(ip6A), openflow.EthAddr(macB)
		}},
		{"icmp6 echo", eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, icmp(128, 0, nil))), func(k *flow.Key) {
			*k = baseKey(0x86dd)
			k.IPProto, k.IPv6Src, k.IPv6Dst, k.ICMPv6Type = 58, a16(ip6A), a16(ip6B), 128
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, want flow.Key
			Extract(tt.frame, 1, &got)
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Extract(%x) mismatch (-want +got):\n%s", tt.frame, diff)
			}
		})
	}
}

func TestExtractAllocs(t *testing.T) {
	frames := [][]byte{tcp4(1, 2), vlan(udp4(1, 2), 0x8100, 10),
		eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(135, ip6B, 1, macA)))}
	var k flow.Key
	if n := testing.AllocsPerRun(100, func() {
		for _, f := range frames {
			Extract(f, 1, &k)
		}
	}); n != 0 {
		t.Errorf("Extract allocs = %v; want 0", n)
	}
}

func BenchmarkExtract(b *testing.B) {
	for _, bc := range []struct {
		name  string
		frame []byte
	}{
		{"tcp4", tcp4(1000, 80)},
		{"vlan_udp4", vlan(udp4(1, 2), 0x8100, 10)},
		{"tcp6", eth(macB, macA, 0x86dd, ipv6(6, ip6A, ip6B, nil, tcp(3, 4, nil)))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var k flow.Key
			for b.Loop() {
				Extract(bc.frame, 1, &k)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(tcp4(1, 2))
	f.Add(vlan(udp4(1, 2), 0x88a8, 10))
	f.Add(eth(macB, macA, 0x86dd, ipv6(0, ip6A, ip6B, []byte{44, 0, 0, 0, 0, 0, 0, 0, 58, 0, 0, 0, 0, 0, 0, 0}, nd(135, ip6B, 1, macA))))
	f.Add(eth(macB, macA, 0x0806, arp(2, macA, ipA, macB, ipB)))
	f.Add(eth(macB, macA, 0x8847, []byte{1, 2, 3, 4}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var k flow.Key
		var l layout
		k.InPort = 3
		extract(b, &k, &l)
		if k.InPort != 3 {
			t.Fatalf("extract changed in_port to %v", k.InPort)
		}
		for _, o := range []int{l.vlan, l.ethType, l.mpls, l.l3, l.l4} {
			if o >= len(b) {
				t.Fatalf("extract(%x) offset %d beyond frame", b, o)
			}
		}
		if l.l4 >= 0 && l.l4+l.l4Len > len(b) {
			t.Fatalf("extract(%x) l4 %d+%d beyond frame", b, l.l4, l.l4Len)
		}
	})
}
