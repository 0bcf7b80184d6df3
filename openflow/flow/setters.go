package flow

import (
	"net/netip"

	"github.com/ofbox/ofbox/openflow"
)

// Typed setters: each matches one field exactly (or under the mask given),
// keeps the invariant that no value bit lies outside its mask, and drops
// bits beyond the field's width. Prefix setters ignore a prefix of the
// wrong family or an invalid one, leaving m unchanged.

func (m *Match) SetInPort(p PortNo)    { m.Key.InPort, m.Mask.InPort = p, 0xffffffff }
func (m *Match) SetInPhyPort(p PortNo) { m.Key.InPhyPort, m.Mask.InPhyPort = p, 0xffffffff }
func (m *Match) SetEthType(t uint16)   { m.Key.EthType, m.Mask.EthType = t, 0xffff }
func (m *Match) SetIPProto(p uint8)    { m.Key.IPProto, m.Mask.IPProto = p, 0xff }
func (m *Match) SetIPDSCP(d uint8)     { m.Key.IPDSCP, m.Mask.IPDSCP = d&0x3f, 0x3f }
func (m *Match) SetIPECN(e uint8)      { m.Key.IPECN, m.Mask.IPECN = e&3, 3 }
func (m *Match) SetVLANPCP(p uint8)    { m.Key.VLANPCP, m.Mask.VLANPCP = p&7, 7 }
func (m *Match) SetTCPSrc(p uint16)    { m.Key.TCPSrc, m.Mask.TCPSrc = p, 0xffff }
func (m *Match) SetTCPDst(p uint16)    { m.Key.TCPDst, m.Mask.TCPDst = p, 0xffff }
func (m *Match) SetUDPSrc(p uint16)    { m.Key.UDPSrc, m.Mask.UDPSrc = p, 0xffff }
func (m *Match) SetUDPDst(p uint16)    { m.Key.UDPDst, m.Mask.UDPDst = p, 0xffff }
func (m *Match) SetSCTPSrc(p uint16)   { m.Key.SCTPSrc, m.Mask.SCTPSrc = p, 0xffff }
func (m *Match) SetSCTPDst(p uint16)   { m.Key.SCTPDst, m.Mask.SCTPDst = p, 0xffff }
func (m *Match) SetICMPv4Type(t uint8) { m.Key.ICMPv4Type, m.Mask.ICMPv4Type = t, 0xff }
func (m *Match) SetICMPv4Code(c uint8) { m.Key.ICMPv4Code, m.Mask.ICMPv4Code = c, 0xff }
func (m *Match) SetICMPv6Type(t uint8) { m.Key.ICMPv6Type, m.Mask.ICMPv6Type = t, 0xff }
func (m *Match) SetICMPv6Code(c uint8) { m.Key.ICMPv6Code, m.Mask.ICMPv6Code = c, 0xff }
func (m *Match) SetARPOp(op uint16)    { m.Key.ARPOp, m.Mask.ARPOp = op, 0xffff }
func (m *Match) SetMPLSLabel(l uint32) { m.Key.MPLSLabel, m.Mask.MPLSLabel = l&0xfffff, 0xfffff }
func (m *Match) SetMPLSTC(tc uint8)    { m.Key.MPLSTC, m.Mask.MPLSTC = tc&7, 7 }
func (m *Match) SetMPLSBOS(bos uint8)  { m.Key.MPLSBOS, m.Mask.MPLSBOS = bos&1, 1 }

func (m *Match) SetIPv6NDSLL(a openflow.EthAddr) { m.Key.IPv6NDSLL, m.Mask.IPv6NDSLL = a, allOnesMAC }
func (m *Match) SetIPv6NDTLL(a openflow.EthAddr) { m.Key.IPv6NDTLL, m.Mask.IPv6NDTLL = a, allOnesMAC }

var allOnesMAC = openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func maskMAC(a, mask openflow.EthAddr) openflow.EthAddr {
	for i := range a {
		a[i] &= mask[i]
	}
	return a
}

func (m *Match) SetEthDst(a, mask openflow.EthAddr) {
	m.Key.EthDst, m.Mask.EthDst = maskMAC(a, mask), mask
}
func (m *Match) SetEthSrc(a, mask openflow.EthAddr) {
	m.Key.EthSrc, m.Mask.EthSrc = maskMAC(a, mask), mask
}
func (m *Match) SetARPSHA(a, mask openflow.EthAddr) {
	m.Key.ARPSHA, m.Mask.ARPSHA = maskMAC(a, mask), mask
}
func (m *Match) SetARPTHA(a, mask openflow.EthAddr) {
	m.Key.ARPTHA, m.Mask.ARPTHA = maskMAC(a, mask), mask
}

func (m *Match) SetMetadata(v, mask uint64) { m.Key.Metadata, m.Mask.Metadata = v&mask, mask }
func (m *Match) SetTunnelID(v, mask uint64) { m.Key.TunnelID, m.Mask.TunnelID = v&mask, mask }

func (m *Match) SetIPv6FLabel(v, mask uint32) {
	mask &= 0xfffff
	m.Key.IPv6FLabel, m.Mask.IPv6FLabel = v&mask, mask
}

func (m *Match) SetPBBISID(v, mask uint32) {
	mask &= 0xffffff
	m.Key.PBBISID, m.Mask.PBBISID = v&mask, mask
}

func (m *Match) SetIPv6Exthdr(v, mask uint16) {
	mask &= 0x1ff
	m.Key.IPv6Exthdr, m.Mask.IPv6Exthdr = v&mask, mask
}

