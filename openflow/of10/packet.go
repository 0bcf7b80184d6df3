package of10

import (
	"encoding/binary"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PacketInReason is ofp_packet_in_reason.
type PacketInReason uint8

// Packet-in reasons.
const (
	ReasonNoMatch PacketInReason = 0 // no matching flow
	ReasonAction  PacketInReason = 1 // an action sent it to the controller
)

// String prints the reason as ovs-ofctl does ("no_match", "action").
func (r PacketInReason) String() string {
	switch r {
	case ReasonNoMatch:
		return "no_match"
	case ReasonAction:
		return "action"
	}
	return "reason_" + strconv.Itoa(int(r))
}

// PacketIn is OFPT_PACKET_IN.
type PacketIn struct {
	BufferID uint32 // NoBuffer if the switch did not buffer the packet
	TotalLen uint16 // length of the whole frame; Data may be shorter
	InPort   PortNo
	Reason   PacketInReason
	Data     []byte
}

func (*PacketIn) Version() openflow.Version { return openflow.Version10 }
func (*PacketIn) MsgType() uint8            { return uint8(TypePacketIn) }

const packetInLen = 10 // ofp_packet_in without the header, up to data

// AppendBinary appends ofp_packet_in and the frame.
func (m *PacketIn) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, m.TotalLen)
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	b = append(b, uint8(m.Reason), 0)
	return append(b, m.Data...), nil
}

// Decode decodes the body of an OFPT_PACKET_IN into m, reusing the
// capacity of m.Data: once m.Data is large enough it does not allocate, so
// one PacketIn can serve a whole connection. The frame is copied; m never
// aliases body. Errors are *openflow.DecodeError.
func (m *PacketIn) Decode(body []byte) error {
	if len(body) < packetInLen {
		return decodeError(TypePacketIn, truncated(len(body)))
	}
	m.BufferID = binary.BigEndian.Uint32(body)
	m.TotalLen = binary.BigEndian.Uint16(body[4:])
	m.InPort = PortNo(binary.BigEndian.Uint16(body[6:]))
	m.Reason = PacketInReason(body[8])
	m.Data = append(m.Data[:0], body[packetInLen:]...)
	return nil
}

// PacketOut is OFPT_PACKET_OUT: apply Actions to the buffered packet
// BufferID, or to Data when BufferID is NoBuffer.
type PacketOut struct {
	BufferID uint32
	InPort   PortNo // PortNone if none
	Actions  []Action
	Data     []byte
}

func (*PacketOut) Version() openflow.Version { return openflow.Version10 }
func (*PacketOut) MsgType() uint8            { return uint8(TypePacketOut) }

const packetOutLen = 8

// AppendBinary appends ofp_packet_out, the actions and the frame.
func (m *PacketOut) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	b = append(b, 0, 0)
	b, err := AppendActions(b, m.Actions)
	if err != nil {
		return b[:start], err
	}
	n := len(b) - start - packetOutLen
	if n > 0xffff {
		return b[:start], tooLong("packet_out actions", n)
	}
	wire.PutLen16(b, start+6, n)
	return append(b, m.Data...), nil
}

func decodePacketOut(body []byte) (*PacketOut, error) {
	r := wire.NewReader(body)
	m := &PacketOut{BufferID: r.U32(), InPort: PortNo(r.U16())}
	n := int(r.U16())
	if r.Err() != nil {
		return nil, short(&r)
	}
	if n > r.Len() {
		return nil, badLen(6, "actions_len %d exceeds the %d bytes left", n, r.Len())
	}
	as, err := DecodeActions(r.Bytes(n))
	if err != nil {
		return nil, at(packetOutLen, err)
	}
	m.Actions = as
	m.Data = clone(r.Rest())
	return m, nil
}
