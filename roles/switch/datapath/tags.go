package datapath

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow/flow"
)

// Pushes prepend into the headroom; when the headroom is used up the frame
// moves to the back of its buffer, or the push is skipped when the buffer
// is full (frames never grow past the buffer).

// grow makes room for n bytes before the frame, reporting false when the
// buffer cannot hold them.
func grow(p *packet, n int) bool {
	if p.start >= n {
		return true
	}
	if p.end+n > len(p.buf) {
		return false
	}
	copy(p.buf[p.start+n:], p.buf[p.start:p.end])
	p.start += n
	p.end += n
	return true
}

// pushVLAN inserts an outer tag with the given TPID after the MAC
// addresses; its VID and PCP copy an existing outer tag's, else zero.
func pushVLAN(p *packet, tpid uint16) {
	if p.end-p.start < 14 || !grow(p, 4) {
		return
	}
	var tci uint16
	if p.l.vlan >= 0 {
		tci = be16(p.frame()[p.l.vlan+2:])
	}
	b := p.buf
	s := p.start
	copy(b[s-4:], b[s:s+12])
	binary.BigEndian.PutUint16(b[s+8:], tpid)
	binary.BigEndian.PutUint16(b[s+10:], tci)
	p.start -= 4
	p.reparse()
	p.key.VLANVID |= flow.VIDPresent
}

// popVLAN removes the outer VLAN tag.
func popVLAN(p *packet) {
	if p.l.vlan < 0 {
		return
	}
	b := p.buf
	s := p.start
	copy(b[s+4:s+16], b[s:s+12])
	p.start += 4
	p.reparse()
}

// pushMPLS inserts a label stack entry after the Ethernet and VLAN headers
// and sets the EtherType to eth.
func pushMPLS(p *packet, eth uint16) {
	l := p.l
	if l.ethType < 0 || !grow(p, 4) {
		return
	}
	f := p.frame()
	var lse uint32
	switch {
	case l.mpls >= 0:
		lse = binary.BigEndian.Uint32(f[l.mpls:]) &^ (1 << 8)
	default:
		ttl, _ := ipTTL(p)
		lse = 1<<8 | uint32(ttl)
	}
	b, s, et := p.buf, p.start, l.ethType
	copy(b[s-4:], b[s:s+et])
	s -= 4
	binary.BigEndian.PutUint16(b[s+et:], eth)
	binary.BigEndian.PutUint32(b[s+et+2:], lse)
	p.start = s
	p.reparse()
}

// popMPLS removes the outer label stack entry; eth becomes the EtherType.
func popMPLS(p *packet, eth uint16) {
	l := p.l
	if l.mpls < 0 || p.end-p.start < l.mpls+4 {
		return
	}
	b, s := p.buf, p.start
	copy(b[s+4:], b[s:s+l.mpls])
	s += 4
	binary.BigEndian.PutUint16(b[s+l.ethType:], eth)
	p.start = s
	p.reparse()
}

// ipTTL returns the IP TTL or hop limit, or 64 when there is no IP header.
func ipTTL(p *packet) (uint8, bool) {
	if p.l.l3 < 0 {
		return 64, false
	}
	f := p.frame()
	switch p.key.EthType {
	case flow.EthTypeIPv4:
		return f[p.l.l3+8], true
	case flow.EthTypeIPv6:
		return f[p.l.l3+7], true
	}
	return 64, false
}

// setNWTTL sets (or with dec, decrements) the IP TTL. A decrement of a TTL
// of 0 or 1 drops the packet.
func setNWTTL(p *packet, ttl uint8, dec bool) bool {
	if p.l.l3 < 0 {
		return true
	}
	f := p.frame()
	l3 := p.l.l3
	switch p.key.EthType {
	case flow.EthTypeIPv4:
		if dec {
			if f[l3+8] <= 1 {
				return false
			}
			ttl = f[l3+8] - 1
		}
		var w [2]byte
		w[0], w[1] = ttl, f[l3+9]
		rewrite(f, l3+8, w[:], l3, l3+10)
	case flow.EthTypeIPv6:
		if dec {
			if f[l3+7] <= 1 {
				return false
			}
			ttl = f[l3+7] - 1
		}
		f[l3+7] = ttl
	}
	return true
}

// setMPLSTTL sets (or decrements) the outer MPLS TTL.
func setMPLSTTL(p *packet, ttl uint8, dec bool) bool {
	if p.l.mpls < 0 {
		return true
	}
	f := p.frame()
	i := p.l.mpls + 3
	if dec {
		if f[i] <= 1 {
			return false
		}
		ttl = f[i] - 1
	}
	f[i] = ttl
	return true
}

// innerTTL returns the TTL of the header inside the outer MPLS entry: the
// next entry's, or the IP header's under the bottom of the stack.
func innerTTL(p *packet) (uint8, bool) {
	m := p.l.mpls
	f := p.frame()
	if m < 0 || len(f) < m+8 {
		return 0, false
	}
	if f[m+2]&1 == 0 {
		return f[m+7], true
	}
	switch f[m+4] >> 4 {
	case 4:
		if len(f) >= m+4+20 {
			return f[m+4+8], true
		}
	case 6:
		if len(f) >= m+4+40 {
			return f[m+4+7], true
		}
	}
	return 0, false
}
