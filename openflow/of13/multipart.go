package of13

// Multipart messages (OFPT_MULTIPART_REQUEST and OFPT_MULTIPART_REPLY) carry
// statistics and descriptions. Each kind and direction has its own type
// here (DescRequest, FlowStatsReply, ...) whose first field is the
// multipart Flags; the mp_*.go files hold them, one file per family. A
// reply longer than one frame comes split in parts with the MORE flag; the
// connection joins them, so the decoders here take bodies of any length.

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// MultipartType is the kind of a multipart request or reply
// (ofp_multipart_type).
type MultipartType uint16

// The OpenFlow 1.3 multipart kinds.
const (
	MultipartDesc          MultipartType = 0
	MultipartFlow          MultipartType = 1
	MultipartAggregate     MultipartType = 2
	MultipartTable         MultipartType = 3
	MultipartPortStats     MultipartType = 4
	MultipartQueue         MultipartType = 5
	MultipartGroup         MultipartType = 6
	MultipartGroupDesc     MultipartType = 7
	MultipartGroupFeatures MultipartType = 8
	MultipartMeter         MultipartType = 9
	MultipartMeterConfig   MultipartType = 10
	MultipartMeterFeatures MultipartType = 11
	MultipartTableFeatures MultipartType = 12
	MultipartPortDesc      MultipartType = 13
	MultipartExperimenter  MultipartType = 0xffff
)

var multipartNames = [...]string{
	"DESC", "FLOW", "AGGREGATE", "TABLE", "PORT", "QUEUE", "GROUP", "GROUP_DESC",
	"GROUP_FEATURES", "METER", "METER_CONFIG", "METER_FEATURES", "TABLE_FEATURES", "PORT_DESC",
}

// String names t as ovs-ofctl does in "OFPST_FLOW reply".
func (t MultipartType) String() string {
	if int(t) < len(multipartNames) {
		return "OFPST_" + multipartNames[t]
	}
	if t == MultipartExperimenter {
		return "OFPST_EXPERIMENTER"
	}
	return fmt.Sprintf("OFPST_%d", uint16(t))
}

// MultipartFlags are the flags of a multipart request or reply.
type MultipartFlags uint16

// The one multipart flag, named for each direction: more requests or
// replies of the same exchange follow.
const (
	MultipartRequestMore MultipartFlags = 1 << 0 // OFPMPF_REQ_MORE
	MultipartReplyMore   MultipartFlags = 1 << 0 // OFPMPF_REPLY_MORE
)

// String prints the flags as ovs-ofctl does ("more"), "0" for none.
func (f MultipartFlags) String() string {
	return msgFlagsString(uint32(f), []msgFlag{{1, "more"}})
}

// mpHeaderLen is the length of the ofp_multipart_request/reply fields
// between ofp_header and the body: type, flags and 4 bytes of padding.
const mpHeaderLen = 8

// Message type codes of multipart messages.
const (
	mpRequest uint8 = 18 // OFPT_MULTIPART_REQUEST
	mpReply   uint8 = 19 // OFPT_MULTIPART_REPLY
)

// appendMPHeader appends the multipart type, flags and padding.
func appendMPHeader(b []byte, t MultipartType, f MultipartFlags) []byte {
	return append(b, byte(t>>8), byte(t), byte(f>>8), byte(f), 0, 0, 0, 0)
}

// MultipartUnknown is a multipart request or reply of a kind this codec
// does not know, kept raw so that it passes through unchanged.
type MultipartUnknown struct {
	Flags   MultipartFlags
	Request bool // a MULTIPART_REQUEST rather than a MULTIPART_REPLY
	Type    MultipartType
	Body    []byte // everything after the multipart header
}

func (m *MultipartUnknown) Version() openflow.Version { return openflow.Version13 }
func (m *MultipartUnknown) MsgType() uint8 {
	if m.Request {
		return mpRequest
	}
	return mpReply
}
func (m *MultipartUnknown) MultipartType() MultipartType { return m.Type }

// AppendBinary appends the multipart header and the raw body.
func (m *MultipartUnknown) AppendBinary(b []byte) ([]byte, error) {
	return append(appendMPHeader(b, m.Type, m.Flags), m.Body...), nil
}

// mpDec decodes the body of one multipart message and reports errors at
// offsets counted from the start of the message header.
type mpDec struct {
	msg  uint8 // mpRequest or mpReply
	kind MultipartType
}

func (d mpDec) dir() string {
	if d.msg == mpRequest {
		return "request"
	}
	return "reply"
}

// fail wraps err, found at offset off of the multipart body (after the
// multipart header), in a *openflow.DecodeError.
func (d mpDec) fail(off int, err error) error {
	return &openflow.DecodeError{
		Version: openflow.Version13,
		Type:    d.msg,
		Offset:  openflow.HeaderLen + mpHeaderLen + off,
		Err:     fmt.Errorf("%s %s: %w", d.kind, d.dir(), err),
	}
}

// short reports a structure named what, at offset off, that needs want
// bytes where only have remain.
func (d mpDec) short(off int, what string, have, want int) error {
	return d.fail(off, fmt.Errorf("%s: %d bytes, want %d: %w", what, have, want, openflow.ErrTruncated))
}

// fixed checks that a body b of a fixed-size structure has exactly n bytes.
func (d mpDec) fixed(b []byte, n int) error {
	if len(b) < n {
		return d.short(0, "body", len(b), n)
	}
	if len(b) > n {
		return d.fail(n, fmt.Errorf("%w: body of %d bytes, want %d", openflow.ErrBadLength, len(b), n))
	}
	return nil
}

