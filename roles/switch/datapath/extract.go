package datapath

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow/flow"
)

// layout records where a frame's headers start, so that actions can
// rewrite them. An offset of -1 means the header is absent.
type layout struct {
	vlan    int // outer VLAN tag (its TPID)
	ethType int // the EtherType field that names the L3 protocol
	mpls    int // outer MPLS label stack entry
	pbb     int // PBB I-TAG
	l3      int // IPv4, IPv6 or ARP header
	l4      int // TCP, UDP, SCTP or ICMP header; -1 on later fragments
	l4Len   int // bytes from l4 to the end of the IP payload
}

// OpenFlow 1.3 ipv6_exthdr pseudo-field bits (OFPIEH_*).
const (
	exthdrNoNext = 1 << 0
	exthdrESP    = 1 << 1
	exthdrAuth   = 1 << 2
	exthdrDest   = 1 << 3
	exthdrFrag   = 1 << 4
	exthdrRouter = 1 << 5
	exthdrHop    = 1 << 6
	exthdrUnrep  = 1 << 7
	exthdrUnseq  = 1 << 8
)

// maxExtHeaders bounds the IPv6 extension header chain the parser walks.
const maxExtHeaders = 8

// ethTypeNone is the eth_type Open vSwitch gives 802.2 frames without SNAP.
const ethTypeNone = 0x05ff

// Extract parses frame into k: every field flow.Key holds that the frame
// carries, with InPort set to inPort and the other pipeline fields zero.
// Fields of headers the frame lacks, or that are truncated, stay zero.
// It does not allocate.
func Extract(frame []byte, inPort flow.PortNo, k *flow.Key) {
	var l layout
	*k = flow.Key{InPort: inPort}
	extract(frame, k, &l)
}

