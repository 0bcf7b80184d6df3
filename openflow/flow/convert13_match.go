package flow

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow/of13"
)

// match13 converts a model match to OXM fields in field order.
func match13(m *Match) of13.Match {
	var w of13.Match
	for _, fm := range m.Fields() {
		w.Fields = append(w.Fields, of13.OXM{Class: of13.ClassOpenFlowBasic, Field: of13.OXMField(fm.Field), Value: fm.Value, Mask: fm.Mask})
	}
	return w
}

// matchFrom13 converts OXM fields to a model match, as a switch checks
// them: only OpenFlow basic fields, each once, with valid lengths, values
// and masks. Prerequisites are left to Validate.
func matchFrom13(w *of13.Match) (Match, error) { return matchFrom13x(w, false) }

// packetMatchFrom13 converts the match of a packet-in, which describes the
// packet rather than asks for anything: fields of other classes
// (Open vSwitch registers, say) are skipped.
func packetMatchFrom13(w *of13.Match) (Match, error) { return matchFrom13x(w, true) }

func matchFrom13x(w *of13.Match, skipOthers bool) (Match, error) {
	var m Match
	if err := matchFrom13Into(&m, w, skipOthers); err != nil {
		return Match{}, err
	}
	return m, nil
}

// matchFrom13Into is matchFrom13x into *m, which it overwrites; on error
// m holds a part of the match.
func matchFrom13Into(m *Match, w *of13.Match, skipOthers bool) error {
	*m = Match{}
	var seen [NumFields]bool
	for _, o := range w.Fields {
		f := Field(o.Field)
		if o.Class != of13.ClassOpenFlowBasic || !f.Valid() {
			if skipOthers {
				continue
			}
			return fmt.Errorf("oxm %s: %w", o.Name(), ErrBadField)
		}
		if seen[f] {
			return &MatchError{Field: f, Err: ErrDupField}
		}
		seen[f] = true
		if o.Mask != nil && len(o.Mask) == len(o.Value) {
			for i := range o.Value {
				if o.Value[i]&^o.Mask[i] != 0 {
					return &MatchError{Field: f, Err: ErrBadWildcards}
				}
			}
		}
		if err := m.Set(f, o.Value, o.Mask); err != nil {
			return err
		}
	}
	return nil
}

// setField13 converts a model set_field to the OF1.3 action.
func setField13(a SetField) (of13.Action, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	return of13.ActionSetField{Field: of13.OXM{Class: of13.ClassOpenFlowBasic, Field: of13.OXMField(a.Field), Value: a.Value}}, nil
}

func setFieldFrom13(a of13.ActionSetField) (SetField, error) {
	o := a.Field
	f := Field(o.Field)
	if o.Class != of13.ClassOpenFlowBasic || !f.Valid() {
		return SetField{}, fmt.Errorf("set_field %s: %w", o.Name(), ErrBadField)
	}
	if o.Mask != nil {
		return SetField{}, &MatchError{Field: f, Err: ErrBadMask}
	}
	s := SetField{Field: f, Value: o.Value}
	return s, s.Check()
}

func actions13(as []Action) ([]of13.Action, error) {
	out := make([]of13.Action, 0, len(as))
	for _, a := range as {
		var w of13.Action
		switch a := a.(type) {
		case Output:
			w = of13.ActionOutput{Port: of13.PortNo(a.Port), MaxLen: a.MaxLen}
		case CopyTTLOut:
			w = of13.ActionCopyTTLOut{}
		case CopyTTLIn:
			w = of13.ActionCopyTTLIn{}
		case SetMPLSTTL:
			w = of13.ActionSetMPLSTTL{TTL: a.TTL}
		case DecMPLSTTL:
			w = of13.ActionDecMPLSTTL{}
		case PushVLAN:
			w = of13.ActionPushVLAN{EtherType: a.EtherType}
		case PopVLAN:
			w = of13.ActionPopVLAN{}
		case PushMPLS:
			w = of13.ActionPushMPLS{EtherType: a.EtherType}
		case PopMPLS:
			w = of13.ActionPopMPLS{EtherType: a.EtherType}
		case SetQueue:
			w = of13.ActionSetQueue{QueueID: a.QueueID}
		case Group:
			w = of13.ActionGroup{GroupID: a.GroupID}
		case SetNWTTL:
			w = of13.ActionSetNWTTL{TTL: a.TTL}
		case DecNWTTL:
			w = of13.ActionDecNWTTL{}
		case SetField:
			var err error
			if w, err = setField13(a); err != nil {
				return nil, err
			}
		case PushPBB:
			w = of13.ActionPushPBB{EtherType: a.EtherType}
		case PopPBB:
			w = of13.ActionPopPBB{}
		case Experimenter:
			w = of13.ActionExperimenter{Experimenter: a.Experimenter, Data: a.Data}
		default:
			return nil, fmt.Errorf("action %T: %w", a, ErrUnsupported)
		}
		out = append(out, w)
	}
	return out, nil
}

