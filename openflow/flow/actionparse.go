package flow

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// ParseActions parses an action list in ovs-ofctl syntax
// ("output:2,mod_vlan_vid:10", "drop", "set_field:10.0.0.1->ip_dst").
// OpenFlow 1.0 spellings (mod_dl_src, mod_nw_tos, strip_vlan, enqueue)
// become the equivalent model actions.
func ParseActions(s string) ([]Action, error) {
	var l actionList
	for _, tok := range splitList(s) {
		if err := l.add(tok, nil); err != nil {
			return nil, err
		}
	}
	return l.as, nil
}

// actionList collects parsed actions. It tracks the selected queue so
// that enqueue:port:queue adds set_queue only when it changes the queue,
// as decoding OpenFlow 1.0 enqueue actions does.
type actionList struct {
	as     []Action
	queue  uint32
	queued bool
}

func (l *actionList) add(tok string, ctx *Match) error {
	as, err := parseAction(tok, ctx)
	if err != nil {
		return err
	}
	if name, _ := splitAction(tok); name == "enqueue" && l.queued && l.queue == as[0].(SetQueue).QueueID {
		as = as[1:]
	}
	for _, a := range as {
		if q, ok := a.(SetQueue); ok {
			l.queue, l.queued = q.QueueID, true
		}
	}
	l.as = append(l.as, as...)
	return nil
}

// ParseInstructions parses the actions part of an ovs-ofctl flow: bare
// actions form one ApplyActions; meter:N, clear_actions,
// write_actions(...), write_metadata:V[/M] and goto_table:N are
// instructions.
func ParseInstructions(s string) ([]Instruction, error) { return parseInstructions(s, nil) }

// parseInstructions parses with the flow's match as context, so that
// mod_tp_src means the UDP port of a UDP flow.
func parseInstructions(s string, ctx *Match) ([]Instruction, error) {
	var is []Instruction
	var apply actionList
	at := -1 // index of the ApplyActions in is
	for _, tok := range splitList(s) {
		i, err := parseInstruction(tok, ctx)
		if err != nil {
			return nil, err
		}
		if i != nil {
			is = append(is, i)
			continue
		}
		if err := apply.add(tok, ctx); err != nil {
			return nil, err
		}
		if len(apply.as) == 0 {
			continue
		}
		if at < 0 {
			at = len(is)
			is = append(is, nil)
		}
		is[at] = ApplyActions{apply.as}
	}
	return is, nil
}

// parseInstruction returns nil, nil for a token that is not an
// instruction.
func parseInstruction(tok string, ctx *Match) (Instruction, error) {
	name, arg := splitAction(tok)
	bad := func() (Instruction, error) {
		return nil, fmt.Errorf("flow: parse instruction %q: %w", tok, errSyntax)
	}
	switch name {
	case "goto_table":
		n, err := strconv.ParseUint(arg, 0, 8)
		if err != nil {
			return bad()
		}
		return GotoTable{uint8(n)}, nil
	case "meter":
		n, err := strconv.ParseUint(arg, 0, 32)
		if err != nil {
			return bad()
		}
		return Meter{uint32(n)}, nil
	case "clear_actions":
		return ClearActions{}, nil
	case "write_metadata":
		vs, ms, masked := strings.Cut(arg, "/")
		v, err := strconv.ParseUint(vs, 0, 64)
		m := ^uint64(0)
		if err == nil && masked {
			m, err = strconv.ParseUint(ms, 0, 64)
		}
		if err != nil {
			return bad()
		}
		return WriteMetadata{v, m}, nil
	case "write_actions", "apply_actions":
		var l actionList
		for _, t := range splitList(arg) {
			if err := l.add(t, ctx); err != nil {
				return nil, err
			}
		}
		if name == "apply_actions" {
			return ApplyActions{l.as}, nil
		}
		return WriteActions{l.as}, nil
	case "experimenter_instruction":
		id, data, err := parseExperimenter(arg)
		if err != nil {
			return bad()
		}
		return ExperimenterInstruction{id, data}, nil
	}
	return nil, nil
}

// splitAction splits "name:arg", "name=arg" or "name(arg)".
func splitAction(tok string) (name, arg string) {
	i := strings.IndexAny(tok, ":=(")
	if i < 0 {
		return strings.ToLower(tok), ""
	}
	name, arg = strings.ToLower(tok[:i]), tok[i+1:]
	if tok[i] == '(' {
		arg = strings.TrimSuffix(arg, ")")
	}
	return name, arg
}

func parseExperimenter(arg string) (uint32, []byte, error) {
	ids, data, _ := strings.Cut(arg, ":")
	id, err := strconv.ParseUint(ids, 0, 32)
	if err != nil {
		return 0, nil, err
	}
	b, err := hex.DecodeString(data)
	return uint32(id), b, err
}

