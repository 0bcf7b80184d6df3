package flow

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Action is one version-neutral action. The set is sealed: the types
// below, with Experimenter as the escape hatch for vendor actions.
type Action interface {
	fmt.Stringer
	isAction()
}

// ControllerMaxLenNoBuffer asks the switch to send the whole packet to the
// controller and buffer nothing (OFPCML_NO_BUFFER).
const ControllerMaxLenNoBuffer uint16 = 0xffff

// Output sends the packet to Port; MaxLen bounds the bytes sent to the
// controller when Port is PortController.
type Output struct {
	Port   PortNo
	MaxLen uint16
}

// CopyTTLOut copies the TTL from the next-to-outermost header outwards.
type CopyTTLOut struct{}

// CopyTTLIn copies the TTL from the outermost header inwards.
type CopyTTLIn struct{}

// SetMPLSTTL sets the MPLS TTL.
type SetMPLSTTL struct{ TTL uint8 }

// DecMPLSTTL decrements the MPLS TTL.
type DecMPLSTTL struct{}

// PushVLAN pushes a VLAN header with the given TPID (0x8100 or 0x88a8).
type PushVLAN struct{ EtherType uint16 }

// PopVLAN pops the outer VLAN header (OpenFlow 1.0's strip_vlan).
type PopVLAN struct{}

// PushMPLS pushes an MPLS label stack entry (0x8847 or 0x8848).
type PushMPLS struct{ EtherType uint16 }

// PopMPLS pops the outer MPLS entry, leaving EtherType as the payload's.
type PopMPLS struct{ EtherType uint16 }

// SetQueue selects the queue of the outputs that follow.
type SetQueue struct{ QueueID uint32 }

// Group hands the packet to a group.
type Group struct{ GroupID uint32 }

// SetNWTTL sets the IP TTL or hop limit.
type SetNWTTL struct{ TTL uint8 }

// DecNWTTL decrements the IP TTL or hop limit.
type DecNWTTL struct{}

// SetField sets a header field: Value is Field.Len() big-endian bytes, as
// in a Match. OpenFlow 1.0's set_* actions are SetFields in this model:
// set_vlan_vid is vlan_vid=VIDPresent|vid, set_nw_tos is ip_dscp=tos>>2,
// set_tp_src is tcp_src or udp_src by the flow's ip_proto. Note that
// OpenFlow 1.0's set_vlan_vid pushes a tag onto an untagged packet while
// OpenFlow 1.3's set_field needs one (push_vlan first); a switch that
// wants both behaviours pushes when the packet has no tag.
type SetField struct {
	Field Field
	Value []byte
}

// PushPBB pushes a PBB service instance header.
type PushPBB struct{ EtherType uint16 }

// PopPBB pops the outer PBB service instance header.
type PopPBB struct{}

// Experimenter is an experimenter (OpenFlow 1.0 vendor) action kept as
// raw bytes: Data follows the experimenter id, padding included.
type Experimenter struct {
	Experimenter uint32
	Data         []byte
}

func (Output) isAction()       {}
func (CopyTTLOut) isAction()   {}
func (CopyTTLIn) isAction()    {}
func (SetMPLSTTL) isAction()   {}
func (DecMPLSTTL) isAction()   {}
func (PushVLAN) isAction()     {}
func (PopVLAN) isAction()      {}
func (PushMPLS) isAction()     {}
func (PopMPLS) isAction()      {}
func (SetQueue) isAction()     {}
func (Group) isAction()        {}
func (SetNWTTL) isAction()     {}
func (DecNWTTL) isAction()     {}
func (SetField) isAction()     {}
func (PushPBB) isAction()      {}
func (PopPBB) isAction()       {}
func (Experimenter) isAction() {}

// String prints "output:2", a reserved port by name ("NORMAL", "LOCAL"),
// or "CONTROLLER:max_len", as ovs-ofctl does.
func (a Output) String() string {
	switch {
	case a.Port == PortController:
		return "CONTROLLER:" + strconv.Itoa(int(a.MaxLen))
	case a.Port < PortMax || a.Port == PortAny:
		return "output:" + a.Port.String()
	}
	return a.Port.String()
}

func (CopyTTLOut) String() string   { return "copy_ttl_out" }
func (CopyTTLIn) String() string    { return "copy_ttl_in" }
func (a SetMPLSTTL) String() string { return fmt.Sprintf("set_mpls_ttl(%d)", a.TTL) }
func (DecMPLSTTL) String() string   { return "dec_mpls_ttl" }
func (a PushVLAN) String() string   { return fmt.Sprintf("push_vlan:%#x", a.EtherType) }
func (PopVLAN) String() string      { return "pop_vlan" }
func (a PushMPLS) String() string   { return fmt.Sprintf("push_mpls:%#x", a.EtherType) }
func (a PopMPLS) String() string    { return fmt.Sprintf("pop_mpls:0x%04x", a.EtherType) }
func (a SetQueue) String() string   { return fmt.Sprintf("set_queue:%d", a.QueueID) }
func (a Group) String() string      { return fmt.Sprintf("group:%d", a.GroupID) }
func (a SetNWTTL) String() string   { return fmt.Sprintf("mod_nw_ttl:%d", a.TTL) }
func (DecNWTTL) String() string     { return "dec_ttl" }
func (a PushPBB) String() string    { return fmt.Sprintf("push_pbb:%#x", a.EtherType) }
func (PopPBB) String() string       { return "pop_pbb" }

func (a Experimenter) String() string {
	return fmt.Sprintf("experimenter:%#x:%s", a.Experimenter, hex.EncodeToString(a.Data))
}

// String prints "set_field:value->field" as ovs-ofctl does.
func (a SetField) String() string {
	if !a.Field.Valid() || len(a.Value) != a.Field.Len() {
		return fmt.Sprintf("set_field:0x%x->%s", a.Value, a.Field)
	}
	b := append([]byte("set_field:"), appendValue(nil, a.Field, a.Value, nil)...)
	return string(b) + "->" + a.Field.String()
}

// SetFieldUint returns the SetField that sets f to v.
func SetFieldUint(f Field, v uint64) SetField {
	return SetField{Field: f, Value: be(v, f.Len())}
}

// Check reports a SetField whose value does not fit its field.
func (a SetField) Check() error {
	if !a.Field.Valid() {
		return &MatchError{Field: a.Field, Err: ErrBadField}
	}
	var m Match
	return m.Set(a.Field, a.Value, nil)
}

// ActionsString prints a list of actions as ovs-ofctl does: comma
// separated, "drop" when empty.
func ActionsString(as []Action) string {
	if len(as) == 0 {
		return "drop"
	}
	var s strings.Builder
	for i, a := range as {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(a.String())
	}
	return s.String()
}
