package netstack

import (
	"unsafe"

	"encoding/binary"

	"golang.org/x/sys/unix"
)

const (
	vlanLen = 4
	// auxSpace is CMSG_SPACE(sizeof(struct tpacket_auxdata)).
	auxSpace = unix.SizeofCmsghdr + (int(unsafe.Sizeof(unix.TpacketAuxdata{}))+7)&^7
)

// auxVLAN returns the VLAN tag (TPID and TCI) the kernel took off message
// i, from its PACKET_AUXDATA control message.
func (d *PacketDevice) auxVLAN(i int) (tag [vlanLen]byte, ok bool) {
	m := &d.rmsgs[i].Hdr
	c := d.rctl[i][:]
	if int(m.Controllen) < auxSpace || m.Flags&unix.MSG_CTRUNC != 0 {
		return tag, false
	}
	level := int32(binary.NativeEndian.Uint32(c[8:]))
	typ := int32(binary.NativeEndian.Uint32(c[12:]))
	if level != unix.SOL_PACKET || typ != unix.PACKET_AUXDATA {
		return tag, false
	}
	aux := c[unix.SizeofCmsghdr:]
	status := binary.NativeEndian.Uint32(aux)
	if status&unix.TP_STATUS_VLAN_VALID == 0 {
		return tag, false
	}
	tpid := uint16(0x8100)
	if status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
		tpid = binary.NativeEndian.Uint16(aux[18:])
	}
	binary.BigEndian.PutUint16(tag[0:], tpid)
	binary.BigEndian.PutUint16(tag[2:], binary.NativeEndian.Uint16(aux[16:]))
	return tag, true
}

// insertVLAN puts tag back after the MAC addresses of the size-byte frame
// at the start of b, which has room for it, and returns the new size.
func insertVLAN(b []byte, size int, tag [vlanLen]byte) int {
	copy(b[12+vlanLen:size+vlanLen], b[12:size])
	copy(b[12:], tag[:])
	return size + vlanLen
}
