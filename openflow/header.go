package openflow

import (
	"encoding/binary"
	"fmt"
)

// Version is an OpenFlow wire protocol version (ofp_header.version).
type Version uint8

// The versions ofbox speaks.
const (
	Version10 Version = 0x01
	Version13 Version = 0x04
)

// String returns the version as users write it ("1.0", "1.3"), or the
// wire number for versions ofbox does not speak.
func (v Version) String() string {
	switch v {
	case 0x01:
		return "1.0"
	case 0x02:
		return "1.1"
	case 0x03:
		return "1.2"
	case 0x04:
		return "1.3"
	case 0x05:
		return "1.4"
	case 0x06:
		return "1.5"
	}
	return fmt.Sprintf("0x%02x", uint8(v))
}

// Supported reports whether ofbox has a codec for v.
func (v Version) Supported() bool { return v == Version10 || v == Version13 }

// HeaderLen is the length of ofp_header.
const HeaderLen = 8

// MaxLen is the largest message the 16-bit length field can describe.
const MaxLen = 0xffff

// Message type codes shared by every version.
const (
	TypeHello        uint8 = 0
	TypeError        uint8 = 1
	TypeEchoRequest  uint8 = 2
	TypeEchoReply    uint8 = 3
	TypeExperimenter uint8 = 4 // OFPT_VENDOR in OpenFlow 1.0
)

// Header is ofp_header.
type Header struct {
	Version Version
	Type    uint8
	Length  uint16
	Xid     uint32
}

// AppendBinary appends the 8-byte wire form of h to b.
func (h Header) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, uint8(h.Version), h.Type)
	b = binary.BigEndian.AppendUint16(b, h.Length)
	return binary.BigEndian.AppendUint32(b, h.Xid), nil
}

// DecodeHeader decodes the first 8 bytes of b. It checks only that the
// length field covers the header itself.
func DecodeHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, &DecodeError{Offset: 0, Err: ErrTruncated}
	}
	h := Header{
		Version: Version(b[0]),
		Type:    b[1],
		Length:  binary.BigEndian.Uint16(b[2:4]),
		Xid:     binary.BigEndian.Uint32(b[4:8]),
	}
	if h.Length < HeaderLen {
		return h, &DecodeError{Version: h.Version, Type: h.Type, Offset: 2, Err: fmt.Errorf("%w: length %d is shorter than the header", ErrBadLength, h.Length)}
	}
	return h, nil
}

// String prints the header in the manner of ovs-ofctl.
func (h Header) String() string {
	return fmt.Sprintf("%s (OF%s) (xid=%#x) len=%d", TypeName(h.Version, h.Type), h.Version, h.Xid, h.Length)
}
