package netstack

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"sync"
)

// vnetHdrLen is the size of struct virtio_net_hdr that PACKET_VNET_HDR
// puts before every frame.
const vnetHdrLen = 10

// virtio_net_hdr flags and GSO types (linux/virtio_net.h).
const (
	vnetNeedsCsum = 1
	gsoNone       = 0
	gsoTCPv4      = 1
	gsoUDP        = 3
	gsoTCPv6      = 4
	gsoUDPL4      = 5
	gsoECN        = 0x80
)

// vnetHdr is struct virtio_net_hdr in host byte order (AF_PACKET uses the
// host's order).
type vnetHdr struct {
	flags, gsoType                         uint8
	hdrLen, gsoSize, csumStart, csumOffset uint16
}

func parseVnetHdr(b []byte) vnetHdr {
	return vnetHdr{
		flags: b[0], gsoType: b[1],
		hdrLen:     binary.NativeEndian.Uint16(b[2:]),
		gsoSize:    binary.NativeEndian.Uint16(b[4:]),
		csumStart:  binary.NativeEndian.Uint16(b[6:]),
		csumOffset: binary.NativeEndian.Uint16(b[8:]),
	}
}

var errBadVnet = errors.New("bad virtio_net_hdr checksum offsets")

// completeChecksum finishes a partial checksum: the kernel left the
// pseudo-header sum at csumStart+csumOffset and the rest to us (RFC 1071 sum
// of everything from csumStart to the end, complemented).
func completeChecksum(f []byte, h vnetHdr) error {
	start, field := int(h.csumStart), int(h.csumStart)+int(h.csumOffset)
	if start > len(f) || field+2 > len(f) {
		return errBadVnet
	}
	if h.csumOffset == 8 && l4Proto(f) == 132 {
		// SCTP: CRC32c over the packet with the field zeroed, stored
		// little-endian (the kernel's sctp_compute_cksum).
		if field+4 > len(f) {
			return errBadVnet
		}
		clear(f[field : field+4])
		binary.LittleEndian.PutUint32(f[field:], crc32.Checksum(f[start:], castagnoli()))
		return nil
	}
	sum := ^csumFold(csumAdd(0, f[start:]))
	if sum == 0 && h.csumOffset == 6 { // UDP: zero means "no checksum"
		sum = 0xffff
	}
	binary.BigEndian.PutUint16(f[field:], sum)
	return nil
}

// castagnoli is the CRC32c table, made on first use (SCTP only): building
// it costs about 16 ms at start-up under emulation, on the VM's boot path.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// l4Proto is the IP protocol of an Ethernet frame (behind VLAN tags), 0 if
// it is not IP. For IPv6 it is the first next header.
func l4Proto(f []byte) uint8 {
	for off := 12; off+2 <= len(f); off += 4 {
		switch binary.BigEndian.Uint16(f[off:]) {
		case 0x8100, 0x88a8:
			continue
		case 0x0800:
			if off+2+10 <= len(f) {
				return f[off+2+9]
			}
		case 0x86dd:
			if off+2+7 <= len(f) {
				return f[off+2+6]
			}
		}
		return 0
	}
	return 0
}
