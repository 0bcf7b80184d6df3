package openflow

import (
	"encoding/binary"
	"fmt"
)

// Message is the body of one OpenFlow message of one version. The version,
// length and xid of the header belong to the connection that carries it: a
// Message encodes only what follows the header.
type Message interface {
	// Version is the wire version the message belongs to.
	Version() Version
	// MsgType is the ofp_type code of the message in its version.
	MsgType() uint8
	// AppendBinary appends the body (everything after ofp_header) to b.
	AppendBinary(b []byte) ([]byte, error)
}

// A Codec decodes the message bodies of one protocol version. of10.Codec
// and of13.Codec are the two ofbox ships.
type Codec interface {
	Version() Version
	// Decode decodes body, the bytes after the header of a message with
	// header h. It uses len(body), not h.Length, so that reassembled
	// multipart replies longer than 64 KiB decode too. It never panics and
	// never returns a nil Message with a nil error; types it does not know
	// come back as *Unknown.
	Decode(h Header, body []byte) (Message, error)
}

// Unknown is a message whose type the codec does not know, kept as raw
// bytes so that it can be passed through unchanged.
type Unknown struct {
	Ver  Version
	Type uint8
	Body []byte
}

func (m *Unknown) Version() Version { return m.Ver }
func (m *Unknown) MsgType() uint8   { return m.Type }

// AppendBinary appends the raw body.
func (m *Unknown) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Body...), nil }

// Append appends the whole wire form of m (header and body) with the given
// xid to b. It fails if the message does not fit the 16-bit length field.
func Append(b []byte, xid uint32, m Message) ([]byte, error) {
	start := len(b)
	b = append(b, uint8(m.Version()), m.MsgType(), 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[start+4:], xid)
	b, err := m.AppendBinary(b)
	if err != nil {
		return b[:start], fmt.Errorf("openflow: encode %s: %w", TypeName(m.Version(), m.MsgType()), err)
	}
	n := len(b) - start
	if n > MaxLen {
		return b[:start], fmt.Errorf("openflow: encode %s: %w: %d bytes", TypeName(m.Version(), m.MsgType()), ErrTooLong, n)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	return b, nil
}

// Marshal returns the wire form of m with the given xid.
func Marshal(xid uint32, m Message) ([]byte, error) { return Append(nil, xid, m) }

// Unmarshal decodes one whole message from b with the codec of its
// version. b must hold exactly the message (len(b) == header length).
func Unmarshal(b []byte, codecs ...Codec) (Header, Message, error) {
	h, err := DecodeHeader(b)
	if err != nil {
		return h, nil, err
	}
	if int(h.Length) != len(b) {
		return h, nil, &DecodeError{Version: h.Version, Type: h.Type, Offset: 2, Err: fmt.Errorf("%w: header says %d bytes, have %d", ErrBadLength, h.Length, len(b))}
	}
	for _, c := range codecs {
		if c.Version() == h.Version {
			m, err := c.Decode(h, b[HeaderLen:])
			return h, m, err
		}
	}
	return h, nil, &DecodeError{Version: h.Version, Type: h.Type, Offset: 0, Err: ErrBadVersion}
}