func actionsFrom13(ws []of13.Action) ([]Action, error) {
	var out []Action
	for _, w := range ws {
		var a Action
		switch w := w.(type) {
		case of13.ActionOutput:
			a = Output{Port: PortNo(w.Port), MaxLen: w.MaxLen}
		case of13.ActionCopyTTLOut:
			a = CopyTTLOut{}
		case of13.ActionCopyTTLIn:
			a = CopyTTLIn{}
		case of13.ActionSetMPLSTTL:
			a = SetMPLSTTL{w.TTL}
		case of13.ActionDecMPLSTTL:
			a = DecMPLSTTL{}
		case of13.ActionPushVLAN:
			a = PushVLAN{w.EtherType}
		case of13.ActionPopVLAN:
			a = PopVLAN{}
		case of13.ActionPushMPLS:
			a = PushMPLS{w.EtherType}
		case of13.ActionPopMPLS:
			a = PopMPLS{w.EtherType}
		case of13.ActionSetQueue:
			a = SetQueue{w.QueueID}
		case of13.ActionGroup:
			a = Group{w.GroupID}
		case of13.ActionSetNWTTL:
			a = SetNWTTL{w.TTL}
		case of13.ActionDecNWTTL:
			a = DecNWTTL{}
		case of13.ActionSetField:
			s, err := setFieldFrom13(w)
			if err != nil {
				return nil, err
			}
			a = s
		case of13.ActionPushPBB:
			a = PushPBB{w.EtherType}
		case of13.ActionPopPBB:
			a = PopPBB{}
		case of13.ActionExperimenter:
			a = Experimenter{w.Experimenter, w.Data}
		default:
			return nil, fmt.Errorf("action %s: %w", w.ActionType(), ErrUnsupported)
		}
		out = append(out, a)
	}
	return out, nil
}

func instructions13(is []Instruction) ([]of13.Instruction, error) {
	out := make([]of13.Instruction, 0, len(is))
	for _, i := range is {
		var w of13.Instruction
		switch i := i.(type) {
		case ApplyActions:
			as, err := actions13(i.Actions)
			if err != nil {
				return nil, err
			}
			w = of13.InstructionApplyActions{Actions: as}
		case WriteActions:
			as, err := actions13(i.Actions)
			if err != nil {
				return nil, err
			}
			w = of13.InstructionWriteActions{Actions: as}
		case ClearActions:
			w = of13.InstructionClearActions{}
		case GotoTable:
			w = of13.InstructionGotoTable{TableID: i.TableID}
		case WriteMetadata:
			w = of13.InstructionWriteMetadata{Metadata: i.Metadata, Mask: i.Mask}
		case Meter:
			w = of13.InstructionMeter{MeterID: i.MeterID}
		case ExperimenterInstruction:
			w = of13.InstructionExperimenter{Experimenter: i.Experimenter, Data: i.Data}
		default:
			return nil, fmt.Errorf("instruction %T: %w", i, ErrUnsupported)
		}
		out = append(out, w)
	}
	return out, nil
}

func instructionsFrom13(ws []of13.Instruction) ([]Instruction, error) {
	var out []Instruction
	for _, w := range ws {
		var i Instruction
		switch w := w.(type) {
		case of13.InstructionApplyActions:
			as, err := actionsFrom13(w.Actions)
			if err != nil {
				return nil, err
			}
			i = ApplyActions{as}
		case of13.InstructionWriteActions:
			as, err := actionsFrom13(w.Actions)
			if err != nil {
				return nil, err
			}
			i = WriteActions{as}
		case of13.InstructionClearActions:
			i = ClearActions{}
		case of13.InstructionGotoTable:
			i = GotoTable{w.TableID}
		case of13.InstructionWriteMetadata:
			i = WriteMetadata{w.Metadata, w.Mask}
		case of13.InstructionMeter:
			i = Meter{w.MeterID}
		case of13.InstructionExperimenter:
			i = ExperimenterInstruction{w.Experimenter, w.Data}
		default:
			return nil, fmt.Errorf("instruction %s: %w", w.InstructionType(), ErrUnsupported)
		}
		out = append(out, i)
	}
	return out, nil
}
