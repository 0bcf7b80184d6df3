package of13

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// ActionType is an OpenFlow 1.3 action type (ofp_action_type).
type ActionType uint16

// The OpenFlow 1.3 action types.
const (
	ActionTypeOutput       ActionType = 0
	ActionTypeCopyTTLOut   ActionType = 11
	ActionTypeCopyTTLIn    ActionType = 12
	ActionTypeSetMPLSTTL   ActionType = 15
	ActionTypeDecMPLSTTL   ActionType = 16
	ActionTypePushVLAN     ActionType = 17
	ActionTypePopVLAN      ActionType = 18
	ActionTypePushMPLS     ActionType = 19
	ActionTypePopMPLS      ActionType = 20
	ActionTypeSetQueue     ActionType = 21
	ActionTypeGroup        ActionType = 22
	ActionTypeSetNWTTL     ActionType = 23
	ActionTypeDecNWTTL     ActionType = 24
	ActionTypeSetField     ActionType = 25
	ActionTypePushPBB      ActionType = 26
	ActionTypePopPBB       ActionType = 27
	ActionTypeExperimenter ActionType = 0xffff
)

// String names t as ovs-ofctl's action syntax does ("push_vlan").
func (t ActionType) String() string {
	switch t {
	case ActionTypeOutput:
		return "output"
	case ActionTypeCopyTTLOut:
		return "copy_ttl_out"
	case ActionTypeCopyTTLIn:
		return "copy_ttl_in"
	case ActionTypeSetMPLSTTL:
		return "set_mpls_ttl"
	case ActionTypeDecMPLSTTL:
		return "dec_mpls_ttl"
	case ActionTypePushVLAN:
		return "push_vlan"
	case ActionTypePopVLAN:
		return "pop_vlan"
	case ActionTypePushMPLS:
		return "push_mpls"
	case ActionTypePopMPLS:
		return "pop_mpls"
	case ActionTypeSetQueue:
		return "set_queue"
	case ActionTypeGroup:
		return "group"
	case ActionTypeSetNWTTL:
		return "mod_nw_ttl"
	case ActionTypeDecNWTTL:
		return "dec_ttl"
	case ActionTypeSetField:
		return "set_field"
	case ActionTypePushPBB:
		return "push_pbb"
	case ActionTypePopPBB:
		return "pop_pbb"
	case ActionTypeExperimenter:
		return "experimenter"
	}
	return "action" + strconv.Itoa(int(t))
}

// ErrUnknownAction: an action list holds an action type OpenFlow 1.3 does
// not define.
var ErrUnknownAction = errors.New("unknown action type")

// Action is one OpenFlow 1.3 action. The set is closed: the concrete types
// are the Action* structs of this package, with ActionExperimenter for
// vendor extensions.
type Action interface {
	ActionType() ActionType
	String() string
	// appendAction appends the whole ofp_action_* TLV.
	appendAction(b []byte) ([]byte, error)
}

// actionHeaderLen is the length of ofp_action_header's type and len.
const actionHeaderLen = 4

// ActionOutput sends the packet out of a port (OFPAT_OUTPUT).
type ActionOutput struct {
	Port PortNo
	// MaxLen is how many bytes to send when Port is PortController;
	// ControllerMaxLenNoBuffer sends the whole packet unbuffered.
	MaxLen uint16
}

// ActionCopyTTLOut copies the TTL from the next-to-outermost header
// outwards (OFPAT_COPY_TTL_OUT).
type ActionCopyTTLOut struct{}

// ActionCopyTTLIn copies the TTL from the outermost header inwards
// (OFPAT_COPY_TTL_IN).
type ActionCopyTTLIn struct{}

// ActionSetMPLSTTL sets the MPLS TTL (OFPAT_SET_MPLS_TTL).
type ActionSetMPLSTTL struct{ TTL uint8 }

// ActionDecMPLSTTL decrements the MPLS TTL (OFPAT_DEC_MPLS_TTL).
type ActionDecMPLSTTL struct{}

// ActionPushVLAN pushes a VLAN tag with the given TPID (OFPAT_PUSH_VLAN).
type ActionPushVLAN struct{ EtherType uint16 }

// ActionPopVLAN pops the outer VLAN tag (OFPAT_POP_VLAN).
type ActionPopVLAN struct{}

// ActionPushMPLS pushes an MPLS label stack entry (OFPAT_PUSH_MPLS).
type ActionPushMPLS struct{ EtherType uint16 }

// ActionPopMPLS pops the outer MPLS entry, setting the Ethernet type to
// EtherType (OFPAT_POP_MPLS).
type ActionPopMPLS struct{ EtherType uint16 }

