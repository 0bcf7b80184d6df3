package netstack

import "encoding/binary"

// csumAdd adds b to the ones-complement sum acc, eight bytes at a time.
// b is taken as big-endian 16-bit words; an odd last byte is padded with
// zero, as RFC 1071 says.
func csumAdd(acc uint64, b []byte) uint64 {
	for len(b) >= 32 {
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
	}
	for len(b) >= 4 {
		acc, b = csumAdd32(acc, binary.BigEndian.Uint32(b)), b[4:]
	}
	if len(b) >= 2 {
		acc, b = acc+uint64(binary.BigEndian.Uint16(b)), b[2:]
	}
	if len(b) == 1 {
		acc += uint64(b[0]) << 8
	}
	return acc
}

// csumAdd32 adds a 32-bit word: two 16-bit words, the carries folded later.
func csumAdd32(acc uint64, w uint32) uint64 { return acc + uint64(w) }

// csumFold folds a sum into 16 bits (not complemented).
func csumFold(acc uint64) uint16 {
	for acc>>16 != 0 {
		acc = acc&0xffff + acc>>16
	}
	return uint16(acc)
}

// pseudoSum is the sum of the IPv4 or IPv6 pseudo-header. ip is the IP
// header (version from its first nibble), proto the L4 protocol and length
// the L4 length.
func pseudoSum(ip []byte, proto uint8, length int) uint64 {
	var acc uint64
	if ip[0]>>4 == 4 {
		acc = csumAdd(0, ip[12:20])
	} else {
		acc = csumAdd(0, ip[8:40])
	}
	return acc + uint64(proto) + uint64(length)
}