// SetVLANVID matches the raw OXM vlan_vid value (VIDPresent|vid, or 0 for
// untagged) under mask.
func (m *Match) SetVLANVID(v, mask uint16) {
	mask &= 0x1fff
	m.Key.VLANVID, m.Mask.VLANVID = v&mask, mask
}

// SetVLAN matches packets tagged with VLAN id vid (ovs-ofctl dl_vlan=vid).
func (m *Match) SetVLAN(vid uint16) { m.SetVLANVID(VIDPresent|vid&0xfff, 0x1fff) }

// SetNoVLAN matches untagged packets (ovs-ofctl dl_vlan=0xffff).
func (m *Match) SetNoVLAN() { m.SetVLANVID(0, 0x1fff) }

// SetAnyVLAN matches tagged packets whatever their id
// (vlan_vid=0x1000/0x1000).
func (m *Match) SetAnyVLAN() { m.SetVLANVID(VIDPresent, VIDPresent) }

// prefix4 returns the address and mask of an IPv4 prefix.
func prefix4(p netip.Prefix) (a, mask [4]byte, ok bool) {
	if !p.IsValid() || !p.Addr().Is4() {
		return a, mask, false
	}
	p = p.Masked()
	a = p.Addr().As4()
	putUint(mask[:], uint64(^uint32(0)<<(32-p.Bits()))) // a shift by 32 gives 0
	return a, mask, true
}

// prefix16 returns the address and mask of an IPv6 prefix.
func prefix16(p netip.Prefix) (a, mask [16]byte, ok bool) {
	if !p.IsValid() || !p.Addr().Is6() || p.Addr().Is4In6() {
		return a, mask, false
	}
	p = p.Masked()
	a = p.Addr().As16()
	for i := range p.Bits() {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	return a, mask, true
}

func (m *Match) SetIPv4Src(p netip.Prefix) { set4(&m.Key.IPv4Src, &m.Mask.IPv4Src, p) }
func (m *Match) SetIPv4Dst(p netip.Prefix) { set4(&m.Key.IPv4Dst, &m.Mask.IPv4Dst, p) }
func (m *Match) SetARPSPA(p netip.Prefix)  { set4(&m.Key.ARPSPA, &m.Mask.ARPSPA, p) }
func (m *Match) SetARPTPA(p netip.Prefix)  { set4(&m.Key.ARPTPA, &m.Mask.ARPTPA, p) }
func (m *Match) SetIPv6Src(p netip.Prefix) { set16(&m.Key.IPv6Src, &m.Mask.IPv6Src, p) }
func (m *Match) SetIPv6Dst(p netip.Prefix) { set16(&m.Key.IPv6Dst, &m.Mask.IPv6Dst, p) }

// SetIPv6NDTarget matches the neighbour discovery target address a.
func (m *Match) SetIPv6NDTarget(a netip.Addr) {
	if a.Is6() && !a.Is4In6() {
		set16(&m.Key.IPv6NDTarget, &m.Mask.IPv6NDTarget, netip.PrefixFrom(a, 128))
	}
}

func set4(v, mask *[4]byte, p netip.Prefix) {
	if a, mk, ok := prefix4(p); ok {
		*v, *mask = a, mk
	}
}

func set16(v, mask *[16]byte, p netip.Prefix) {
	if a, mk, ok := prefix16(p); ok {
		*v, *mask = a, mk
	}
}

// Getters for the fields apps read most; the rest are m.Key.X under
// m.Mask.X.

// InPort returns the matched in_port.
func (m *Match) InPort() (PortNo, bool) { return m.Key.InPort, m.Mask.InPort != 0 }

// EthType returns the matched eth_type.
func (m *Match) EthType() (uint16, bool) { return m.Key.EthType, m.Mask.EthType != 0 }

// IPProto returns the matched ip_proto.
func (m *Match) IPProto() (uint8, bool) { return m.Key.IPProto, m.Mask.IPProto != 0 }

// IPv4Src returns ip_src as a prefix; false if unmatched or the mask is
// not a prefix.
func (m *Match) IPv4Src() (netip.Prefix, bool) { return getPrefix4(m.Key.IPv4Src, m.Mask.IPv4Src) }

// IPv4Dst returns ip_dst as a prefix.
func (m *Match) IPv4Dst() (netip.Prefix, bool) { return getPrefix4(m.Key.IPv4Dst, m.Mask.IPv4Dst) }

// IPv6Src returns ipv6_src as a prefix.
func (m *Match) IPv6Src() (netip.Prefix, bool) { return getPrefix16(m.Key.IPv6Src, m.Mask.IPv6Src) }

// IPv6Dst returns ipv6_dst as a prefix.
func (m *Match) IPv6Dst() (netip.Prefix, bool) { return getPrefix16(m.Key.IPv6Dst, m.Mask.IPv6Dst) }

// prefixLen returns the number of leading one bits of mask and whether
// mask is exactly that prefix.
func prefixLen(mask []byte) (int, bool) {
	n := 0
	for _, c := range mask {
		for bit := byte(0x80); bit != 0; bit >>= 1 {
			if c&bit == 0 {
				goto rest
			}
			n++
		}
	}
rest:
	for i := range mask {
		for j := range 8 {
			if i*8+j >= n && mask[i]&(0x80>>j) != 0 {
				return n, false
			}
		}
	}
	return n, true
}

func getPrefix4(a, mask [4]byte) (netip.Prefix, bool) {
	n, ok := prefixLen(mask[:])
	if !ok || n == 0 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(netip.AddrFrom4(a), n), true
}

func getPrefix16(a, mask [16]byte) (netip.Prefix, bool) {
	n, ok := prefixLen(mask[:])
	if !ok || n == 0 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(netip.AddrFrom16(a), n), true
}