// parseAction parses one action token; drop yields no action, enqueue
// two.
func parseAction(tok string, ctx *Match) ([]Action, error) {
	name, arg := splitAction(tok)
	bad := func() ([]Action, error) {
		return nil, fmt.Errorf("flow: parse action %q: %w", tok, errSyntax)
	}
	num := func(bits int) (uint64, bool) {
		n, err := strconv.ParseUint(arg, 0, bits)
		return n, err == nil
	}
	one := func(a Action) ([]Action, error) { return []Action{a}, nil }
	if p, err := ParsePort(name); err == nil && arg == "" && p != PortAny {
		if p == PortController {
			return one(Output{p, ControllerMaxLenNoBuffer})
		}
		return one(Output{Port: p})
	}
	switch name {
	case "drop":
		return nil, nil
	case "output":
		p, err := ParsePort(arg)
		if err != nil {
			return bad()
		}
		if p == PortController {
			return one(Output{p, ControllerMaxLenNoBuffer})
		}
		return one(Output{Port: p})
	case "controller":
		n, ok := num(16)
		if !ok {
			return bad()
		}
		return one(Output{PortController, uint16(n)})
	case "enqueue":
		ps, qs, _ := strings.Cut(strings.ReplaceAll(arg, ",", ":"), ":")
		p, err := ParsePort(ps)
		q, err2 := strconv.ParseUint(qs, 0, 32)
		if err != nil || err2 != nil {
			return bad()
		}
		return []Action{SetQueue{uint32(q)}, Output{Port: p}}, nil
	case "set_field":
		vs, fs, ok := strings.Cut(arg, "->")
		f, err := ParseField(fs)
		if !ok || err != nil {
			return bad()
		}
		v, mk, err := parseValue(f, vs)
		if err != nil || mk != nil {
			return bad()
		}
		return one(SetField{f, v})
	case "mod_vlan_vid", "set_vlan_vid":
		if n, ok := num(12); ok {
			return one(SetFieldUint(VLANVID, uint64(VIDPresent)|n))
		}
	case "mod_vlan_pcp", "set_vlan_pcp":
		if n, ok := num(3); ok {
			return one(SetFieldUint(VLANPCP, n))
		}
	case "strip_vlan", "pop_vlan":
		return one(PopVLAN{})
	case "mod_dl_src", "mod_dl_dst":
		if v, err := parseMAC(arg); err == nil {
			return one(SetField{map[string]Field{"mod_dl_src": EthSrc, "mod_dl_dst": EthDst}[name], v})
		}
	case "mod_nw_src", "mod_nw_dst":
		if v, _, err := parseAddr(IPv4Src, arg, "", false); err == nil {
			return one(SetField{map[string]Field{"mod_nw_src": IPv4Src, "mod_nw_dst": IPv4Dst}[name], v})
		}
	case "mod_nw_tos":
		if n, ok := num(8); ok && n&3 == 0 {
			return one(SetFieldUint(IPDSCP, n>>2))
		}
	case "mod_nw_ecn":
		if n, ok := num(2); ok {
			return one(SetFieldUint(IPECN, n))
		}
	case "mod_tp_src", "mod_tp_dst":
		if n, ok := num(16); ok {
			f := TCPSrc
			if ctx != nil && ctx.protoIs(IPProtoUDP) {
				f = UDPSrc
			} else if ctx != nil && ctx.protoIs(IPProtoSCTP) {
				f = SCTPSrc
			}
			if name == "mod_tp_dst" {
				f++
			}
			return one(SetFieldUint(f, n))
		}
	case "push_vlan", "push_mpls", "pop_mpls", "push_pbb":
		if n, ok := num(16); ok {
			return one(map[string]Action{"push_vlan": PushVLAN{uint16(n)}, "push_mpls": PushMPLS{uint16(n)},
				"pop_mpls": PopMPLS{uint16(n)}, "push_pbb": PushPBB{uint16(n)}}[name])
		}
	case "pop_pbb":
		return one(PopPBB{})
	case "set_mpls_ttl":
		if n, ok := num(8); ok {
			return one(SetMPLSTTL{uint8(n)})
		}
	case "dec_mpls_ttl":
		return one(DecMPLSTTL{})
	case "mod_nw_ttl", "set_nw_ttl":
		if n, ok := num(8); ok {
			return one(SetNWTTL{uint8(n)})
		}
	case "dec_ttl":
		return one(DecNWTTL{})
	case "copy_ttl_out":
		return one(CopyTTLOut{})
	case "copy_ttl_in":
		return one(CopyTTLIn{})
	case "set_queue":
		if n, ok := num(32); ok {
			return one(SetQueue{uint32(n)})
		}
	case "group":
		if n, ok := num(32); ok {
			return one(Group{uint32(n)})
		}
	case "experimenter":
		if id, data, err := parseExperimenter(arg); err == nil {
			return one(Experimenter{id, data})
		}
	default:
		return nil, fmt.Errorf("flow: parse action %q: unknown action", tok)
	}
	return bad()
}