// ActionSetQueue sets the queue of the output port (OFPAT_SET_QUEUE).
type ActionSetQueue struct{ QueueID uint32 }

// ActionGroup applies a group (OFPAT_GROUP).
type ActionGroup struct{ GroupID uint32 }

// ActionSetNWTTL sets the IP TTL (OFPAT_SET_NW_TTL).
type ActionSetNWTTL struct{ TTL uint8 }

// ActionDecNWTTL decrements the IP TTL (OFPAT_DEC_NW_TTL).
type ActionDecNWTTL struct{}

// ActionSetField sets a header field to the value of an unmasked OXM
// (OFPAT_SET_FIELD).
type ActionSetField struct{ Field OXM }

// ActionPushPBB pushes a PBB service tag (OFPAT_PUSH_PBB).
type ActionPushPBB struct{ EtherType uint16 }

// ActionPopPBB pops the outer PBB service tag (OFPAT_POP_PBB).
type ActionPopPBB struct{}

// ActionExperimenter is a vendor action, kept as raw bytes after the
// experimenter id (OFPAT_EXPERIMENTER). Data is padded with zeros to make
// the action a multiple of 8 bytes when encoded.
type ActionExperimenter struct {
	Experimenter uint32
	Data         []byte
}

func (ActionOutput) ActionType() ActionType       { return ActionTypeOutput }
func (ActionCopyTTLOut) ActionType() ActionType   { return ActionTypeCopyTTLOut }
func (ActionCopyTTLIn) ActionType() ActionType    { return ActionTypeCopyTTLIn }
func (ActionSetMPLSTTL) ActionType() ActionType   { return ActionTypeSetMPLSTTL }
func (ActionDecMPLSTTL) ActionType() ActionType   { return ActionTypeDecMPLSTTL }
func (ActionPushVLAN) ActionType() ActionType     { return ActionTypePushVLAN }
func (ActionPopVLAN) ActionType() ActionType      { return ActionTypePopVLAN }
func (ActionPushMPLS) ActionType() ActionType     { return ActionTypePushMPLS }
func (ActionPopMPLS) ActionType() ActionType      { return ActionTypePopMPLS }
func (ActionSetQueue) ActionType() ActionType     { return ActionTypeSetQueue }
func (ActionGroup) ActionType() ActionType        { return ActionTypeGroup }
func (ActionSetNWTTL) ActionType() ActionType     { return ActionTypeSetNWTTL }
func (ActionDecNWTTL) ActionType() ActionType     { return ActionTypeDecNWTTL }
func (ActionSetField) ActionType() ActionType     { return ActionTypeSetField }
func (ActionPushPBB) ActionType() ActionType      { return ActionTypePushPBB }
func (ActionPopPBB) ActionType() ActionType       { return ActionTypePopPBB }
func (ActionExperimenter) ActionType() ActionType { return ActionTypeExperimenter }

// appendActHdr appends the type and length of an 8- or 16-byte action.
func appendActHdr(b []byte, t ActionType, n uint16) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	return binary.BigEndian.AppendUint16(b, n)
}

// appendAct8 appends an 8-byte action whose body is one value of width w
// (0, 1, 2 or 4 bytes) followed by padding.
func appendAct8(b []byte, t ActionType, w int, v uint32) []byte {
	b = appendActHdr(b, t, 8)
	switch w {
	case 1:
		return append(b, byte(v), 0, 0, 0)
	case 2:
		return append(binary.BigEndian.AppendUint16(b, uint16(v)), 0, 0)
	case 4:
		return binary.BigEndian.AppendUint32(b, v)
	}
	return append(b, 0, 0, 0, 0)
}

func (a ActionOutput) appendAction(b []byte) ([]byte, error) {
	b = appendActHdr(b, ActionTypeOutput, 16)
	b = binary.BigEndian.AppendUint32(b, uint32(a.Port))
	b = binary.BigEndian.AppendUint16(b, a.MaxLen)
	return append(b, 0, 0, 0, 0, 0, 0), nil
}

func (a ActionCopyTTLOut) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeCopyTTLOut, 0, 0), nil
}

func (a ActionCopyTTLIn) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeCopyTTLIn, 0, 0), nil
}

func (a ActionSetMPLSTTL) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeSetMPLSTTL, 1, uint32(a.TTL)), nil
}

func (a ActionDecMPLSTTL) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeDecMPLSTTL, 0, 0), nil
}

