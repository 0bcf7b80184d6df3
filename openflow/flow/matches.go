package flow

import "encoding/binary"

// Matches reports whether packet key k matches m. It does not allocate.
func (m *Match) Matches(k *Key) bool {
	v, mk := &m.Key, &m.Mask
	return k.InPort&mk.InPort == v.InPort &&
		k.EthType&mk.EthType == v.EthType &&
		mac64(k.EthDst)&mac64(mk.EthDst) == mac64(v.EthDst) &&
		mac64(k.EthSrc)&mac64(mk.EthSrc) == mac64(v.EthSrc) &&
		k.VLANVID&mk.VLANVID == v.VLANVID &&
		k.VLANPCP&mk.VLANPCP == v.VLANPCP &&
		k.IPProto&mk.IPProto == v.IPProto &&
		be32(k.IPv4Src)&be32(mk.IPv4Src) == be32(v.IPv4Src) &&
		be32(k.IPv4Dst)&be32(mk.IPv4Dst) == be32(v.IPv4Dst) &&
		k.TCPSrc&mk.TCPSrc == v.TCPSrc && k.TCPDst&mk.TCPDst == v.TCPDst &&
		k.UDPSrc&mk.UDPSrc == v.UDPSrc && k.UDPDst&mk.UDPDst == v.UDPDst &&
		k.IPDSCP&mk.IPDSCP == v.IPDSCP && k.IPECN&mk.IPECN == v.IPECN &&
		k.Metadata&mk.Metadata == v.Metadata &&
		k.TunnelID&mk.TunnelID == v.TunnelID &&
		k.InPhyPort&mk.InPhyPort == v.InPhyPort &&
		k.ICMPv4Type&mk.ICMPv4Type == v.ICMPv4Type && k.ICMPv4Code&mk.ICMPv4Code == v.ICMPv4Code &&
		k.ARPOp&mk.ARPOp == v.ARPOp &&
		be32(k.ARPSPA)&be32(mk.ARPSPA) == be32(v.ARPSPA) &&
		be32(k.ARPTPA)&be32(mk.ARPTPA) == be32(v.ARPTPA) &&
		mac64(k.ARPSHA)&mac64(mk.ARPSHA) == mac64(v.ARPSHA) &&
		mac64(k.ARPTHA)&mac64(mk.ARPTHA) == mac64(v.ARPTHA) &&
		k.SCTPSrc&mk.SCTPSrc == v.SCTPSrc && k.SCTPDst&mk.SCTPDst == v.SCTPDst &&
		match128(&k.IPv6Src, &mk.IPv6Src, &v.IPv6Src) &&
		match128(&k.IPv6Dst, &mk.IPv6Dst, &v.IPv6Dst) &&
		k.IPv6FLabel&mk.IPv6FLabel == v.IPv6FLabel &&
		k.IPv6Exthdr&mk.IPv6Exthdr == v.IPv6Exthdr &&
		k.ICMPv6Type&mk.ICMPv6Type == v.ICMPv6Type && k.ICMPv6Code&mk.ICMPv6Code == v.ICMPv6Code &&
		match128(&k.IPv6NDTarget, &mk.IPv6NDTarget, &v.IPv6NDTarget) &&
		mac64(k.IPv6NDSLL)&mac64(mk.IPv6NDSLL) == mac64(v.IPv6NDSLL) &&
		mac64(k.IPv6NDTLL)&mac64(mk.IPv6NDTLL) == mac64(v.IPv6NDTLL) &&
		k.MPLSLabel&mk.MPLSLabel == v.MPLSLabel &&
		k.MPLSTC&mk.MPLSTC == v.MPLSTC && k.MPLSBOS&mk.MPLSBOS == v.MPLSBOS &&
		k.PBBISID&mk.PBBISID == v.PBBISID
}

func match128(k, mk, v *[16]byte) bool {
	return binary.BigEndian.Uint64(k[:8])&binary.BigEndian.Uint64(mk[:8]) == binary.BigEndian.Uint64(v[:8]) &&
		binary.BigEndian.Uint64(k[8:])&binary.BigEndian.Uint64(mk[8:]) == binary.BigEndian.Uint64(v[8:])
}
