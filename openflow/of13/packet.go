package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PacketInReason is why a packet came to the controller (ofp_packet_in_reason).
type PacketInReason uint8

// The packet-in reasons of OpenFlow 1.3.
const (
	PacketInNoMatch    PacketInReason = 0
	PacketInAction     PacketInReason = 1
	PacketInInvalidTTL PacketInReason = 2
)

// String prints the reason as ovs-ofctl does ("no_match").
func (r PacketInReason) String() string {
	switch r {
	case PacketInNoMatch:
		return "no_match"
	case PacketInAction:
		return "action"
	case PacketInInvalidTTL:
		return "invalid_ttl"
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// PacketIn is OFPT_PACKET_IN.
type PacketIn struct {
	BufferID uint32 // NoBuffer when the switch keeps no copy
	TotalLen uint16 // length of the whole frame; Data may be shorter
	Reason   PacketInReason
	TableID  uint8
	Cookie   uint64
	Match    Match // the pipeline fields of the packet (in_port, ...)
	Data     []byte
}

// packetInFixedLen is ofp_packet_in up to its match.
const packetInFixedLen = 16

func (p *PacketIn) Version() openflow.Version { return openflow.Version13 }
func (p *PacketIn) MsgType() uint8            { return uint8(TypePacketIn) }

// AppendBinary appends ofp_packet_in's body: fields, match, 2 bytes of
// padding, the frame.
func (p *PacketIn) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, p.BufferID)
	b = binary.BigEndian.AppendUint16(b, p.TotalLen)
	b = append(b, uint8(p.Reason), p.TableID)
	b = binary.BigEndian.AppendUint64(b, p.Cookie)
	b, err := p.Match.AppendBinary(b)
	if err != nil {
		return b, fmt.Errorf("of13: encode packet_in: %w", err)
	}
	b = append(b, 0, 0)
	return append(b, p.Data...), nil
}

// Decode decodes the body of an OFPT_PACKET_IN into p, reusing the storage
// of p.Match and p.Data: once p has seen packets as large, it allocates
// nothing. p never aliases body, but the next Decode overwrites p.Data and
// the match values in place: copy what must outlive it.
func (p *PacketIn) Decode(body []byte) error {
	if len(body) < packetInFixedLen {
		return truncErr(TypePacketIn, len(body), "packet_in header")
	}
	r := wire.NewReader(body)
	p.BufferID = r.U32()
	p.TotalLen = r.U16()
	p.Reason = PacketInReason(r.U8())
	p.TableID = r.U8()
	p.Cookie = r.U64()
	n, err := p.Match.Decode(body[packetInFixedLen:])
	if err != nil {
		return decodeErr(TypePacketIn, packetInFixedLen, fmt.Errorf("match: %w", err))
	}
	off := packetInFixedLen + n
	if len(body)-off < 2 {
		return truncErr(TypePacketIn, len(body), "packet_in padding")
	}
	p.Data = append(p.Data[:0], body[off+2:]...)
	return nil
}

func (p *PacketIn) decode(body []byte) error { return p.Decode(body) }

// PacketOut is OFPT_PACKET_OUT.
type PacketOut struct {
	BufferID uint32 // NoBuffer to send Data
	InPort   PortNo // PortController when the packet has no ingress port
	Actions  []Action
	Data     []byte // the frame, when BufferID is NoBuffer
}

// packetOutFixedLen is ofp_packet_out before its actions.
const packetOutFixedLen = 16

func (p *PacketOut) Version() openflow.Version { return openflow.Version13 }
func (p *PacketOut) MsgType() uint8            { return uint8(TypePacketOut) }

// AppendBinary appends ofp_packet_out's body: fields, actions, the frame.
func (p *PacketOut) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, p.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(p.InPort))
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	b, err := AppendActions(b, p.Actions)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode packet_out: %w", err)
	}
	n := len(b) - start - packetOutFixedLen
	if n > 0xffff {
		return b[:start], fmt.Errorf("of13: encode packet_out: actions of %d bytes: %w", n, openflow.ErrTooLong)
	}
	wire.PutLen16(b, start+8, n)
	return append(b, p.Data...), nil
}

func (p *PacketOut) decode(body []byte) error {
	if len(body) < packetOutFixedLen {
		return truncErr(TypePacketOut, len(body), "packet_out header")
	}
	r := wire.NewReader(body)
	p.BufferID = r.U32()
	p.InPort = PortNo(r.U32())
	n := int(r.U16())
	r.Skip(6)
	if n > r.Len() {
		return decodeErr(TypePacketOut, 8, fmt.Errorf("%w: actions_len %d exceeds the %d bytes left", openflow.ErrBadLength, n, r.Len()))
	}
	as, err := DecodeActions(r.Bytes(n))
	if err != nil {
		return decodeErr(TypePacketOut, packetOutFixedLen, fmt.Errorf("actions: %w", err))
	}
	p.Actions = as
	p.Data = r.Copy(r.Len())
	return nil
}

// String prints p in the manner of ovs-ofctl: "table_id=3 cookie=0xabcd
// total_len=74 in_port=3 (via action) data_len=74 buffer=0x00000100".
func (p *PacketIn) String() string {
	var s strings.Builder
	if p.TableID != 0 {
		fmt.Fprintf(&s, "table_id=%d ", p.TableID)
	}
	fmt.Fprintf(&s, "cookie=%#x total_len=%d", p.Cookie, p.TotalLen)
	if len(p.Match.Fields) > 0 {
		s.WriteString(" " + p.Match.String())
	}
	fmt.Fprintf(&s, " (via %s) data_len=%d", p.Reason, len(p.Data))
	if p.BufferID == NoBuffer {
		s.WriteString(" (unbuffered)")
	} else {
		fmt.Fprintf(&s, " buffer=0x%08x", p.BufferID)
	}
	return s.String()
}

// String prints p in the manner of ovs-ofctl: "in_port=CONTROLLER
// actions=FLOOD data_len=60".
func (p *PacketOut) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "in_port=%s actions=%s", p.InPort, ActionsString(p.Actions))
	if len(p.Data) > 0 {
		fmt.Fprintf(&s, " data_len=%d", len(p.Data))
	}
	if p.BufferID != NoBuffer {
		fmt.Fprintf(&s, " buffer=0x%08x", p.BufferID)
	}
	return s.String()
}
