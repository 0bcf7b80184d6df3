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

// InstructionType is an OpenFlow 1.3 instruction type (ofp_instruction_type).
type InstructionType uint16

// The OpenFlow 1.3 instruction types.
const (
	InstructionTypeGotoTable     InstructionType = 1
	InstructionTypeWriteMetadata InstructionType = 2
	InstructionTypeWriteActions  InstructionType = 3
	InstructionTypeApplyActions  InstructionType = 4
	InstructionTypeClearActions  InstructionType = 5
	InstructionTypeMeter         InstructionType = 6
	InstructionTypeExperimenter  InstructionType = 0xffff
)

// String names t as ovs-ofctl's flow syntax does ("goto_table").
func (t InstructionType) String() string {
	switch t {
	case InstructionTypeGotoTable:
		return "goto_table"
	case InstructionTypeWriteMetadata:
		return "write_metadata"
	case InstructionTypeWriteActions:
		return "write_actions"
	case InstructionTypeApplyActions:
		return "apply_actions"
	case InstructionTypeClearActions:
		return "clear_actions"
	case InstructionTypeMeter:
		return "meter"
	case InstructionTypeExperimenter:
		return "experimenter"
	}
	return "instruction" + strconv.Itoa(int(t))
}

// ErrUnknownInstruction: an instruction list holds an instruction type
// OpenFlow 1.3 does not define.
var ErrUnknownInstruction = errors.New("unknown instruction type")

// Instruction is one OpenFlow 1.3 instruction. The set is closed: the
// concrete types are the Instruction* structs of this package, with
// InstructionExperimenter for vendor extensions.
type Instruction interface {
	InstructionType() InstructionType
	String() string
	appendInstruction(b []byte) ([]byte, error)
}

// InstructionGotoTable continues the pipeline at a later table.
type InstructionGotoTable struct{ TableID uint8 }

// InstructionWriteMetadata writes the bits of Metadata selected by Mask
// into the metadata field.
type InstructionWriteMetadata struct{ Metadata, Mask uint64 }

// InstructionWriteActions merges actions into the action set.
type InstructionWriteActions struct{ Actions []Action }

// InstructionApplyActions applies actions at once.
type InstructionApplyActions struct{ Actions []Action }

// InstructionClearActions empties the action set.
type InstructionClearActions struct{}

// InstructionMeter sends the packet through a meter.
type InstructionMeter struct{ MeterID uint32 }

// InstructionExperimenter is a vendor instruction, kept as raw bytes after
// the experimenter id. Data is padded with zeros to make the instruction
// a multiple of 8 bytes when encoded.
type InstructionExperimenter struct {
	Experimenter uint32
	Data         []byte
}

func (InstructionGotoTable) InstructionType() InstructionType { return InstructionTypeGotoTable }
func (InstructionWriteMetadata) InstructionType() InstructionType {
	return InstructionTypeWriteMetadata
}
func (InstructionWriteActions) InstructionType() InstructionType { return InstructionTypeWriteActions }
func (InstructionApplyActions) InstructionType() InstructionType { return InstructionTypeApplyActions }
func (InstructionClearActions) InstructionType() InstructionType { return InstructionTypeClearActions }
func (InstructionMeter) InstructionType() InstructionType        { return InstructionTypeMeter }
func (InstructionExperimenter) InstructionType() InstructionType {
	return InstructionTypeExperimenter
}

func appendInsHdr(b []byte, t InstructionType, n uint16) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	return binary.BigEndian.AppendUint16(b, n)
}

func (i InstructionGotoTable) appendInstruction(b []byte) ([]byte, error) {
	return append(appendInsHdr(b, InstructionTypeGotoTable, 8), i.TableID, 0, 0, 0), nil
}

