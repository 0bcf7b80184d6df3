package of10

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// ActionType is ofp_action_type.
type ActionType uint16

// The OpenFlow 1.0 action types.
const (
	ActionTypeOutput     ActionType = 0
	ActionTypeSetVLANVID ActionType = 1
	ActionTypeSetVLANPCP ActionType = 2
	ActionTypeStripVLAN  ActionType = 3
	ActionTypeSetDLSrc   ActionType = 4
	ActionTypeSetDLDst   ActionType = 5
	ActionTypeSetNWSrc   ActionType = 6
	ActionTypeSetNWDst   ActionType = 7
	ActionTypeSetNWTOS   ActionType = 8
	ActionTypeSetTPSrc   ActionType = 9
	ActionTypeSetTPDst   ActionType = 10
	ActionTypeEnqueue    ActionType = 11
	ActionTypeVendor     ActionType = 0xffff
)

var actionNames = [...]string{
	"output", "mod_vlan_vid", "mod_vlan_pcp", "strip_vlan", "mod_dl_src", "mod_dl_dst",
	"mod_nw_src", "mod_nw_dst", "mod_nw_tos", "mod_tp_src", "mod_tp_dst", "enqueue",
}

// String names the type as the ovs-ofctl action syntax does ("mod_nw_src").
func (t ActionType) String() string {
	if int(t) < len(actionNames) {
		return actionNames[t]
	}
	if t == ActionTypeVendor {
		return "vendor"
	}
	return "action_" + strconv.Itoa(int(t))
}

// Action is one OpenFlow 1.0 action. The set is sealed: the concrete types
// are the Action* types of this package. ActionVendor and ActionUnknown
// carry what the package does not interpret, so that nothing is lost.
type Action interface {
	ActionType() ActionType
	// String prints the action in ovs-ofctl's action syntax.
	String() string
	// appendBody appends what follows the 4-byte type and length header.
	appendBody(b []byte) []byte
}

// ActionOutput outputs to a port. MaxLen is the number of bytes to send
// when Port is PortController.
type ActionOutput struct {
	Port   PortNo
	MaxLen uint16
}

// ActionSetVLANVID sets the 12-bit VLAN id, pushing a VLAN header if
// there is none.
type ActionSetVLANVID struct{ VLANVID uint16 }

// ActionSetVLANPCP sets the 3-bit VLAN priority.
type ActionSetVLANPCP struct{ VLANPCP uint8 }

// ActionStripVLAN pops the VLAN header.
type ActionStripVLAN struct{}

// ActionSetDLSrc sets the Ethernet source address.
type ActionSetDLSrc struct{ Addr openflow.EthAddr }

// ActionSetDLDst sets the Ethernet destination address.
type ActionSetDLDst struct{ Addr openflow.EthAddr }

// ActionSetNWSrc sets the IPv4 source address. The zero Addr encodes as
// 0.0.0.0; decoding always yields an IPv4 address.
type ActionSetNWSrc struct{ Addr netip.Addr }

// ActionSetNWDst sets the IPv4 destination address.
type ActionSetNWDst struct{ Addr netip.Addr }

// ActionSetNWTOS sets the IP ToS (DSCP in the upper 6 bits).
type ActionSetNWTOS struct{ TOS uint8 }

// ActionSetTPSrc sets the TCP/UDP source port.
type ActionSetTPSrc struct{ Port uint16 }

// ActionSetTPDst sets the TCP/UDP destination port.
type ActionSetTPDst struct{ Port uint16 }

// ActionEnqueue outputs to a queue of a port.
type ActionEnqueue struct {
	Port    PortNo
	QueueID uint32
}

// ActionVendor is a vendor action (OFPAT_VENDOR): the vendor id and the
// bytes after it, kept raw. 8+len(Data) must be a multiple of 8.
type ActionVendor struct {
	Vendor uint32
	Data   []byte
}

// ActionUnknown is an action of a type OpenFlow 1.0 does not define, with
// the bytes after its 4-byte header kept raw. 4+len(Data) must be a
// multiple of 8.
type ActionUnknown struct {
	Type ActionType
	Data []byte
}

func (ActionOutput) ActionType() ActionType     { return ActionTypeOutput }
func (ActionSetVLANVID) ActionType() ActionType { return ActionTypeSetVLANVID }
func (ActionSetVLANPCP) ActionType() ActionType { return ActionTypeSetVLANPCP }
func (ActionStripVLAN) ActionType() ActionType  { return ActionTypeStripVLAN }
func (ActionSetDLSrc) ActionType() ActionType   { return ActionTypeSetDLSrc }
func (ActionSetDLDst) ActionType() ActionType   { return ActionTypeSetDLDst }
func (ActionSetNWSrc) ActionType() ActionType   { return ActionTypeSetNWSrc }
func (ActionSetNWDst) ActionType() ActionType   { return ActionTypeSetNWDst }
func (ActionSetNWTOS) ActionType() ActionType   { return ActionTypeSetNWTOS }
func (ActionSetTPSrc) ActionType() ActionType   { return ActionTypeSetTPSrc }
func (ActionSetTPDst) ActionType() ActionType   { return ActionTypeSetTPDst }
func (ActionEnqueue) ActionType() ActionType    { return ActionTypeEnqueue }
func (ActionVendor) ActionType() ActionType     { return ActionTypeVendor }
func (a ActionUnknown) ActionType() ActionType  { return a.Type }

func (a ActionOutput) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(a.Port))
	return binary.BigEndian.AppendUint16(b, a.MaxLen)
}

func (a ActionSetVLANVID) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.VLANVID), 0, 0)
}