// extract fills the packet fields of k (which the caller zeroed, apart from
// the pipeline fields) and the header offsets of l.
func extract(b []byte, k *flow.Key, l *layout) {
	*l = layout{vlan: -1, ethType: -1, mpls: -1, pbb: -1, l3: -1, l4: -1}
	if len(b) < 14 {
		return
	}
	copy(k.EthDst[:], b[0:6])
	copy(k.EthSrc[:], b[6:12])
	off := 12
	typ := be16(b[off:])
	if typ == flow.EthTypeVLAN || typ == flow.EthTypeQinQ {
		if len(b) < off+4+2 {
			return
		}
		l.vlan = off
		tci := be16(b[off+2:])
		k.VLANVID = flow.VIDPresent | tci&0x0fff
		k.VLANPCP = uint8(tci >> 13)
		off += 4
		typ = be16(b[off:])
		// Inner tags are skipped: OpenFlow matches the outer one only.
		for (typ == flow.EthTypeVLAN || typ == flow.EthTypeQinQ) && len(b) >= off+4+2 {
			off += 4
			typ = be16(b[off:])
		}
	}
	l.ethType = off
	off += 2
	if typ < 0x0600 { // 802.3 length: look for LLC/SNAP
		if len(b) >= off+8 && b[off] == 0xaa && b[off+1] == 0xaa && b[off+2] == 0x03 &&
			b[off+3] == 0 && b[off+4] == 0 && b[off+5] == 0 {
			l.ethType = off + 6
			typ = be16(b[off+6:])
			off += 8
		} else {
			k.EthType = ethTypeNone
			return
		}
	}
	k.EthType = typ
	switch typ {
	case flow.EthTypeIPv4:
		extractIPv4(b, off, k, l)
	case flow.EthTypeIPv6:
		extractIPv6(b, off, k, l)
	case flow.EthTypeARP, flow.EthTypeRARP:
		extractARP(b, off, k, l)
	case flow.EthTypeMPLS, flow.EthTypeMPLSMcast:
		if len(b) >= off+4 {
			l.mpls = off
			lse := binary.BigEndian.Uint32(b[off:])
			k.MPLSLabel = lse >> 12
			k.MPLSTC = uint8(lse>>9) & 7
			k.MPLSBOS = uint8(lse>>8) & 1
		}
	case flow.EthTypePBB:
		if len(b) >= off+4 {
			l.pbb = off
			k.PBBISID = binary.BigEndian.Uint32(b[off:]) & 0xffffff
		}
	}
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func extractARP(b []byte, off int, k *flow.Key, l *layout) {
	if len(b) < off+28 {
		return
	}
	a := b[off:]
	// Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4.
	if be16(a[0:]) != 1 || be16(a[2:]) != flow.EthTypeIPv4 || a[4] != 6 || a[5] != 4 {
		return
	}
	l.l3 = off
	k.ARPOp = be16(a[6:])
	copy(k.ARPSHA[:], a[8:14])
	copy(k.ARPSPA[:], a[14:18])
	copy(k.ARPTHA[:], a[18:24])
	copy(k.ARPTPA[:], a[24:28])
}

func extractIPv4(b []byte, off int, k *flow.Key, l *layout) {
	if len(b) < off+20 {
		return
	}
	h := b[off:]
	ihl := int(h[0]&0x0f) * 4
	if h[0]>>4 != 4 || ihl < 20 || len(h) < ihl {
		return
	}
	l.l3 = off
	k.IPDSCP = h[1] >> 2
	k.IPECN = h[1] & 3
	k.IPProto = h[9]
	copy(k.IPv4Src[:], h[12:16])
	copy(k.IPv4Dst[:], h[16:20])
	total := int(be16(h[2:]))
	if total < ihl || total > len(h) {
		total = len(h) // trust the frame, not a bad length
	}
	if be16(h[6:])&0x1fff != 0 {
		return // a later fragment: no transport header
	}
	extractL4(b, off+ihl, off+total, k, l)
}

func extractIPv6(b []byte, off int, k *flow.Key, l *layout) {
	if len(b) < off+40 {
		return
	}
	h := b[off:]
	if h[0]>>4 != 6 {
		return
	}
	l.l3 = off
	tc := h[0]<<4 | h[1]>>4
	k.IPDSCP = tc >> 2
	k.IPECN = tc & 3
	k.IPv6FLabel = binary.BigEndian.Uint32(h[0:]) & 0xfffff
	copy(k.IPv6Src[:], h[8:24])
	copy(k.IPv6Dst[:], h[24:40])
	end := off + 40 + int(be16(h[4:]))
	if end > len(b) {
		end = len(b)
	}
	next := h[6]
	p := off + 40
	var ext uint16
	later := false // a later fragment
	for range maxExtHeaders {
		var bit uint16
		hl := 0
		switch next {
		case 0:
			bit = exthdrHop
		case 43:
			bit = exthdrRouter
		case 60:
			bit = exthdrDest
		case 51:
			bit = exthdrAuth
		case 44:
			bit = exthdrFrag
			hl = 8
		case 50:
			ext |= exthdrESP
		case 59:
			ext |= exthdrNoNext
		}
		if bit == 0 {
			break
		}
		if p+8 > end {
			break
		}
		if ext&bit != 0 {
			ext |= exthdrUnrep
		}
		ext |= bit
		switch {
		case hl == 8: // fragment header
			if be16(b[p+2:])&0xfff8 != 0 {
				later = true
			}
		case next == 51:
			hl = (int(b[p+1]) + 2) * 4
		default:
			hl = (int(b[p+1]) + 1) * 8
		}
		next = b[p]
		p += hl
	}
	k.IPv6Exthdr = ext
	k.IPProto = next
	if later || p > end {
		return
	}
	extractL4(b, p, end, k, l)
}

// extractL4 parses the transport header at b[off:end] for k.IPProto.
func extractL4(b []byte, off, end int, k *flow.Key, l *layout) {
	n := end - off
	t := b[off:end]
	switch k.IPProto {
	case flow.IPProtoTCP:
		if n < 20 {
			return
		}
		k.TCPSrc, k.TCPDst = be16(t[0:]), be16(t[2:])
	case flow.IPProtoUDP:
		if n < 8 {
			return
		}
		k.UDPSrc, k.UDPDst = be16(t[0:]), be16(t[2:])
	case flow.IPProtoSCTP:
		if n < 12 {
			return
		}
		k.SCTPSrc, k.SCTPDst = be16(t[0:]), be16(t[2:])
	case flow.IPProtoICMP:
		if n < 4 || k.EthType != flow.EthTypeIPv4 {
			return
		}
		k.ICMPv4Type, k.ICMPv4Code = t[0], t[1]
	case flow.IPProtoICMPv6:
		if n < 4 || k.EthType != flow.EthTypeIPv6 {
			return
		}
		k.ICMPv6Type, k.ICMPv6Code = t[0], t[1]
		extractND(t, k)
	default:
		return
	}
	l.l4, l.l4Len = off, n
}

// extractND parses a neighbour solicitation or advertisement: its target
// and the source or target link-layer address option.
func extractND(t []byte, k *flow.Key) {
	typ := k.ICMPv6Type
	if (typ != flow.ICMPv6NeighborSolicit && typ != flow.ICMPv6NeighborAdvert) || k.ICMPv6Code != 0 || len(t) < 24 {
		return
	}
	copy(k.IPv6NDTarget[:], t[8:24])
	for o := t[24:]; len(o) >= 8; {
		ol := int(o[1]) * 8
		if ol == 0 || ol > len(o) {
			return
		}
		if ol == 8 {
			switch {
			case o[0] == 1 && typ == flow.ICMPv6NeighborSolicit:
				copy(k.IPv6NDSLL[:], o[2:8])
			case o[0] == 2 && typ == flow.ICMPv6NeighborAdvert:
				copy(k.IPv6NDTLL[:], o[2:8])
			}
		}
		o = o[ol:]
	}
}
