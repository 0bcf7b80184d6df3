package datapath

import (
	"github.com/ofbox/ofbox/openflow/flow"
)

// opKind is a compiled action.
type opKind uint8

const (
	opOutput opKind = iota
	opCopyTTLOut
	opCopyTTLIn
	opSetMPLSTTL
	opDecMPLSTTL
	opPushVLAN
	opPopVLAN
	opPushMPLS
	opPopMPLS
	opSetQueue
	opGroup
	opSetNWTTL
	opDecNWTTL
	opSetField
)

// op is an action compiled for the fast path: no interfaces, no slices.
type op struct {
	kind   opKind
	field  flow.Field
	ttl    uint8
	eth    uint16 // EtherType of push/pop
	maxLen uint16
	port   flow.PortNo
	id     uint32 // group or queue
	val    [16]byte
}

// program is a flow entry's instructions compiled: they run in the
// specification's order (meter, apply, clear, write, metadata, goto).
type program struct {
	meter     uint32
	apply     []op
	clear     bool
	write     []op
	writeMeta bool
	meta      uint64
	metaMask  uint64
	gotoTable int // -1 for none
}

// settable reports whether set_field may rewrite f.
func settable(f flow.Field) bool {
	switch f {
	case flow.InPort, flow.InPhyPort, flow.IPProto, flow.IPv6Exthdr:
		return false
	}
	return f.Valid()
}

// compileActions checks and compiles an action list. inFlow is false for
// packet-out, where output to TABLE is allowed.
func compileActions(as []flow.Action, s *snapshot, inFlow bool) ([]op, error) {
	ops := make([]op, 0, len(as))
	for _, a := range as {
		var o op
		switch a := a.(type) {
		case flow.Output:
			switch a.Port {
			case flow.PortAny:
				return nil, ofError(ErrTypeBadAction, BadActionBadOutPort)
			case flow.PortTable:
				if inFlow {
					return nil, ofError(ErrTypeBadAction, BadActionBadOutPort)
				}
			case flow.PortInPort, flow.PortFlood, flow.PortAll, flow.PortController, flow.PortLocal, flow.PortNormal:
			default:
				if a.Port >= flow.PortMax || a.Port == 0 {
					return nil, ofError(ErrTypeBadAction, BadActionBadOutPort)
				}
			}
			o = op{kind: opOutput, port: a.Port, maxLen: a.MaxLen}
		case flow.CopyTTLOut:
			o = op{kind: opCopyTTLOut}
		case flow.CopyTTLIn:
			o = op{kind: opCopyTTLIn}
		case flow.SetMPLSTTL:
			o = op{kind: opSetMPLSTTL, ttl: a.TTL}
		case flow.DecMPLSTTL:
			o = op{kind: opDecMPLSTTL}
		case flow.PushVLAN:
			if a.EtherType != flow.EthTypeVLAN && a.EtherType != flow.EthTypeQinQ {
				return nil, ofError(ErrTypeBadAction, BadActionBadArgument)
			}
			o = op{kind: opPushVLAN, eth: a.EtherType}
		case flow.PopVLAN:
			o = op{kind: opPopVLAN}
		case flow.PushMPLS:
			if a.EtherType != flow.EthTypeMPLS && a.EtherType != flow.EthTypeMPLSMcast {
				return nil, ofError(ErrTypeBadAction, BadActionBadArgument)
			}
			o = op{kind: opPushMPLS, eth: a.EtherType}
		case flow.PopMPLS:
			o = op{kind: opPopMPLS, eth: a.EtherType}
		case flow.SetQueue:
			o = op{kind: opSetQueue, id: a.QueueID}
		case flow.Group:
			if _, ok := s.groups[a.GroupID]; !ok {
				return nil, ofError(ErrTypeBadAction, BadActionBadOutGroup)
			}
			o = op{kind: opGroup, id: a.GroupID}
		case flow.SetNWTTL:
			o = op{kind: opSetNWTTL, ttl: a.TTL}
		case flow.DecNWTTL:
			o = op{kind: opDecNWTTL}
		case flow.SetField:
			if !settable(a.Field) {
				return nil, ofError(ErrTypeBadAction, BadActionBadSetType)
			}
			if a.Check() != nil {
				return nil, ofError(ErrTypeBadAction, BadActionBadSetArgument)
			}
			o = op{kind: opSetField, field: a.Field}
			copy(o.val[:], a.Value)
		default: // PBB and experimenter actions
			return nil, ofError(ErrTypeBadAction, BadActionBadType)
		}
		ops = append(ops, o)
	}
	return ops, nil
}

// compile checks and compiles the instructions of a flow entry in table
// tableID against snapshot s (for groups and meters).
func compile(is []flow.Instruction, tableID uint8, s *snapshot) (*program, error) {
	p := &program{gotoTable: -1}
	var err error
	for _, in := range is {
		switch in := in.(type) {
		case flow.ApplyActions:
			if p.apply, err = compileActions(in.Actions, s, true); err != nil {
				return nil, err
			}
		case flow.WriteActions:
			if p.write, err = compileActions(in.Actions, s, true); err != nil {
				return nil, err
			}
			if p.write == nil {
				p.write = []op{}
			}
		case flow.ClearActions:
			p.clear = true
		case flow.WriteMetadata:
			p.writeMeta, p.meta, p.metaMask = true, in.Metadata&in.Mask, in.Mask
		case flow.GotoTable:
			if in.TableID <= tableID || int(in.TableID) >= NumTables {
				return nil, ofError(ErrTypeBadInstruction, BadInstructionBadTableID)
			}
			p.gotoTable = int(in.TableID)
		case flow.Meter:
			if _, ok := s.meters[in.MeterID]; !ok {
				return nil, ofError(ErrTypeMeterModFailed, MeterModUnknownMeter)
			}
			p.meter = in.MeterID
		default:
			return nil, ofError(ErrTypeBadInstruction, BadInstructionUnknown)
		}
	}
	return p, nil
}
