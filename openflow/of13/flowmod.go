package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FlowModCommand is the command of a flow mod (ofp_flow_mod_command).
type FlowModCommand uint8

// The flow mod commands.
const (
	FlowModAdd          FlowModCommand = 0
	FlowModModify       FlowModCommand = 1
	FlowModModifyStrict FlowModCommand = 2
	FlowModDelete       FlowModCommand = 3
	FlowModDeleteStrict FlowModCommand = 4
)

// String prints the command as ovs-ofctl does ("ADD", "DEL_STRICT").
func (c FlowModCommand) String() string {
	switch c {
	case FlowModAdd:
		return "ADD"
	case FlowModModify:
		return "MOD"
	case FlowModModifyStrict:
		return "MOD_STRICT"
	case FlowModDelete:
		return "DEL"
	case FlowModDeleteStrict:
		return "DEL_STRICT"
	}
	return fmt.Sprintf("cmd:%d", uint8(c))
}

// FlowModFlags is the flag set of a flow entry (ofp_flow_mod_flags).
type FlowModFlags uint16

// The flow mod flags.
const (
	FlowModSendFlowRem  FlowModFlags = 1 << 0
	FlowModCheckOverlap FlowModFlags = 1 << 1
	FlowModResetCounts  FlowModFlags = 1 << 2
	FlowModNoPktCounts  FlowModFlags = 1 << 3
	FlowModNoBytCounts  FlowModFlags = 1 << 4
)

var flowModFlagNames = []msgFlag{
	{uint32(FlowModSendFlowRem), "send_flow_rem"},
	{uint32(FlowModCheckOverlap), "check_overlap"},
	{uint32(FlowModResetCounts), "reset_counts"},
	{uint32(FlowModNoPktCounts), "no_packet_counts"},
	{uint32(FlowModNoBytCounts), "no_byte_counts"},
}

// String prints the flags as ovs-ofctl does ("send_flow_rem check_overlap").
func (f FlowModFlags) String() string { return msgFlagsString(uint32(f), flowModFlagNames) }

// FlowMod is OFPT_FLOW_MOD.
type FlowMod struct {
	Cookie      uint64
	CookieMask  uint64 // for modify and delete: which Cookie bits must match
	TableID     uint8  // TableAll to delete from every table
	Command     FlowModCommand
	IdleTimeout uint16
	HardTimeout uint16
	Priority    uint16
	BufferID    uint32 // NoBuffer, or a buffered packet to apply the flow to
	OutPort     PortNo // for delete: PortAny, or an output port to require
	OutGroup    uint32 // for delete: GroupAny, or an output group to require
	Flags       FlowModFlags
	Match       Match
	// Instructions are not meaningful for delete.
	Instructions []Instruction
}

// flowModFixedLen is ofp_flow_mod before its match.
const flowModFixedLen = 40

func (m *FlowMod) Version() openflow.Version { return openflow.Version13 }
func (m *FlowMod) MsgType() uint8            { return uint8(TypeFlowMod) }

// AppendBinary appends ofp_flow_mod's body: fields, match, instructions.
func (m *FlowMod) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	b = binary.BigEndian.AppendUint64(b, m.CookieMask)
	b = append(b, m.TableID, uint8(m.Command))
	b = binary.BigEndian.AppendUint16(b, m.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, m.HardTimeout)
	b = binary.BigEndian.AppendUint16(b, m.Priority)
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(m.OutPort))
	b = binary.BigEndian.AppendUint32(b, m.OutGroup)
	b = binary.BigEndian.AppendUint16(b, uint16(m.Flags))
	b = append(b, 0, 0)
	b, err := m.Match.AppendBinary(b)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode flow_mod: %w", err)
	}
	b, err = AppendInstructions(b, m.Instructions)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode flow_mod: %w", err)
	}
	return b, nil
}

func (m *FlowMod) decode(body []byte) error {
	if len(body) < flowModFixedLen {
		return truncErr(TypeFlowMod, len(body), "flow_mod header")
	}
	r := wire.NewReader(body)
	m.Cookie = r.U64()
	m.CookieMask = r.U64()
	m.TableID = r.U8()
	m.Command = FlowModCommand(r.U8())
	m.IdleTimeout = r.U16()
	m.HardTimeout = r.U16()
	m.Priority = r.U16()
	m.BufferID = r.U32()
	m.OutPort = PortNo(r.U32())
	m.OutGroup = r.U32()
	m.Flags = FlowModFlags(r.U16())
	n, err := m.Match.Decode(body[flowModFixedLen:])
	if err != nil {
		return decodeErr(TypeFlowMod, flowModFixedLen, fmt.Errorf("match: %w", err))
	}
	off := flowModFixedLen + n
	is, err := DecodeInstructions(body[off:])
	if err != nil {
		return decodeErr(TypeFlowMod, off, fmt.Errorf("instructions: %w", err))
	}
	m.Instructions = is
	return nil
}

// String prints m in the manner of ovs-ofctl: "ADD table:1
// priority=100,in_port=1 cookie:0x1234 idle:10 send_flow_rem actions=output:2".
func (m *FlowMod) String() string {
	var s strings.Builder
	s.WriteString(m.Command.String())
	if m.TableID != 0 {
		fmt.Fprintf(&s, " table:%d", m.TableID)
	}
	fmt.Fprintf(&s, " priority=%d", m.Priority)
	if len(m.Match.Fields) > 0 {
		s.WriteString("," + m.Match.String())
	}
	if m.Cookie != 0 || m.CookieMask != 0 {
		fmt.Fprintf(&s, " cookie:%#x", m.Cookie)
		if m.CookieMask != 0 {
			fmt.Fprintf(&s, "/%#x", m.CookieMask)
		}
	}
	if m.IdleTimeout != 0 {
		fmt.Fprintf(&s, " idle:%d", m.IdleTimeout)
	}
	if m.HardTimeout != 0 {
		fmt.Fprintf(&s, " hard:%d", m.HardTimeout)
	}
	if m.BufferID != NoBuffer {
		fmt.Fprintf(&s, " buffer:%#x", m.BufferID)
	}
	if m.OutPort != PortAny {
		fmt.Fprintf(&s, " out_port:%s", m.OutPort)
	}
	if m.OutGroup != GroupAny {
		fmt.Fprintf(&s, " out_group:%d", m.OutGroup)
	}
	if m.Flags != 0 {
		s.WriteString(" " + m.Flags.String())
	}
	s.WriteString(" actions=" + InstructionsString(m.Instructions))
	return s.String()
}