// array checks that b is a whole number of entries of size n.
func (d mpDec) array(b []byte, n int) error {
	if r := len(b) % n; r != 0 {
		return d.short(len(b)-r, "entry", r, n)
	}
	return nil
}

// entries calls fn for each entry of the list b, where each entry is at
// least minLen bytes and carries its own 16-bit length at lenOff. fn gets the
// entry and its offset in the body.
func (d mpDec) entries(b []byte, lenOff, minLen int, fn func(e []byte, off int) error) error {
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < minLen {
			return d.short(off, "entry", len(rest), minLen)
		}
		n := int(binary.BigEndian.Uint16(rest[lenOff:]))
		if n < minLen {
			return d.fail(off+lenOff, fmt.Errorf("%w: entry length %d, want at least %d", openflow.ErrBadLength, n, minLen))
		}
		if n > len(rest) {
			return d.fail(off+lenOff, fmt.Errorf("%w: entry length %d exceeds the %d bytes left", openflow.ErrBadLength, n, len(rest)))
		}
		if err := fn(rest[:n], off); err != nil {
			return err
		}
		off += n
	}
	return nil
}

// putEntryLen fills the 16-bit length at b[start+lenOff] of entry i, named
// what, that began at start, failing if the entry is too long for it.
func putEntryLen(b []byte, start, lenOff int, what string, i int) error {
	n := len(b) - start
	if n > 0xffff {
		return fmt.Errorf("%s %d: %w: %d bytes", what, i, openflow.ErrTooLong, n)
	}
	wire.PutLen16(b, start+lenOff, n)
	return nil
}

// decodeMultipartRequest decodes the body of an OFPT_MULTIPART_REQUEST.
func decodeMultipartRequest(h openflow.Header, body []byte) (openflow.Message, error) {
	return decodeMultipart(mpRequest, body)
}

// decodeMultipartReply decodes the body of an OFPT_MULTIPART_REPLY.
func decodeMultipartReply(h openflow.Header, body []byte) (openflow.Message, error) {
	return decodeMultipart(mpReply, body)
}

func decodeMultipart(msg uint8, body []byte) (openflow.Message, error) {
	if len(body) < mpHeaderLen {
		return nil, &openflow.DecodeError{
			Version: openflow.Version13,
			Type:    msg,
			Offset:  openflow.HeaderLen + len(body),
			Err:     fmt.Errorf("multipart header: %d bytes, want %d: %w", len(body), mpHeaderLen, openflow.ErrTruncated),
		}
	}
	t := MultipartType(binary.BigEndian.Uint16(body))
	f := MultipartFlags(binary.BigEndian.Uint16(body[2:]))
	d := mpDec{msg: msg, kind: t}
	b := body[mpHeaderLen:]
	if msg == mpRequest {
		switch t {
		case MultipartDesc:
			return decodeDescRequest(d, f, b)
		case MultipartFlow:
			return decodeFlowStatsRequest(d, f, b)
		case MultipartAggregate:
			return decodeAggregateStatsRequest(d, f, b)
		case MultipartTable:
			return decodeTableStatsRequest(d, f, b)
		case MultipartPortStats:
			return decodePortStatsRequest(d, f, b)
		case MultipartQueue:
			return decodeQueueStatsRequest(d, f, b)
		case MultipartGroup:
			return decodeGroupStatsRequest(d, f, b)
		case MultipartGroupDesc:
			return decodeGroupDescRequest(d, f, b)
		case MultipartGroupFeatures:
			return decodeGroupFeaturesRequest(d, f, b)
		case MultipartMeter:
			return decodeMeterStatsRequest(d, f, b)
		case MultipartMeterConfig:
			return decodeMeterConfigRequest(d, f, b)
		case MultipartMeterFeatures:
			return decodeMeterFeaturesRequest(d, f, b)
		case MultipartTableFeatures:
			return decodeTableFeaturesRequest(d, f, b)
		case MultipartPortDesc:
			return decodePortDescRequest(d, f, b)
		case MultipartExperimenter:
			return decodeExperimenterMultipartRequest(d, f, b)
		}
	} else {
		switch t {
		case MultipartDesc:
			return decodeDescReply(d, f, b)
		case MultipartFlow:
			return decodeFlowStatsReply(d, f, b)
		case MultipartAggregate:
			return decodeAggregateStatsReply(d, f, b)
		case MultipartTable:
			return decodeTableStatsReply(d, f, b)
		case MultipartPortStats:
			return decodePortStatsReply(d, f, b)
		case MultipartQueue:
			return decodeQueueStatsReply(d, f, b)
		case MultipartGroup:
			return decodeGroupStatsReply(d, f, b)
		case MultipartGroupDesc:
			return decodeGroupDescReply(d, f, b)
		case MultipartGroupFeatures:
			return decodeGroupFeaturesReply(d, f, b)
		case MultipartMeter:
			return decodeMeterStatsReply(d, f, b)
		case MultipartMeterConfig:
			return decodeMeterConfigReply(d, f, b)
		case MultipartMeterFeatures:
			return decodeMeterFeaturesReply(d, f, b)
		case MultipartTableFeatures:
			return decodeTableFeaturesReply(d, f, b)
		case MultipartPortDesc:
			return decodePortDescReply(d, f, b)
		case MultipartExperimenter:
			return decodeExperimenterMultipartReply(d, f, b)
		}
	}
	return &MultipartUnknown{Flags: f, Request: msg == mpRequest, Type: t, Body: append([]byte(nil), b...)}, nil
}
