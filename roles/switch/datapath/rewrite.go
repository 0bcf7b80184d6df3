package datapath

import (
	"encoding/binary"
	"hash/crc32"
	"sync"

	"github.com/ofbox/ofbox/openflow/flow"
)

// modify applies a header-changing action to p. It reports false when the
// packet must be dropped (a TTL ran out).
func (w *worker) modify(p *packet, o *op) bool {
	switch o.kind {
	case opSetField:
		setField(p, o.field, o.val[:o.field.Len()])
	case opPushVLAN:
		pushVLAN(p, o.eth)
	case opPopVLAN:
		popVLAN(p)
	case opPushMPLS:
		pushMPLS(p, o.eth)
	case opPopMPLS:
		popMPLS(p, o.eth)
	case opDecNWTTL:
		if !setNWTTL(p, 0, true) {
			if w.d.invalidTTLToController.Load() {
				w.packetIn(p, flow.ReasonInvalidTTL, 0, 0, uint16(w.d.missSendLen.Load()))
			}
			return false
		}
	case opSetNWTTL:
		return setNWTTL(p, o.ttl, false)
	case opDecMPLSTTL:
		return setMPLSTTL(p, 0, true)
	case opSetMPLSTTL:
		return setMPLSTTL(p, o.ttl, false)
	case opCopyTTLOut:
		if t, ok := innerTTL(p); ok {
			setMPLSTTL(p, t, false)
		}
	case opCopyTTLIn:
		if p.l.mpls >= 0 {
			setNWTTL(p, p.frame()[p.l.mpls+3], false)
		}
	}
	return true
}

// csumAdjust updates a ones'-complement checksum for a 16-bit word that
// changed from old to new (RFC 1624, eqn. 3).
func csumAdjust(sum, old, new uint16) uint16 {
	s := uint32(^sum) + uint32(^old) + uint32(new)
	s = s>>16 + s&0xffff
	s = s>>16 + s&0xffff
	return ^uint16(s)
}

// rewrite stores val at f[off:] and adjusts the checksums at the given
// offsets (-1 for none) for the 16-bit words that changed. Word alignment
// is taken relative to base, the start of the checksummed region.
func rewrite(f []byte, off int, val []byte, base int, sums ...int) {
	lo := off - (off-base)&1
	hi := off + len(val)
	hi += (hi - base) & 1
	var old [20]byte
	copy(old[:], f[lo:hi])
	copy(f[off:], val)
	for _, c := range sums {
		if c < 0 {
			continue
		}
		sum := be16(f[c:])
		for i := lo; i < hi; i += 2 {
			sum = csumAdjust(sum, be16(old[i-lo:]), be16(f[i:]))
		}
		if sum == 0 {
			sum = 0xffff // the same in ones' complement, and UDP's "no checksum" is 0
		}
		binary.BigEndian.PutUint16(f[c:], sum)
	}
}

// l4Sum returns the offset of the transport checksum that covers the IP
// addresses (pseudo-header), or -1. A zero UDP checksum over IPv4 means
// none and is left alone.
func l4Sum(p *packet) int {
	if p.l.l4 < 0 {
		return -1
	}
	f := p.frame()
	switch p.key.IPProto {
	case flow.IPProtoTCP:
		return p.l.l4 + 16
	case flow.IPProtoUDP:
		c := p.l.l4 + 6
		if be16(f[c:]) == 0 && p.key.EthType == flow.EthTypeIPv4 {
			return -1
		}
		return c
	case flow.IPProtoICMPv6:
		return p.l.l4 + 2
	}
	return -1
}

// portSum returns the offset of the checksum that covers the transport
// ports and ICMP type and code, or -1.
func portSum(p *packet) int {
	if p.key.IPProto == flow.IPProtoICMP && p.l.l4 >= 0 {
		return p.l.l4 + 2
	}
	return l4Sum(p)
}

