package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// GroupModCommand is the command of a group mod (ofp_group_mod_command).
type GroupModCommand uint16

// The group mod commands.
const (
	GroupModAdd    GroupModCommand = 0
	GroupModModify GroupModCommand = 1
	GroupModDelete GroupModCommand = 2
)

// String prints the command as ovs-ofctl does ("ADD", "MOD", "DEL").
func (c GroupModCommand) String() string {
	switch c {
	case GroupModAdd:
		return "ADD"
	case GroupModModify:
		return "MOD"
	case GroupModDelete:
		return "DEL"
	}
	return fmt.Sprintf("cmd:%d", uint16(c))
}

// GroupType is the type of a group (ofp_group_type).
type GroupType uint8

// The group types.
const (
	GroupTypeAll      GroupType = 0
	GroupTypeSelect   GroupType = 1
	GroupTypeIndirect GroupType = 2
	GroupTypeFF       GroupType = 3 // fast failover
)

// String prints the type as ovs-ofctl does ("all", "ff").
func (t GroupType) String() string {
	switch t {
	case GroupTypeAll:
		return "all"
	case GroupTypeSelect:
		return "select"
	case GroupTypeIndirect:
		return "indirect"
	case GroupTypeFF:
		return "ff"
	}
	return fmt.Sprintf("type_%d", uint8(t))
}

// GroupMod is OFPT_GROUP_MOD.
type GroupMod struct {
	Command GroupModCommand
	Type    GroupType
	GroupID uint32
	Buckets []Bucket
}

// groupModFixedLen is ofp_group_mod before its buckets.
const groupModFixedLen = 8

func (m *GroupMod) Version() openflow.Version { return openflow.Version13 }
func (m *GroupMod) MsgType() uint8            { return uint8(TypeGroupMod) }

// AppendBinary appends ofp_group_mod's body and buckets.
func (m *GroupMod) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint16(b, uint16(m.Command))
	b = append(b, uint8(m.Type), 0)
	b = binary.BigEndian.AppendUint32(b, m.GroupID)
	b, err := AppendBuckets(b, m.Buckets)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode group_mod: %w", err)
	}
	return b, nil
}

func (m *GroupMod) decode(body []byte) error {
	if len(body) < groupModFixedLen {
		return truncErr(TypeGroupMod, len(body), "group_mod header")
	}
	r := wire.NewReader(body)
	m.Command = GroupModCommand(r.U16())
	m.Type = GroupType(r.U8())
	r.Skip(1)
	m.GroupID = r.U32()
	bs, err := DecodeBuckets(r.Rest())
	if err != nil {
		return decodeErr(TypeGroupMod, groupModFixedLen, fmt.Errorf("buckets: %w", err))
	}
	m.Buckets = bs
	return nil
}

// String prints m in the manner of ovs-ofctl: "ADD
// group_id=1,type=select,bucket=weight:10,actions=output:1".
func (m *GroupMod) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s group_id=%d,type=%s", m.Command, m.GroupID, m.Type)
	for _, k := range m.Buckets {
		s.WriteString("," + k.String())
	}
	return s.String()
}
