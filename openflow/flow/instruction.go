package flow

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Instruction is one version-neutral instruction of a flow entry. OpenFlow
// 1.0 flows have exactly one ApplyActions.
type Instruction interface {
	fmt.Stringer
	isInstruction()
}

// ApplyActions applies Actions to the packet at once.
type ApplyActions struct{ Actions []Action }

// WriteActions merges Actions into the action set.
type WriteActions struct{ Actions []Action }

// ClearActions empties the action set.
type ClearActions struct{}

// GotoTable continues the pipeline at a later table.
type GotoTable struct{ TableID uint8 }

// WriteMetadata writes the metadata bits set in Mask.
type WriteMetadata struct{ Metadata, Mask uint64 }

// Meter sends the packet through a meter.
type Meter struct{ MeterID uint32 }

// ExperimenterInstruction is an experimenter instruction kept as raw
// bytes.
type ExperimenterInstruction struct {
	Experimenter uint32
	Data         []byte
}

func (ApplyActions) isInstruction()            {}
func (WriteActions) isInstruction()            {}
func (ClearActions) isInstruction()            {}
func (GotoTable) isInstruction()               {}
func (WriteMetadata) isInstruction()           {}
func (Meter) isInstruction()                   {}
func (ExperimenterInstruction) isInstruction() {}

// String prints the actions bare, as ovs-ofctl prints apply-actions.
func (i ApplyActions) String() string { return ActionsString(i.Actions) }

func (i WriteActions) String() string {
	if len(i.Actions) == 0 {
		return "write_actions()"
	}
	return "write_actions(" + ActionsString(i.Actions) + ")"
}

func (ClearActions) String() string { return "clear_actions" }
func (i GotoTable) String() string  { return fmt.Sprintf("goto_table:%d", i.TableID) }
func (i Meter) String() string      { return fmt.Sprintf("meter:%d", i.MeterID) }

func (i WriteMetadata) String() string {
	if i.Mask == ^uint64(0) {
		return fmt.Sprintf("write_metadata:%#x", i.Metadata)
	}
	return fmt.Sprintf("write_metadata:%#x/%#x", i.Metadata, i.Mask)
}

func (i ExperimenterInstruction) String() string {
	return fmt.Sprintf("experimenter_instruction:%#x:%s", i.Experimenter, hex.EncodeToString(i.Data))
}

// InstructionsString prints instructions as the actions part of an
// ovs-ofctl flow: apply-actions bare, the others by name, "drop" when
// nothing is done.
func InstructionsString(is []Instruction) string {
	var parts []string
	for _, i := range is {
		if a, ok := i.(ApplyActions); ok && len(a.Actions) == 0 {
			continue
		}
		parts = append(parts, i.String())
	}
	if len(parts) == 0 {
		return "drop"
	}
	return strings.Join(parts, ",")
}

// Actions returns the actions of the first ApplyActions in is: the whole
// action list of an OpenFlow 1.0 flow.
func Actions(is []Instruction) []Action {
	for _, i := range is {
		if a, ok := i.(ApplyActions); ok {
			return a.Actions
		}
	}
	return nil
}