// setField rewrites field f of the frame to val and updates the key.
func setField(p *packet, f flow.Field, val []byte) {
	k, l := &p.key, &p.l
	b := p.frame()
	switch f {
	case flow.Metadata, flow.TunnelID:
		k.Set(f, val)
		return
	case flow.EthDst:
		copy(b[0:6], val)
	case flow.EthSrc:
		copy(b[6:12], val)
	case flow.EthType:
		if l.ethType >= 0 {
			copy(b[l.ethType:], val)
			p.reparse()
		}
		return
	case flow.VLANVID, flow.VLANPCP:
		if l.vlan < 0 {
			if f == flow.VLANPCP || be16(val)&0x0fff == 0 && be16(val)&flow.VIDPresent == 0 {
				return
			}
			pushVLAN(p, flow.EthTypeVLAN) // OpenFlow 1.0's set_vlan_vid tags untagged frames
			if l.vlan < 0 {
				return
			}
			b = p.frame()
		}
		tci := be16(b[l.vlan+2:])
		if f == flow.VLANVID {
			tci = tci&^0x0fff | be16(val)&0x0fff
		} else {
			tci = tci&0x1fff | uint16(val[0]&7)<<13
		}
		binary.BigEndian.PutUint16(b[l.vlan+2:], tci)
	case flow.IPDSCP, flow.IPECN:
		if l.l3 < 0 {
			return
		}
		switch k.EthType {
		case flow.EthTypeIPv4:
			tos := b[l.l3+1]
			if f == flow.IPDSCP {
				tos = tos&3 | val[0]<<2
			} else {
				tos = tos&^3 | val[0]&3
			}
			rewrite(b, l.l3+1, []byte{tos}, l.l3, l.l3+10)
		case flow.EthTypeIPv6:
			tc := b[l.l3]<<4 | b[l.l3+1]>>4
			if f == flow.IPDSCP {
				tc = tc&3 | val[0]<<2
			} else {
				tc = tc&^3 | val[0]&3
			}
			b[l.l3] = b[l.l3]&0xf0 | tc>>4
			b[l.l3+1] = b[l.l3+1]&0x0f | tc<<4
		default:
			return
		}
	case flow.IPv4Src, flow.IPv4Dst:
		if l.l3 < 0 || k.EthType != flow.EthTypeIPv4 {
			return
		}
		off := l.l3 + 12
		if f == flow.IPv4Dst {
			off += 4
		}
		rewrite(b, off, val, l.l3, l.l3+10, l4Sum(p))
	case flow.IPv6Src, flow.IPv6Dst:
		if l.l3 < 0 || k.EthType != flow.EthTypeIPv6 {
			return
		}
		off := l.l3 + 8
		if f == flow.IPv6Dst {
			off += 16
		}
		rewrite(b, off, val, l.l3, l4Sum(p))
	case flow.IPv6FLabel:
		if l.l3 < 0 || k.EthType != flow.EthTypeIPv6 {
			return
		}
		v := binary.BigEndian.Uint32(b[l.l3:])&^0xfffff | binary.BigEndian.Uint32(val)&0xfffff
		binary.BigEndian.PutUint32(b[l.l3:], v)
	case flow.TCPSrc, flow.TCPDst, flow.UDPSrc, flow.UDPDst, flow.SCTPSrc, flow.SCTPDst:
		if !l4Is(p, f) {
			return
		}
		off := l.l4
		if f == flow.TCPDst || f == flow.UDPDst || f == flow.SCTPDst {
			off += 2
		}
		if k.IPProto == flow.IPProtoSCTP {
			copy(b[off:], val)
			sctpSum(b[l.l4 : l.l4+l.l4Len])
		} else {
			rewrite(b, off, val, l.l4, portSum(p))
		}
	case flow.ICMPv4Type, flow.ICMPv4Code, flow.ICMPv6Type, flow.ICMPv6Code:
		if !l4Is(p, f) {
			return
		}
		off := l.l4
		if f == flow.ICMPv4Code || f == flow.ICMPv6Code {
			off++
		}
		rewrite(b, off, val, l.l4, portSum(p))
	case flow.IPv6NDTarget, flow.IPv6NDSLL, flow.IPv6NDTLL:
		if !ndHas(p, f) {
			return
		}
		off := l.l4 + 8
		if f != flow.IPv6NDTarget {
			off = ndOption(b[l.l4:l.l4+l.l4Len], f)
			if off < 0 {
				return
			}
			off += l.l4
		}
		rewrite(b, off, val, l.l4, l.l4+2)
	case flow.ARPOp, flow.ARPSHA, flow.ARPSPA, flow.ARPTHA, flow.ARPTPA:
		if l.l3 < 0 || (k.EthType != flow.EthTypeARP && k.EthType != flow.EthTypeRARP) {
			return
		}
		copy(b[l.l3+arpOffset(f):], val)
	case flow.MPLSLabel, flow.MPLSTC, flow.MPLSBOS:
		if l.mpls < 0 {
			return
		}
		lse := binary.BigEndian.Uint32(b[l.mpls:])
		v := uint32(getUint(val))
		switch f {
		case flow.MPLSLabel:
			lse = lse&0xfff | v<<12
		case flow.MPLSTC:
			lse = lse&^(7<<9) | (v&7)<<9
		default:
			lse = lse&^(1<<8) | (v&1)<<8
		}
		binary.BigEndian.PutUint32(b[l.mpls:], lse)
	case flow.PBBISID:
		if l.pbb < 0 {
			return
		}
		copy(b[l.pbb+1:], val[1:])
	default:
		return
	}
	k.Set(f, val)
	if f == flow.VLANVID {
		k.VLANVID |= flow.VIDPresent
	}
}

func getUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// l4Is reports whether p carries the transport header field f names.
func l4Is(p *packet, f flow.Field) bool {
	if p.l.l4 < 0 {
		return false
	}
	switch f {
	case flow.TCPSrc, flow.TCPDst:
		return p.key.IPProto == flow.IPProtoTCP
	case flow.UDPSrc, flow.UDPDst:
		return p.key.IPProto == flow.IPProtoUDP
	case flow.SCTPSrc, flow.SCTPDst:
		return p.key.IPProto == flow.IPProtoSCTP
	case flow.ICMPv4Type, flow.ICMPv4Code:
		return p.key.IPProto == flow.IPProtoICMP && p.key.EthType == flow.EthTypeIPv4
	}
	return p.key.IPProto == flow.IPProtoICMPv6 && p.key.EthType == flow.EthTypeIPv6
}

func ndHas(p *packet, f flow.Field) bool {
	k := &p.key
	if !l4Is(p, flow.ICMPv6Type) || k.ICMPv6Code != 0 || p.l.l4Len < 24 {
		return false
	}
	switch f {
	case flow.IPv6NDSLL:
		return k.ICMPv6Type == flow.ICMPv6NeighborSolicit
	case flow.IPv6NDTLL:
		return k.ICMPv6Type == flow.ICMPv6NeighborAdvert
	}
	return k.ICMPv6Type == flow.ICMPv6NeighborSolicit || k.ICMPv6Type == flow.ICMPv6NeighborAdvert
}

// ndOption returns the offset within the ICMPv6 message of the address in
// the link-layer address option for f, or -1.
func ndOption(t []byte, f flow.Field) int {
	want := byte(1)
	if f == flow.IPv6NDTLL {
		want = 2
	}
	for o := 24; o+8 <= len(t); {
		ol := int(t[o+1]) * 8
		if ol == 0 || o+ol > len(t) {
			return -1
		}
		if t[o] == want && ol == 8 {
			return o + 2
		}
		o += ol
	}
	return -1
}

// castagnoli is the CRC32c table, made on first use (SCTP only): building
// it costs about 16 ms at start-up under emulation, on the VM's boot path.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// sctpSum recomputes an SCTP packet's CRC32c.
func sctpSum(s []byte) {
	s[8], s[9], s[10], s[11] = 0, 0, 0, 0
	binary.LittleEndian.PutUint32(s[8:], crc32.Checksum(s, castagnoli()))
}

// arpOffset is where an ARP field starts in the ARP header.
func arpOffset(f flow.Field) int {
	switch f {
	case flow.ARPOp:
		return 6
	case flow.ARPSHA:
		return 8
	case flow.ARPSPA:
		return 14
	case flow.ARPTHA:
		return 18
	}
	return 24
}