func (i InstructionWriteMetadata) appendInstruction(b []byte) ([]byte, error) {
	b = append(appendInsHdr(b, InstructionTypeWriteMetadata, 24), 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint64(b, i.Metadata)
	return binary.BigEndian.AppendUint64(b, i.Mask), nil
}

// appendInsActions appends a write- or apply-actions instruction.
func appendInsActions(b []byte, t InstructionType, as []Action) ([]byte, error) {
	start := len(b)
	b = append(appendInsHdr(b, t, 0), 0, 0, 0, 0)
	b, err := AppendActions(b, as)
	if err != nil {
		return b[:start], fmt.Errorf("%s: %w", t, err)
	}
	n := len(b) - start
	if n > 0xffff {
		return b[:start], fmt.Errorf("%s: %w: %d bytes", t, openflow.ErrTooLong, n)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	return b, nil
}

func (i InstructionWriteActions) appendInstruction(b []byte) ([]byte, error) {
	return appendInsActions(b, InstructionTypeWriteActions, i.Actions)
}

func (i InstructionApplyActions) appendInstruction(b []byte) ([]byte, error) {
	return appendInsActions(b, InstructionTypeApplyActions, i.Actions)
}

func (i InstructionClearActions) appendInstruction(b []byte) ([]byte, error) {
	return append(appendInsHdr(b, InstructionTypeClearActions, 8), 0, 0, 0, 0), nil
}

func (i InstructionMeter) appendInstruction(b []byte) ([]byte, error) {
	return binary.BigEndian.AppendUint32(appendInsHdr(b, InstructionTypeMeter, 8), i.MeterID), nil
}

func (i InstructionExperimenter) appendInstruction(b []byte) ([]byte, error) {
	start := len(b)
	n := (8 + len(i.Data) + 7) &^ 7
	if n > 0xffff {
		return b, fmt.Errorf("experimenter instruction: %w: %d bytes", openflow.ErrTooLong, n)
	}
	b = appendInsHdr(b, InstructionTypeExperimenter, uint16(n))
	b = binary.BigEndian.AppendUint32(b, i.Experimenter)
	b = append(b, i.Data...)
	return pad8(b, start), nil
}

// AppendInstructions appends the instruction list is to b.
func AppendInstructions(b []byte, is []Instruction) ([]byte, error) {
	start := len(b)
	for k, i := range is {
		if i == nil {
			return b[:start], fmt.Errorf("instruction %d: nil instruction", k)
		}
		var err error
		if b, err = i.appendInstruction(b); err != nil {
			return b[:start], fmt.Errorf("instruction %d: %w", k, err)
		}
	}
	return b, nil
}

// DecodeInstructions decodes b, which holds exactly an instruction list.
// The instructions own their memory. An instruction type OpenFlow 1.3 does
// not define is an error (ErrUnknownInstruction) naming the type.
func DecodeInstructions(b []byte) ([]Instruction, error) {
	is, err := decodeTLVs(b, "instruction", 2, decodeInstruction)
	if err != nil {
		return nil, withCode(err, instructionCodes)
	}
	return is, nil
}

func decodeInstruction(b []byte) (Instruction, int, error) {
	t, n, err := tlvHeader[InstructionType](b, "instruction")
	if err != nil {
		return nil, 0, err
	}
	p := b[:n]
	want := 8
	var i Instruction
	switch t {
	case InstructionTypeGotoTable:
		i = InstructionGotoTable{TableID: p[4]}
	case InstructionTypeWriteMetadata:
		want = 24
		if n == want {
			i = InstructionWriteMetadata{Metadata: binary.BigEndian.Uint64(p[8:]), Mask: binary.BigEndian.Uint64(p[16:])}
		}
	case InstructionTypeWriteActions, InstructionTypeApplyActions:
		want = n
		as, err := DecodeActions(p[8:])
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", t, err)
		}
		if t == InstructionTypeWriteActions {
			i = InstructionWriteActions{Actions: as}
		} else {
			i = InstructionApplyActions{Actions: as}
		}
	case InstructionTypeClearActions:
		i = InstructionClearActions{}
	case InstructionTypeMeter:
		i = InstructionMeter{MeterID: binary.BigEndian.Uint32(p[4:])}
	case InstructionTypeExperimenter:
		want = n
		i = InstructionExperimenter{Experimenter: binary.BigEndian.Uint32(p[4:]), Data: append([]byte{}, p[8:]...)}
	default:
		return nil, 0, fmt.Errorf("%w %d (%#04x)", ErrUnknownInstruction, uint16(t), uint16(t))
	}
	if n != want {
		return nil, 0, fmt.Errorf("%s: %w: length %d, want %d", t, openflow.ErrBadLength, n, want)
	}
	return i, n, nil
}

// String methods print instructions in ovs-ofctl syntax.

func (i InstructionGotoTable) String() string { return "goto_table:" + strconv.Itoa(int(i.TableID)) }

func (i InstructionWriteMetadata) String() string {
	if i.Mask == ^uint64(0) {
		return fmt.Sprintf("write_metadata:%#x", i.Metadata)
	}
	return fmt.Sprintf("write_metadata:%#x/%#x", i.Metadata, i.Mask)
}

func (i InstructionWriteActions) String() string {
	return "write_actions(" + ActionsString(i.Actions) + ")"
}

func (i InstructionApplyActions) String() string {
	return "apply_actions(" + ActionsString(i.Actions) + ")"
}

func (InstructionClearActions) String() string { return "clear_actions" }
func (i InstructionMeter) String() string {
	return "meter:" + strconv.FormatUint(uint64(i.MeterID), 10)
}

func (i InstructionExperimenter) String() string {
	return fmt.Sprintf("experimenter_instruction(%#x,0x%s)", i.Experimenter, hex.EncodeToString(i.Data))
}

// InstructionsString prints an instruction list as the actions= part of an
// ovs-ofctl flow: apply-actions print as their bare actions, the others by
// name; an empty list is "drop".
func InstructionsString(is []Instruction) string {
	var s []string
	for _, i := range is {
		switch i := i.(type) {
		case InstructionApplyActions:
			if len(i.Actions) > 0 {
				s = append(s, ActionsString(i.Actions))
			}
		case nil:
			s = append(s, "<nil>")
		default:
			s = append(s, i.String())
		}
	}
	if len(s) == 0 {
		return "drop"
	}
	return strings.Join(s, ",")
}
