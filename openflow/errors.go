package openflow

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel decode conditions that callers branch on. They appear wrapped in
// a *DecodeError.
var (
	// ErrTruncated: the bytes end before a structure the message needs.
	ErrTruncated = errors.New("truncated")
	// ErrBadLength: a length field is inconsistent with the bytes present
	// or with the structure it describes.
	ErrBadLength = errors.New("bad length")
	// ErrBadVersion: the message is of a version no codec here speaks, or
	// not the version negotiated on the connection.
	ErrBadVersion = errors.New("unsupported version")
	// ErrTooLong: an encoded message would not fit the 16-bit length.
	ErrTooLong = errors.New("message too long")
)

// DecodeError reports bytes that do not form a valid message. Offset counts
// from the start of the message header.
type DecodeError struct {
	Version Version
	Type    uint8
	Offset  int
	Err     error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("openflow %s: decode %s at offset %d: %v", e.Version, TypeName(e.Version, e.Type), e.Offset, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrorMsg is an OpenFlow error message (OFPT_ERROR) as a Go error, so that
// an app can errors.As a switch's rejection whatever the version. Both
// codecs decode OFPT_ERROR into it, and it encodes as a Message.
type ErrorMsg struct {
	Ver  Version
	Type uint16 // ofp_error_type
	Code uint16 // the code for Type; exp_type when Type is 0xffff
	// Experimenter is the experimenter id of an OF1.3 OFPET_EXPERIMENTER
	// error; unused otherwise.
	Experimenter uint32
	// Data is the offending bytes (at least 64 bytes of the request, or all
	// of it) or, for HELLO_FAILED, ASCII text.
	Data []byte
}

// ErrTypeExperimenter is the OF1.3 experimenter error type.
const ErrTypeExperimenter = 0xffff

// OFPET_BAD_REQUEST and its codes that have the same number in OpenFlow
// 1.0 and 1.3.
const (
	ErrTypeBadRequest      = errTypeBadRequest
	ErrCodeBadType         = errCodeBadType      // OFPBRC_BAD_TYPE: a type the receiver does not take
	ErrCodeBadMultipart    = errCodeBadMultipart // OFPBRC_BAD_STAT (1.0), OFPBRC_BAD_MULTIPART (1.3)
	ErrCodeBadExperimenter = 3                   // OFPBRC_BAD_VENDOR (1.0), OFPBRC_BAD_EXPERIMENTER (1.3)
	ErrCodeBadLen          = errCodeBadLen       // OFPBRC_BAD_LEN
)

func (e *ErrorMsg) Version() Version { return e.Ver }
func (e *ErrorMsg) MsgType() uint8   { return TypeError }

// AppendBinary appends ofp_error_msg (or ofp_error_experimenter_msg).
func (e *ErrorMsg) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, byte(e.Type>>8), byte(e.Type), byte(e.Code>>8), byte(e.Code))
	if e.Type == ErrTypeExperimenter && e.Ver != Version10 {
		x := e.Experimenter
		b = append(b, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	}
	return append(b, e.Data...), nil
}

// DecodeErrorMsg decodes the body of an OFPT_ERROR of version v. Both
// version codecs use it.
func DecodeErrorMsg(v Version, body []byte) (*ErrorMsg, error) {
	if len(body) < 4 {
		return nil, &DecodeError{Version: v, Type: TypeError, Offset: HeaderLen + len(body), Err: ErrTruncated}
	}
	e := &ErrorMsg{Ver: v, Type: uint16(body[0])<<8 | uint16(body[1]), Code: uint16(body[2])<<8 | uint16(body[3])}
	rest := body[4:]
	if e.Type == ErrTypeExperimenter && v != Version10 {
		if len(rest) < 4 {
			return nil, &DecodeError{Version: v, Type: TypeError, Offset: HeaderLen + 4, Err: ErrTruncated}
		}
		e.Experimenter = uint32(rest[0])<<24 | uint32(rest[1])<<16 | uint32(rest[2])<<8 | uint32(rest[3])
		rest = rest[4:]
	}
	e.Data = append([]byte(nil), rest...)
	return e, nil
}

func (e *ErrorMsg) Error() string {
	var s strings.Builder
	fmt.Fprintf(&s, "openflow %s error: %s", e.Ver, ErrorCodeName(e.Ver, e.Type, e.Code))
	if e.Type == ErrTypeExperimenter && e.Ver != Version10 {
		fmt.Fprintf(&s, " experimenter=%#x", e.Experimenter)
	}
	if e.Type == 0 && len(e.Data) > 0 { // HELLO_FAILED carries text
		fmt.Fprintf(&s, ": %q", e.Data)
	}
	return s.String()
}

// Is lets errors.Is(err, &ErrorMsg{Type: t, Code: c}) match on type and
// code alone.
func (e *ErrorMsg) Is(target error) bool {
	t, ok := target.(*ErrorMsg)
	return ok && t.Type == e.Type && t.Code == e.Code
}

// NewErrorMsg returns the error a switch or controller sends back for the
// offending message raw: its first 64 bytes, as the specifications ask.
func NewErrorMsg(v Version, typ, code uint16, raw []byte) *ErrorMsg {
	if len(raw) > 64 {
		raw = raw[:64]
	}
	return &ErrorMsg{Ver: v, Type: typ, Code: code, Data: append([]byte(nil), raw...)}
}

type errorType struct {
	name   string
	prefix string
	codes  []string
}

var errorTypes10 = []errorType{
	{"HELLO_FAILED", "OFPHFC_", []string{"INCOMPATIBLE", "EPERM"}},
	{"BAD_REQUEST", "OFPBRC_", []string{"BAD_VERSION", "BAD_TYPE", "BAD_STAT", "BAD_VENDOR", "BAD_SUBTYPE", "EPERM", "BAD_LEN", "BUFFER_EMPTY", "BUFFER_UNKNOWN"}},
	{"BAD_ACTION", "OFPBAC_", []string{"BAD_TYPE", "BAD_LEN", "BAD_VENDOR", "BAD_VENDOR_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY", "BAD_QUEUE"}},
	{"FLOW_MOD_FAILED", "OFPFMFC_", []string{"ALL_TABLES_FULL", "OVERLAP", "EPERM", "BAD_EMERG_TIMEOUT", "BAD_COMMAND", "UNSUPPORTED"}},
	{"PORT_MOD_FAILED", "OFPPMFC_", []string{"BAD_PORT", "BAD_HW_ADDR"}},
	{"QUEUE_OP_FAILED", "OFPQOFC_", []string{"BAD_PORT", "BAD_QUEUE", "EPERM"}},
}

var errorTypes13 = []errorType{
	{"HELLO_FAILED", "OFPHFC_", []string{"INCOMPATIBLE", "EPERM"}},
	{"BAD_REQUEST", "OFPBRC_", []string{"BAD_VERSION", "BAD_TYPE", "BAD_MULTIPART", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "EPERM", "BAD_LEN", "BUFFER_EMPTY", "BUFFER_UNKNOWN", "BAD_TABLE_ID", "IS_SLAVE", "BAD_PORT", "BAD_PACKET", "MULTIPART_BUFFER_OVERFLOW"}},
	{"BAD_ACTION", "OFPBAC_", []string{"BAD_TYPE", "BAD_LEN", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_OUT_PORT", "BAD_ARGUMENT", "EPERM", "TOO_MANY", "BAD_QUEUE", "BAD_OUT_GROUP", "MATCH_INCONSISTENT", "UNSUPPORTED_ORDER", "BAD_TAG", "BAD_SET_TYPE", "BAD_SET_LEN", "BAD_SET_ARGUMENT"}},
	{"BAD_INSTRUCTION", "OFPBIC_", []string{"UNKNOWN_INST", "UNSUP_INST", "BAD_TABLE_ID", "UNSUP_METADATA", "UNSUP_METADATA_MASK", "BAD_EXPERIMENTER", "BAD_EXP_TYPE", "BAD_LEN", "EPERM"}},
	{"BAD_MATCH", "OFPBMC_", []string{"BAD_TYPE", "BAD_LEN", "BAD_TAG", "BAD_DL_ADDR_MASK", "BAD_NW_ADDR_MASK", "BAD_WILDCARDS", "BAD_FIELD", "BAD_VALUE", "BAD_MASK", "BAD_PREREQ", "DUP_FIELD", "EPERM"}},
	{"FLOW_MOD_FAILED", "OFPFMFC_", []string{"UNKNOWN", "TABLE_FULL", "BAD_TABLE_ID", "OVERLAP", "EPERM", "BAD_TIMEOUT", "BAD_COMMAND", "BAD_FLAGS"}},
	{"GROUP_MOD_FAILED", "OFPGMFC_", []string{"GROUP_EXISTS", "INVALID_GROUP", "WEIGHT_UNSUPPORTED", "OUT_OF_GROUPS", "OUT_OF_BUCKETS", "CHAINING_UNSUPPORTED", "WATCH_UNSUPPORTED", "LOOP", "UNKNOWN_GROUP", "CHAINED_GROUP", "BAD_TYPE", "BAD_COMMAND", "BAD_BUCKET", "BAD_WATCH", "EPERM"}},
	{"PORT_MOD_FAILED", "OFPPMFC_", []string{"BAD_PORT", "BAD_HW_ADDR", "BAD_CONFIG", "BAD_ADVERTISE", "EPERM"}},
	{"TABLE_MOD_FAILED", "OFPTMFC_", []string{"BAD_TABLE", "BAD_CONFIG", "EPERM"}},
	{"QUEUE_OP_FAILED", "OFPQOFC_", []string{"BAD_PORT", "BAD_QUEUE", "EPERM"}},
	{"SWITCH_CONFIG_FAILED", "OFPSCFC_", []string{"BAD_FLAGS", "BAD_LEN", "EPERM"}},
	{"ROLE_REQUEST_FAILED", "OFPRRFC_", []string{"STALE", "UNSUP", "BAD_ROLE"}},
	{"METER_MOD_FAILED", "OFPMMFC_", []string{"UNKNOWN", "METER_EXISTS", "INVALID_METER", "UNKNOWN_METER", "BAD_COMMAND", "BAD_FLAGS", "BAD_RATE", "BAD_BURST", "BAD_BAND", "BAD_BAND_VALUE", "OUT_OF_METERS", "OUT_OF_BANDS"}},
	{"TABLE_FEATURES_FAILED", "OFPTFFC_", []string{"BAD_TABLE", "BAD_METADATA", "BAD_TYPE", "BAD_LEN", "BAD_ARGUMENT", "EPERM"}},
}

func errorTable(v Version) []errorType {
	if v == Version10 {
		return errorTypes10
	}
	return errorTypes13
}

// ErrorTypeName names an ofp_error_type of version v as ovs-ofctl does
// ("OFPET_BAD_REQUEST").
func ErrorTypeName(v Version, typ uint16) string {
	if typ == ErrTypeExperimenter && v != Version10 {
		return "OFPET_EXPERIMENTER"
	}
	if t := errorTable(v); int(typ) < len(t) {
		return "OFPET_" + t[typ].name
	}
	return fmt.Sprintf("OFPET_%d", typ)
}

// ErrorCodeName names a code of an error type of version v as ovs-ofctl
// does ("OFPBRC_BAD_TYPE"); unknown pairs print as type and number.
func ErrorCodeName(v Version, typ, code uint16) string {
	if t := errorTable(v); int(typ) < len(t) && !(typ == ErrTypeExperimenter && v != Version10) {
		if int(code) < len(t[typ].codes) {
			return t[typ].prefix + t[typ].codes[code]
		}
	}
	return fmt.Sprintf("%s(code=%d)", ErrorTypeName(v, typ), code)
}

var typeNames10 = []string{
	"HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR", "FEATURES_REQUEST", "FEATURES_REPLY",
	"GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS",
	"PACKET_OUT", "FLOW_MOD", "PORT_MOD", "STATS_REQUEST", "STATS_REPLY", "BARRIER_REQUEST",
	"BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY",
}

var typeNames13 = []string{
	"HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST", "FEATURES_REPLY",
	"GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS",
	"PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD", "MULTIPART_REQUEST",
	"MULTIPART_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST",
	"QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY",
	"SET_ASYNC", "METER_MOD",
}

// TypeName names message type t of version v as ovs-ofctl does
// ("OFPT_PACKET_IN"); types the version lacks print as a number.
func TypeName(v Version, t uint8) string {
	names := typeNames13
	switch v {
	case Version10:
		names = typeNames10
	case Version13:
	default:
		if t > TypeExperimenter {
			return fmt.Sprintf("OFPT_%d", t)
		}
	}
	if int(t) < len(names) {
		return "OFPT_" + names[t]
	}
	return fmt.Sprintf("OFPT_%d", t)
}
