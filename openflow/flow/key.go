package flow

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
)

// Key holds every matchable field of a packet: the flow key the switch
// fast path extracts from each frame, and (with a second Key as the mask)
// the two halves of a Match. It is fixed-size and comparable, so it can
// key a map. Fields are grouped by layer as Open vSwitch's struct flow
// does; multi-byte values are host integers, addresses are byte arrays in
// network order. A field the packet lacks is zero.
type Key struct {
	// Metadata.
	TunnelID  uint64
	Metadata  uint64
	InPort    PortNo
	InPhyPort PortNo

	// Ethernet, VLAN, MPLS and PBB.
	EthDst    openflow.EthAddr
	EthSrc    openflow.EthAddr
	EthType   uint16
	VLANVID   uint16 // VIDPresent|vid when tagged, 0 when not
	VLANPCP   uint8
	MPLSTC    uint8
	MPLSBOS   uint8
	IPProto   uint8
	MPLSLabel uint32 // 20 bits
	PBBISID   uint32 // 24 bits

	// IPv4 and IPv6.
	IPDSCP     uint8 // 6 bits
	IPECN      uint8 // 2 bits
	IPv6Exthdr uint16
	IPv4Src    [4]byte
	IPv4Dst    [4]byte
	IPv6FLabel uint32 // 20 bits
	IPv6Src    [16]byte
	IPv6Dst    [16]byte

	// ARP.
	ARPOp  uint16
	ARPSHA openflow.EthAddr
	ARPTHA openflow.EthAddr
	ARPSPA [4]byte
	ARPTPA [4]byte

	// Transport.
	TCPSrc     uint16
	TCPDst     uint16
	UDPSrc     uint16
	UDPDst     uint16
	SCTPSrc    uint16
	SCTPDst    uint16
	ICMPv4Type uint8
	ICMPv4Code uint8
	ICMPv6Type uint8
	ICMPv6Code uint8

	// IPv6 neighbour discovery.
	IPv6NDSLL    openflow.EthAddr
	IPv6NDTLL    openflow.EthAddr
	IPv6NDTarget [16]byte
}

