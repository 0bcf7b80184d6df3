package datapath

import (
	"encoding/binary"
	"net/netip"
)

// Frame builders for tests. Checksums are computed in full so that tests
// can check the datapath's incremental updates against them.

var (
	macA = [6]byte{0x02, 0, 0, 0, 0, 0x0a}
	macB = [6]byte{0x02, 0, 0, 0, 0, 0x0b}
	ipA  = netip.MustParseAddr("10.0.0.1")
	ipB  = netip.MustParseAddr("10.0.0.2")
	ip6A = netip.MustParseAddr("2001:db8::1")
	ip6B = netip.MustParseAddr("2001:db8::2")
)

func eth(dst, src [6]byte, typ uint16, payload []byte) []byte {
	b := append(append([]byte{}, dst[:]...), src[:]...)
	b = binary.BigEndian.AppendUint16(b, typ)
	return append(b, payload...)
}

// vlan inserts a tag with the given TPID after the MAC addresses.
func vlan(f []byte, tpid, tci uint16) []byte {
	b := append([]byte{}, f[:12]...)
	b = binary.BigEndian.AppendUint16(b, tpid)
	b = binary.BigEndian.AppendUint16(b, tci)
	return append(b, f[12:]...)
}

func csum(sum uint32, b []byte) uint32 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

func ipv4(proto uint8, src, dst netip.Addr, tos, ttl uint8, frag uint16, l4 []byte) []byte {
	h := make([]byte, 20)
	h[0], h[1] = 0x45, tos
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(l4)))
	binary.BigEndian.PutUint16(h[6:], frag)
	h[8], h[9] = ttl, proto
	s4, d4 := src.As4(), dst.As4()
	copy(h[12:], s4[:])
	copy(h[16:], d4[:])
	binary.BigEndian.PutUint16(h[10:], fold(csum(0, h)))
	l4 = append([]byte{}, l4...)
	if frag&0x1fff == 0 {
		fixL4(proto, l4, pseudo(proto, s4[:], d4[:], len(l4)))
	}
	return append(h, l4...)
}

func ipv6(next uint8, src, dst netip.Addr, ext, l4 []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(ext)+len(l4)))
	h[6], h[7] = next, 64
	s, d := src.As16(), dst.As16()
	copy(h[8:], s[:])
	copy(h[24:], d[:])
	l4 = append([]byte{}, l4...)
	proto := next
	if len(ext) > 0 {
		proto = ext[len(ext)-8] // tests put the last ext header's next last
	}
	fixL4(proto, l4, pseudo(proto, s[:], d[:], len(l4)))
	return append(append(h, ext...), l4...)
}

func pseudo(proto uint8, src, dst []byte, n int) uint32 {
	s := csum(csum(0, src), dst)
	return s + uint32(proto) + uint32(n)
}

// fixL4 fills in the checksum of a TCP, UDP or ICMP header.
func fixL4(proto uint8, l4 []byte, ps uint32) {
	switch proto {
	case 6:
		if len(l4) >= 20 {
			l4[16], l4[17] = 0, 0
			binary.BigEndian.PutUint16(l4[16:], fold(csum(ps, l4)))
		}
	case 17:
		if len(l4) >= 8 {
			l4[6], l4[7] = 0, 0
			binary.BigEndian.PutUint16(l4[6:], fold(csum(ps, l4)))
		}
	case 1:
		if len(l4) >= 4 {
			l4[2], l4[3] = 0, 0
			binary.BigEndian.PutUint16(l4[2:], fold(csum(0, l4)))
		}
	case 58:
		if len(l4) >= 4 {
			l4[2], l4[3] = 0, 0
			binary.BigEndian.PutUint16(l4[2:], fold(csum(ps, l4)))
		}
	}
}

func tcp(src, dst uint16, payload []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], src)
	binary.BigEndian.PutUint16(h[2:], dst)
	h[12] = 5 << 4
	h[13] = 0x18
	return append(h, payload...)
}

func udp(src, dst uint16, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h[0:], src)
	binary.BigEndian.PutUint16(h[2:], dst)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return append(h, payload...)
}

func sctp(src, dst uint16) []byte {
	h := make([]byte, 12)
	binary.BigEndian.PutUint16(h[0:], src)
	binary.BigEndian.PutUint16(h[2:], dst)
	return h
}

func icmp(typ, code uint8, rest []byte) []byte {
	return append([]byte{typ, code, 0, 0, 0, 1, 0, 1}, rest...)
}

func arp(op uint16, sha [6]byte, spa netip.Addr, tha [6]byte, tpa netip.Addr) []byte {
	b := []byte{0, 1, 8, 0, 6, 4}
	b = binary.BigEndian.AppendUint16(b, op)
	s, t := spa.As4(), tpa.As4()
	b = append(append(b, sha[:]...), s[:]...)
	return append(append(b, tha[:]...), t[:]...)
}

// nd builds a neighbour solicitation (135) or advertisement (136) with a
// link-layer address option.
func nd(typ uint8, target netip.Addr, opt uint8, ll [6]byte) []byte {
	b := []byte{typ, 0, 0, 0, 0, 0, 0, 0}
	t := target.As16()
	b = append(b, t[:]...)
	b = append(b, opt, 1)
	return append(b, ll[:]...)
}

// tcp4 is a TCP/IPv4 frame from A to B.
func tcp4(sport, dport uint16) []byte {
	return eth(macB, macA, 0x0800, ipv4(6, ipA, ipB, 0, 64, 0, tcp(sport, dport, []byte("hello"))))
}

// udp4 is a UDP/IPv4 frame from A to B.
func udp4(sport, dport uint16) []byte {
	return eth(macB, macA, 0x0800, ipv4(17, ipA, ipB, 0, 64, 0, udp(sport, dport, []byte("hello"))))
}

// checkIPv4Sums reports whether the IPv4 header and transport checksums of
// frame f (IPv4 at offset l3) verify.
func checkIPv4Sums(f []byte, l3 int) bool {
	h := f[l3:]
	ihl := int(h[0]&15) * 4
	if fold(csum(0, h[:ihl])) != 0 {
		return false
	}
	total := int(binary.BigEndian.Uint16(h[2:]))
	l4 := h[ihl:total]
	ps := pseudo(h[9], h[12:16], h[16:20], len(l4))
	switch h[9] {
	case 6:
		return fold(csum(ps, l4)) == 0
	case 17:
		return binary.BigEndian.Uint16(l4[6:]) == 0 || fold(csum(ps, l4)) == 0
	case 1:
		return fold(csum(0, l4)) == 0
	}
	return true
}

// checkIPv6Sums verifies the transport checksum of IPv6 frame f without
// extension headers.
func checkIPv6Sums(f []byte, l3 int) bool {
	h := f[l3:]
	l4 := h[40 : 40+int(binary.BigEndian.Uint16(h[4:]))]
	return fold(csum(pseudo(h[6], h[8:24], h[24:40], len(l4)), l4)) == 0
}