func (a ActionPushVLAN) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePushVLAN, 2, uint32(a.EtherType)), nil
}

func (a ActionPopVLAN) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePopVLAN, 0, 0), nil
}

func (a ActionPushMPLS) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePushMPLS, 2, uint32(a.EtherType)), nil
}

func (a ActionPopMPLS) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePopMPLS, 2, uint32(a.EtherType)), nil
}

func (a ActionSetQueue) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeSetQueue, 4, a.QueueID), nil
}

func (a ActionGroup) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeGroup, 4, a.GroupID), nil
}

func (a ActionSetNWTTL) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeSetNWTTL, 1, uint32(a.TTL)), nil
}

func (a ActionDecNWTTL) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypeDecNWTTL, 0, 0), nil
}

func (a ActionPushPBB) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePushPBB, 2, uint32(a.EtherType)), nil
}

func (a ActionPopPBB) appendAction(b []byte) ([]byte, error) {
	return appendAct8(b, ActionTypePopPBB, 0, 0), nil
}

func (a ActionSetField) appendAction(b []byte) ([]byte, error) {
	if a.Field.Mask != nil {
		return b, fmt.Errorf("set_field %s: %w: set_field takes no mask", a.Field.Name(), ErrNotMaskable)
	}
	start := len(b)
	b = appendActHdr(b, ActionTypeSetField, 0)
	b, err := a.Field.AppendBinary(b)
	if err != nil {
		return b[:start], fmt.Errorf("set_field: %w", err)
	}
	b = pad8(b, start)
	binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start)) // at most 4+4+255+7
	return b, nil
}

func (a ActionExperimenter) appendAction(b []byte) ([]byte, error) {
	start := len(b)
	n := (actionHeaderLen + 4 + len(a.Data) + 7) &^ 7
	if n > 0xffff {
		return b, fmt.Errorf("experimenter action: %w: %d bytes", openflow.ErrTooLong, n)
	}
	b = appendActHdr(b, ActionTypeExperimenter, uint16(n))
	b = binary.BigEndian.AppendUint32(b, a.Experimenter)
	b = append(b, a.Data...)
	return pad8(b, start), nil
}

// AppendActions appends the action list as to b.
func AppendActions(b []byte, as []Action) ([]byte, error) {
	start := len(b)
	for i, a := range as {
		if a == nil {
			return b[:start], fmt.Errorf("action %d: nil action", i)
		}
		var err error
		if b, err = a.appendAction(b); err != nil {
			return b[:start], fmt.Errorf("action %d: %w", i, err)
		}
	}
	return b, nil
}

// ActionsLen is the encoded length of the action list as.
func ActionsLen(as []Action) int {
	n := 0
	for _, a := range as {
		switch a := a.(type) {
		case ActionOutput:
			n += 16
		case ActionSetField:
			n += (actionHeaderLen + a.Field.WireLen() + 7) &^ 7
		case ActionExperimenter:
			n += (actionHeaderLen + 4 + len(a.Data) + 7) &^ 7
		default:
			n += 8
		}
	}
	return n
}

// DecodeActions decodes b, which holds exactly an action list. The actions
// own their memory. An action type OpenFlow 1.3 does not define is an
// error (ErrUnknownAction) naming the type.
func DecodeActions(b []byte) ([]Action, error) {
	as, err := decodeTLVs(b, "action", min(len(b)/8, 32), decodeAction)
	if err != nil {
		return nil, withCode(err, actionCodes)
	}
	return as, nil
}