// putUint writes the low len(b) bytes of v to b, big-endian.
func putUint(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// getUint reads b as a big-endian unsigned number.
func getUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// getUintField returns the value of an integer field; fields held as byte
// arrays return ok=false.
func (k *Key) getUintField(f Field) (uint64, bool) {
	switch f {
	case InPort:
		return uint64(k.InPort), true
	case InPhyPort:
		return uint64(k.InPhyPort), true
	case Metadata:
		return k.Metadata, true
	case EthType:
		return uint64(k.EthType), true
	case VLANVID:
		return uint64(k.VLANVID), true
	case VLANPCP:
		return uint64(k.VLANPCP), true
	case IPDSCP:
		return uint64(k.IPDSCP), true
	case IPECN:
		return uint64(k.IPECN), true
	case IPProto:
		return uint64(k.IPProto), true
	case TCPSrc:
		return uint64(k.TCPSrc), true
	case TCPDst:
		return uint64(k.TCPDst), true
	case UDPSrc:
		return uint64(k.UDPSrc), true
	case UDPDst:
		return uint64(k.UDPDst), true
	case SCTPSrc:
		return uint64(k.SCTPSrc), true
	case SCTPDst:
		return uint64(k.SCTPDst), true
	case ICMPv4Type:
		return uint64(k.ICMPv4Type), true
	case ICMPv4Code:
		return uint64(k.ICMPv4Code), true
	case ARPOp:
		return uint64(k.ARPOp), true
	case IPv6FLabel:
		return uint64(k.IPv6FLabel), true
	case ICMPv6Type:
		return uint64(k.ICMPv6Type), true
	case ICMPv6Code:
		return uint64(k.ICMPv6Code), true
	case MPLSLabel:
		return uint64(k.MPLSLabel), true
	case MPLSTC:
		return uint64(k.MPLSTC), true
	case MPLSBOS:
		return uint64(k.MPLSBOS), true
	case PBBISID:
		return uint64(k.PBBISID), true
	case TunnelID:
		return k.TunnelID, true
	case IPv6Exthdr:
		return uint64(k.IPv6Exthdr), true
	}
	return 0, false
}

// setUintField stores an integer field; it returns false for the fields
// held as byte arrays.
func (k *Key) setUintField(f Field, v uint64) bool {
	switch f {
	case InPort:
		k.InPort = PortNo(v)
	case InPhyPort:
		k.InPhyPort = PortNo(v)
	case Metadata:
		k.Metadata = v
	case EthType:
		k.EthType = uint16(v)
	case VLANVID:
		k.VLANVID = uint16(v)
	case VLANPCP:
		k.VLANPCP = uint8(v)
	case IPDSCP:
		k.IPDSCP = uint8(v)
	case IPECN:
		k.IPECN = uint8(v)
	case IPProto:
		k.IPProto = uint8(v)
	case TCPSrc:
		k.TCPSrc = uint16(v)
	case TCPDst:
		k.TCPDst = uint16(v)
	case UDPSrc:
		k.UDPSrc = uint16(v)
	case UDPDst:
		k.UDPDst = uint16(v)
	case SCTPSrc:
		k.SCTPSrc = uint16(v)
	case SCTPDst:
		k.SCTPDst = uint16(v)
	case ICMPv4Type:
		k.ICMPv4Type = uint8(v)
	case ICMPv4Code:
		k.ICMPv4Code = uint8(v)
	case ARPOp:
		k.ARPOp = uint16(v)
	case IPv6FLabel:
		k.IPv6FLabel = uint32(v)
	case ICMPv6Type:
		k.ICMPv6Type = uint8(v)
	case ICMPv6Code:
		k.ICMPv6Code = uint8(v)
	case MPLSLabel:
		k.MPLSLabel = uint32(v)
	case MPLSTC:
		k.MPLSTC = uint8(v)
	case MPLSBOS:
		k.MPLSBOS = uint8(v)
	case PBBISID:
		k.PBBISID = uint32(v)
	case TunnelID:
		k.TunnelID = v
	case IPv6Exthdr:
		k.IPv6Exthdr = uint16(v)
	default:
		return false
	}
	return true
}

// bytesField returns the byte array that holds an address field.
func (k *Key) bytesField(f Field) []byte {
	switch f {
	case EthDst:
		return k.EthDst[:]
	case EthSrc:
		return k.EthSrc[:]
	case IPv4Src:
		return k.IPv4Src[:]
	case IPv4Dst:
		return k.IPv4Dst[:]
	case ARPSPA:
		return k.ARPSPA[:]
	case ARPTPA:
		return k.ARPTPA[:]
	case ARPSHA:
		return k.ARPSHA[:]
	case ARPTHA:
		return k.ARPTHA[:]
	case IPv6Src:
		return k.IPv6Src[:]
	case IPv6Dst:
		return k.IPv6Dst[:]
	case IPv6NDTarget:
		return k.IPv6NDTarget[:]
	case IPv6NDSLL:
		return k.IPv6NDSLL[:]
	case IPv6NDTLL:
		return k.IPv6NDTLL[:]
	}
	return nil
}

// Get writes the value of field f, f.Len() big-endian bytes, into b and
// returns b[:f.Len()]. b must have room for f.Len() bytes.
func (k *Key) Get(f Field, b []byte) []byte {
	b = b[:f.Len()]
	if v, ok := k.getUintField(f); ok {
		putUint(b, v)
	} else {
		copy(b, k.bytesField(f))
	}
	return b
}

// Set stores field f from its f.Len() big-endian bytes; a value of
// another length is ignored (SetField.Check reports it). It does not
// allocate, so the switch can apply set_field actions per packet.
func (k *Key) Set(f Field, b []byte) {
	if len(b) != f.Len() {
		return
	}
	if !k.setUintField(f, getUint(b)) {
		copy(k.bytesField(f), b)
	}
}

// isZero reports whether k holds zero for f.
func (k *Key) isZero(f Field) bool {
	if v, ok := k.getUintField(f); ok {
		return v == 0
	}
	for _, c := range k.bytesField(f) {
		if c != 0 {
			return false
		}
	}
	return true
}

func be32(a [4]byte) uint32 { return binary.BigEndian.Uint32(a[:]) }

func mac64(a openflow.EthAddr) uint64 {
	return uint64(a[0])<<40 | uint64(a[1])<<32 | uint64(a[2])<<24 | uint64(a[3])<<16 | uint64(a[4])<<8 | uint64(a[5])
}
