package netstack

import "encoding/binary"

// gso describes a large GSO frame (a TCP or UDP super-frame that the
// sender's stack left for the NIC to cut, which veth and virtio-net pass on
// whole) and cuts it into wire-sized frames, as the NIC would have.
type gso struct {
	l3, l4, hdrLen, mss, segs int
	ipv4, tcp                 bool
}

// parseGSO reads a GSO frame's layout from its headers and vnet header.
// It returns false for what it does not segment: UFO (gsoUDP, IP
// fragmentation), unknown types, inconsistent offsets.
func parseGSO(f []byte, h vnetHdr) (gso, bool) {
	var g gso
	switch h.gsoType &^ gsoECN {
	case gsoTCPv4, gsoTCPv6:
		g.tcp = true
	case gsoUDPL4:
	default:
		return g, false
	}
	off := 12
	for {
		if off+2 > len(f) {
			return g, false
		}
		et := binary.BigEndian.Uint16(f[off:])
		off += 2
		if et == 0x8100 || et == 0x88a8 {
			off += 2
			continue
		}
		if et != 0x0800 && et != 0x86dd {
			return g, false
		}
		break
	}
	g.l3, g.l4, g.mss = off, int(h.csumStart), int(h.gsoSize)
	if g.mss == 0 || g.l3 >= len(f) || g.l4+20 > len(f) {
		return g, false
	}
	g.ipv4 = f[g.l3]>>4 == 4
	minL4 := g.l3 + 40
	if g.ipv4 {
		minL4 = g.l3 + int(f[g.l3]&0xf)*4
	}
	if g.l4 < minL4 {
		return g, false
	}
	g.hdrLen = g.l4 + 8
	if g.tcp {
		g.hdrLen = g.l4 + int(f[g.l4+12]>>4)*4
	}
	if g.hdrLen > len(f) {
		return g, false
	}
	g.segs = max(1, (len(f)-g.hdrLen+g.mss-1)/g.mss)
	return g, true
}

// segLen is the length of segment i.
func (g *gso) segLen(f []byte, i int) int {
	start := g.hdrLen + i*g.mss
	return g.hdrLen + min(g.mss, len(f)-start)
}

// segment writes segment i of the GSO frame f into dst and returns its
// length, or -1 if dst is too small. dst may be f itself only for segment 0,
// which must then be cut last. Checksums are computed in full.
func (g *gso) segment(dst, f []byte, i int) int {
	start := g.hdrLen + i*g.mss
	end := min(start+g.mss, len(f))
	n := g.hdrLen + end - start
	if n > len(dst) {
		return -1
	}
	copy(dst[g.hdrLen:], f[start:end])
	copy(dst, f[:g.hdrLen])
	ip := dst[g.l3:n]
	if g.ipv4 {
		ihl := int(ip[0]&0xf) * 4
		binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
		binary.BigEndian.PutUint16(ip[4:], binary.BigEndian.Uint16(f[g.l3+4:])+uint16(i))
		ip[10], ip[11] = 0, 0
		binary.BigEndian.PutUint16(ip[10:], ^csumFold(csumAdd(0, ip[:ihl])))
	} else {
		binary.BigEndian.PutUint16(ip[4:], uint16(len(ip)-40))
	}
	l4 := dst[g.l4:n]
	if g.tcp {
		binary.BigEndian.PutUint32(l4[4:], binary.BigEndian.Uint32(f[g.l4+4:])+uint32(i*g.mss))
		flags := f[g.l4+13]
		if i != 0 {
			flags &^= 0x80 // CWR only on the first
		}
		if i != g.segs-1 {
			flags &^= 0x01 | 0x08 // FIN and PSH only on the last
		}
		l4[13] = flags
		l4[16], l4[17] = 0, 0
		binary.BigEndian.PutUint16(l4[16:], ^csumFold(csumAdd(pseudoSum(ip, 6, len(l4)), l4)))
		return n
	}
	binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
	l4[6], l4[7] = 0, 0
	sum := ^csumFold(csumAdd(pseudoSum(ip, 17, len(l4)), l4))
	if sum == 0 {
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(l4[6:], sum)
	return n
}