// decodeAction decodes the action at the start of b and returns the bytes
// it takes.
func decodeAction(b []byte) (Action, int, error) {
	t, n, err := tlvHeader[ActionType](b, "action")
	if err != nil {
		return nil, 0, err
	}
	p := b[:n]
	want := 8
	var a Action
	switch t {
	case ActionTypeOutput:
		want = 16
		if n == want {
			a = ActionOutput{Port: PortNo(binary.BigEndian.Uint32(p[4:])), MaxLen: binary.BigEndian.Uint16(p[8:])}
		}
	case ActionTypeCopyTTLOut:
		a = ActionCopyTTLOut{}
	case ActionTypeCopyTTLIn:
		a = ActionCopyTTLIn{}
	case ActionTypeSetMPLSTTL:
		a = ActionSetMPLSTTL{TTL: p[4]}
	case ActionTypeDecMPLSTTL:
		a = ActionDecMPLSTTL{}
	case ActionTypePushVLAN:
		a = ActionPushVLAN{EtherType: binary.BigEndian.Uint16(p[4:])}
	case ActionTypePopVLAN:
		a = ActionPopVLAN{}
	case ActionTypePushMPLS:
		a = ActionPushMPLS{EtherType: binary.BigEndian.Uint16(p[4:])}
	case ActionTypePopMPLS:
		a = ActionPopMPLS{EtherType: binary.BigEndian.Uint16(p[4:])}
	case ActionTypeSetQueue:
		a = ActionSetQueue{QueueID: binary.BigEndian.Uint32(p[4:])}
	case ActionTypeGroup:
		a = ActionGroup{GroupID: binary.BigEndian.Uint32(p[4:])}
	case ActionTypeSetNWTTL:
		a = ActionSetNWTTL{TTL: p[4]}
	case ActionTypeDecNWTTL:
		a = ActionDecNWTTL{}
	case ActionTypePushPBB:
		a = ActionPushPBB{EtherType: binary.BigEndian.Uint16(p[4:])}
	case ActionTypePopPBB:
		a = ActionPopPBB{}
	case ActionTypeSetField:
		o, k, err := parseOXM(p[actionHeaderLen:])
		if err != nil {
			return nil, 0, fmt.Errorf("set_field: %w", err)
		}
		if o.Mask != nil {
			return nil, 0, fmt.Errorf("set_field %s: %w: set_field takes no mask", o.Name(), ErrNotMaskable)
		}
		if want = (actionHeaderLen + k + 7) &^ 7; n == want {
			a = ActionSetField{Field: o.Clone()}
		}
	case ActionTypeExperimenter:
		want = n
		a = ActionExperimenter{Experimenter: binary.BigEndian.Uint32(p[4:]), Data: append([]byte{}, p[8:]...)}
	default:
		return nil, 0, fmt.Errorf("%w %d (%#04x)", ErrUnknownAction, uint16(t), uint16(t))
	}
	if n != want {
		return nil, 0, fmt.Errorf("%s: %w: length %d, want %d", t, openflow.ErrBadLength, n, want)
	}
	return a, n, nil
}

// String methods print actions in ovs-ofctl syntax.

func (a ActionOutput) String() string {
	switch a.Port {
	case PortController:
		return "CONTROLLER:" + strconv.Itoa(int(a.MaxLen))
	case PortInPort, PortTable, PortNormal, PortFlood, PortAll, PortLocal:
		return a.Port.String()
	}
	return "output:" + a.Port.String()
}

func (ActionCopyTTLOut) String() string   { return "copy_ttl_out" }
func (ActionCopyTTLIn) String() string    { return "copy_ttl_in" }
func (a ActionSetMPLSTTL) String() string { return "set_mpls_ttl(" + strconv.Itoa(int(a.TTL)) + ")" }
func (ActionDecMPLSTTL) String() string   { return "dec_mpls_ttl" }
func (a ActionPushVLAN) String() string   { return fmt.Sprintf("push_vlan:0x%04x", a.EtherType) }
func (ActionPopVLAN) String() string      { return "pop_vlan" }
func (a ActionPushMPLS) String() string   { return fmt.Sprintf("push_mpls:0x%04x", a.EtherType) }
func (a ActionPopMPLS) String() string    { return fmt.Sprintf("pop_mpls:0x%04x", a.EtherType) }
func (a ActionSetQueue) String() string {
	return "set_queue:" + strconv.FormatUint(uint64(a.QueueID), 10)
}
func (a ActionGroup) String() string    { return "group:" + strconv.FormatUint(uint64(a.GroupID), 10) }
func (a ActionSetNWTTL) String() string { return "mod_nw_ttl:" + strconv.Itoa(int(a.TTL)) }
func (ActionDecNWTTL) String() string   { return "dec_ttl" }
func (a ActionPushPBB) String() string  { return fmt.Sprintf("push_pbb:0x%04x", a.EtherType) }
func (ActionPopPBB) String() string     { return "pop_pbb" }

func (a ActionSetField) String() string {
	return "set_field:" + a.Field.valueString() + "->" + a.Field.Name()
}

func (a ActionExperimenter) String() string {
	return fmt.Sprintf("experimenter(%#x,0x%s)", a.Experimenter, hex.EncodeToString(a.Data))
}

// ActionsString prints an action list as ovs-ofctl does, comma-separated;
// an empty list is "drop".
func ActionsString(as []Action) string {
	if len(as) == 0 {
		return "drop"
	}
	s := make([]string, len(as))
	for i, a := range as {
		if a == nil {
			s[i] = "<nil>"
			continue
		}
		s[i] = a.String()
	}
	return strings.Join(s, ",")
}
