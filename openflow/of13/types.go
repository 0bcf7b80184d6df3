// Package of13 is the OpenFlow 1.3 (wire version 0x04) codec: one Go struct
// per message body, encoded with AppendBinary and decoded by Codec.
package of13

import (
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// Type is an OpenFlow 1.3 message type (ofp_type).
type Type uint8

// The OpenFlow 1.3 message types.
const (
	TypeHello                 Type = 0
	TypeError                 Type = 1
	TypeEchoRequest           Type = 2
	TypeEchoReply             Type = 3
	TypeExperimenter          Type = 4
	TypeFeaturesRequest       Type = 5
	TypeFeaturesReply         Type = 6
	TypeGetConfigRequest      Type = 7
	TypeGetConfigReply        Type = 8
	TypeSetConfig             Type = 9
	TypePacketIn              Type = 10
	TypeFlowRemoved           Type = 11
	TypePortStatus            Type = 12
	TypePacketOut             Type = 13
	TypeFlowMod               Type = 14
	TypeGroupMod              Type = 15
	TypePortMod               Type = 16
	TypeTableMod              Type = 17
	TypeMultipartRequest      Type = 18
	TypeMultipartReply        Type = 19
	TypeBarrierRequest        Type = 20
	TypeBarrierReply          Type = 21
	TypeQueueGetConfigRequest Type = 22
	TypeQueueGetConfigReply   Type = 23
	TypeRoleRequest           Type = 24
	TypeRoleReply             Type = 25
	TypeGetAsyncRequest       Type = 26
	TypeGetAsyncReply         Type = 27
	TypeSetAsync              Type = 28
	TypeMeterMod              Type = 29
)

// String names t as ovs-ofctl does ("OFPT_FLOW_MOD").
func (t Type) String() string { return openflow.TypeName(openflow.Version13, uint8(t)) }

// msgFlag names one bit of a flag set.
type msgFlag struct {
	bit  uint32
	name string
}

// msgFlagsString prints the set bits of v by name, separated by spaces,
// with any bits left over in hex; "0" for no bits.
func msgFlagsString(v uint32, names []msgFlag) string {
	if v == 0 {
		return "0"
	}
	var s []string
	for _, f := range names {
		if v&f.bit != 0 {
			s = append(s, f.name)
			v &^= f.bit
		}
	}
	if v != 0 {
		s = append(s, fmt.Sprintf("%#x", v))
	}
	return strings.Join(s, " ")
}

// decodeErr wraps err, found at body offset off of a message of type t,
// in a *openflow.DecodeError.
func decodeErr(t Type, off int, err error) error {
	return &openflow.DecodeError{Version: openflow.Version13, Type: uint8(t), Offset: openflow.HeaderLen + off, Err: err}
}

// truncErr reports a structure of type t cut short at body offset off.
func truncErr(t Type, off int, what string) error {
	return decodeErr(t, off, fmt.Errorf("%s: %w", what, openflow.ErrTruncated))
}

// lengthErr reports a body of n bytes where a fixed-size t needs want.
func lengthErr(t Type, n, want int) error {
	if n < want {
		return decodeErr(t, n, fmt.Errorf("body of %d bytes, want %d: %w", n, want, openflow.ErrTruncated))
	}
	return decodeErr(t, want, fmt.Errorf("%w: body of %d bytes, want %d", openflow.ErrBadLength, n, want))
}

// decodeEmpty checks that the body of a message of type t without a body is
// empty.
func decodeEmpty(t Type, body []byte) error {
	if len(body) != 0 {
		return lengthErr(t, len(body), 0)
	}
	return nil
}