func (a ActionSetVLANPCP) appendBody(b []byte) []byte {
	return append(b, a.VLANPCP, 0, 0, 0)
}

func (ActionStripVLAN) appendBody(b []byte) []byte { return append(b, 0, 0, 0, 0) }

func (a ActionSetDLSrc) appendBody(b []byte) []byte {
	return wire.Pad(append(b, a.Addr[:]...), 6)
}

func (a ActionSetDLDst) appendBody(b []byte) []byte {
	return wire.Pad(append(b, a.Addr[:]...), 6)
}

func (a ActionSetNWSrc) appendBody(b []byte) []byte { return appendIPv4(b, a.Addr) }
func (a ActionSetNWDst) appendBody(b []byte) []byte { return appendIPv4(b, a.Addr) }

func (a ActionSetNWTOS) appendBody(b []byte) []byte {
	return append(b, a.TOS, 0, 0, 0)
}

func (a ActionSetTPSrc) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.Port), 0, 0)
}

func (a ActionSetTPDst) appendBody(b []byte) []byte {
	return append(binary.BigEndian.AppendUint16(b, a.Port), 0, 0)
}

func (a ActionEnqueue) appendBody(b []byte) []byte {
	b = wire.Pad(binary.BigEndian.AppendUint16(b, uint16(a.Port)), 6)
	return binary.BigEndian.AppendUint32(b, a.QueueID)
}

func (a ActionVendor) appendBody(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, a.Vendor)
	return append(b, a.Data...)
}

func (a ActionUnknown) appendBody(b []byte) []byte { return append(b, a.Data...) }

// AppendActions appends the wire form of as to b. It fails on an action
// whose length is not a multiple of 8 or does not fit 16 bits.
func AppendActions(b []byte, as []Action) ([]byte, error) {
	for i, a := range as {
		if a == nil {
			return b, fmt.Errorf("action %d: nil", i)
		}
		start := len(b)
		b = binary.BigEndian.AppendUint16(b, uint16(a.ActionType()))
		b = append(b, 0, 0)
		b = a.appendBody(b)
		n := len(b) - start
		if n > 0xffff {
			return b[:start], fmt.Errorf("action %d (%s): %w", i, a.ActionType(), tooLong("action", n))
		}
		if n%8 != 0 {
			return b[:start], fmt.Errorf("action %d (%s): %w: length %d is not a multiple of 8", i, a.ActionType(), openflow.ErrBadLength, n)
		}
		wire.PutLen16(b, start+2, n)
	}
	return b, nil
}

// actionLen is the wire length of each action type OpenFlow 1.0 defines.
var actionLen = [...]int{8, 8, 8, 8, 16, 16, 8, 8, 8, 8, 8, 16}

// DecodeActions decodes b, which holds exactly a list of actions. Errors
// wrap openflow.ErrTruncated or openflow.ErrBadLength and name the offset
// in b.
func DecodeActions(b []byte) ([]Action, error) {
	as, err := decodeActions(b)
	if err != nil {
		// OFPET_BAD_ACTION/OFPBAC_BAD_LEN: every error here is a length.
		return nil, openflow.WithErrorCode(err, openflow.Version10, 2, 1)
	}
	return as, nil
}

func decodeActions(b []byte) ([]Action, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var as []Action
	r := wire.NewReader(b)
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < 8 {
			return nil, truncated(off)
		}
		t := ActionType(r.U16())
		n := int(r.U16())
		if n < 8 || n%8 != 0 {
			return nil, badLen(off+2, "action %s: length %d", t, n)
		}
		if int(t) < len(actionLen) && n != actionLen[t] {
			return nil, badLen(off+2, "action %s: length %d, want %d", t, n, actionLen[t])
		}
		if n > r.Len()+4 {
			return nil, badLen(off+2, "action %s: length %d exceeds the %d bytes left", t, n, r.Len()+4)
		}
		as = append(as, readAction(t, r.Bytes(n-4)))
	}
	return as, nil
}

// readAction decodes the body p (after the header) of an action of type t
// whose length has been checked.
func readAction(t ActionType, p []byte) Action {
	r := wire.NewReader(p)
	switch t {
	case ActionTypeOutput:
		return ActionOutput{Port: PortNo(r.U16()), MaxLen: r.U16()}
	case ActionTypeSetVLANVID:
		return ActionSetVLANVID{VLANVID: r.U16()}
	case ActionTypeSetVLANPCP:
		return ActionSetVLANPCP{VLANPCP: r.U8()}
	case ActionTypeStripVLAN:
		return ActionStripVLAN{}
	case ActionTypeSetDLSrc:
		return ActionSetDLSrc{Addr: r.Array6()}
	case ActionTypeSetDLDst:
		return ActionSetDLDst{Addr: r.Array6()}
	case ActionTypeSetNWSrc:
		return ActionSetNWSrc{Addr: readIPv4(&r)}
	case ActionTypeSetNWDst:
		return ActionSetNWDst{Addr: readIPv4(&r)}
	case ActionTypeSetNWTOS:
		return ActionSetNWTOS{TOS: r.U8()}
	case ActionTypeSetTPSrc:
		return ActionSetTPSrc{Port: r.U16()}
	case ActionTypeSetTPDst:
		return ActionSetTPDst{Port: r.U16()}
	case ActionTypeEnqueue:
		a := ActionEnqueue{Port: PortNo(r.U16())}
		r.Skip(6)
		a.QueueID = r.U32()
		return a
	case ActionTypeVendor:
		return ActionVendor{Vendor: r.U32(), Data: clone(r.Rest())}
	}
	return ActionUnknown{Type: t, Data: clone(p)}
}
