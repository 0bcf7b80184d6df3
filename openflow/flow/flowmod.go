package flow

import (
	"fmt"
	"strconv"
	"strings"
)

// FlowModCommand is what a flow mod does (OFPFC_*).
type FlowModCommand uint8

const (
	Add          FlowModCommand = 0
	Modify       FlowModCommand = 1
	ModifyStrict FlowModCommand = 2
	Delete       FlowModCommand = 3
	DeleteStrict FlowModCommand = 4
)

var commandNames = [...]string{"ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"}
var commandWords = [...]string{"add", "modify", "modify_strict", "delete", "delete_strict"}

// String prints the command as ovs-ofctl ofp-print does ("ADD", "DEL").
func (c FlowModCommand) String() string {
	if int(c) < len(commandNames) {
		return commandNames[c]
	}
	return fmt.Sprintf("cmd(%d)", uint8(c))
}

// FlowModFlags are the OpenFlow 1.3 OFPFF_* flags, plus Emerg, which only
// OpenFlow 1.0 has.
type FlowModFlags uint16

const (
	SendFlowRem  FlowModFlags = 1 << 0
	CheckOverlap FlowModFlags = 1 << 1
	ResetCounts  FlowModFlags = 1 << 2
	NoPktCounts  FlowModFlags = 1 << 3
	NoBytCounts  FlowModFlags = 1 << 4
	Emerg        FlowModFlags = 1 << 15 // OpenFlow 1.0 OFPFF_EMERG (1<<2 on its wire)
)

var flagWords = []struct {
	flag FlowModFlags
	word string
}{
	{SendFlowRem, "send_flow_rem"}, {CheckOverlap, "check_overlap"}, {ResetCounts, "reset_counts"},
	{NoPktCounts, "no_packet_counts"}, {NoBytCounts, "no_byte_counts"}, {Emerg, "emerg"},
}

// String prints the flags as ovs-ofctl keywords separated by commas.
func (f FlowModFlags) String() string {
	var parts []string
	for _, w := range flagWords {
		if f&w.flag != 0 {
			parts = append(parts, w.word)
			f &^= w.flag
		}
	}
	if f != 0 {
		parts = append(parts, fmt.Sprintf("flags(%#x)", uint16(f)))
	}
	return strings.Join(parts, ",")
}

// Buffer, group and table numbers with special meanings.
const (
	NoBuffer        uint32 = 0xffffffff // OFP_NO_BUFFER
	GroupAll        uint32 = 0xfffffffc
	GroupAny        uint32 = 0xffffffff
	GroupMax        uint32 = 0xffffff00
	TableAll        uint8  = 0xff
	TableMax        uint8  = 0xfe
	DefaultPriority uint16 = 0x8000 // OFP_DEFAULT_PRIORITY
)

// FlowMod adds, modifies or deletes flow entries. BufferID, OutPort and
// OutGroup have no neutral zero: set them to NoBuffer, PortAny and
// GroupAny unless meant (NewFlowMod and ParseFlowMod do).
type FlowMod struct {
	Command     FlowModCommand
	Cookie      uint64
	CookieMask  uint64 // modify/delete: which cookie bits must match
	TableID     uint8  // TableAll for delete in every table
	Priority    uint16
	IdleTimeout uint16 // seconds, 0 for none
	HardTimeout uint16 // seconds, 0 for none
	BufferID    uint32
	OutPort     PortNo // delete: only flows that output to this port
	OutGroup    uint32 // delete: only flows that use this group
	Flags       FlowModFlags
	Match       Match
	// Instructions; OpenFlow 1.0 takes only one ApplyActions.
	Instructions []Instruction
}

// NewFlowMod returns a flow mod with the default priority and no buffer,
// out port or out group.
func NewFlowMod(cmd FlowModCommand, m Match, is ...Instruction) *FlowMod {
	return &FlowMod{Command: cmd, Priority: DefaultPriority, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Match: m, Instructions: is}
}

// String prints fm in the ovs-ofctl flow file syntax that ParseFlowMod
// reads: an optional command word (add is implied), then
// table=,priority=,cookie=,timeouts, flags, the match and actions=.
func (fm *FlowMod) String() string {
	var parts []string
	add := func(format string, a ...any) { parts = append(parts, fmt.Sprintf(format, a...)) }
	deleting := fm.Command == Delete || fm.Command == DeleteStrict
	switch {
	case deleting && fm.TableID != TableAll:
		add("table=%d", fm.TableID)
	case !deleting && fm.TableID != 0:
		add("table=%d", fm.TableID)
	}
	if fm.Priority != DefaultPriority {
		add("priority=%d", fm.Priority)
	}
	switch {
	case fm.CookieMask != 0 && fm.CookieMask != ^uint64(0):
		add("cookie=%#x/%#x", fm.Cookie, fm.CookieMask)
	case fm.CookieMask != 0:
		add("cookie=%#x/-1", fm.Cookie)
	case fm.Cookie != 0:
		add("cookie=%#x", fm.Cookie)
	}
	if fm.IdleTimeout != 0 {
		add("idle_timeout=%d", fm.IdleTimeout)
	}
	if fm.HardTimeout != 0 {
		add("hard_timeout=%d", fm.HardTimeout)
	}
	if fm.BufferID != NoBuffer {
		add("buffer_id=%d", fm.BufferID)
	}
	if fm.OutPort != PortAny {
		add("out_port=%s", fm.OutPort)
	}
	if fm.OutGroup != GroupAny {
		add("out_group=%d", fm.OutGroup)
	}
	if fm.Flags != 0 {
		add("%s", fm.Flags)
	}
	if m := fm.Match.String(); m != "" {
		parts = append(parts, m)
	}
	add("actions=%s", InstructionsString(fm.Instructions))
	s := strings.Join(parts, ",")
	if fm.Command != Add && int(fm.Command) < len(commandWords) {
		s = commandWords[fm.Command] + " " + s
	}
	return s
}

// ParseFlowMod parses a flow in ovs-ofctl flow file syntax, with an
// optional leading command word (add, modify, modify_strict, delete,
// delete_strict): "priority=100,tcp,tp_dst=80,actions=output:2".
// Unspecified values take ovs-ofctl's defaults (priority 32768, no
// buffer, out_port and out_group any, and every table for a delete).
func ParseFlowMod(s string) (*FlowMod, error) {
	fm := NewFlowMod(Add, Match{})
	s = strings.TrimSpace(s)
	word, rest, _ := strings.Cut(s, " ")
	for i, w := range commandWords {
		if strings.EqualFold(word, w) {
			fm.Command, s = FlowModCommand(i), rest
		}
	}
	if fm.Command == Delete || fm.Command == DeleteStrict {
		fm.TableID = TableAll // as ovs-ofctl del-flows: every table unless table= says
	}
	matchPart, actionPart, hasActions := cutActions(s)
	var p matchParser
	for _, tok := range splitList(matchPart) {
		ok, err := fm.parseKey(tok)
		if err != nil {
			return nil, fmt.Errorf("flow: parse flow %q: %w", tok, err)
		}
		if !ok {
			if err := p.add(tok); err != nil {
				return nil, err
			}
		}
	}
	m, err := p.finish()
	if err != nil {
		return nil, err
	}
	fm.Match = m
	if !hasActions {
		if fm.Command == Add || fm.Command == Modify || fm.Command == ModifyStrict {
			return nil, fmt.Errorf("flow: parse flow: %s needs actions=", fm.Command)
		}
		return fm, nil
	}
	fm.Instructions, err = parseInstructions(actionPart, &fm.Match)
	if err != nil {
		return nil, err
	}
	return fm, nil
}

// cutActions splits a flow at "actions=", which must come last.
func cutActions(s string) (match, actions string, ok bool) {
	for i := 0; i+len("actions=") <= len(s); i++ {
		if strings.HasPrefix(s[i:], "actions=") && (i == 0 || strings.ContainsRune(", \t", rune(s[i-1]))) {
			return s[:i], s[i+len("actions="):], true
		}
	}
	return s, "", false
}

// parseKey handles the non-match keys of a flow; false means tok is a
// match token.
func (fm *FlowMod) parseKey(tok string) (bool, error) {
	key, val, hasVal := strings.Cut(tok, "=")
	key = strings.ToLower(key)
	if !hasVal {
		for _, w := range flagWords {
			if key == w.word {
				fm.Flags |= w.flag
				return true, nil
			}
		}
		return false, nil
	}
	var err error
	num := func(bits int) uint64 {
		var n uint64
		n, err = strconv.ParseUint(val, 0, bits)
		return n
	}
	switch key {
	case "table":
		if strings.EqualFold(val, "all") {
			fm.TableID = TableAll
		} else {
			fm.TableID = uint8(num(8))
		}
	case "priority":
		fm.Priority = uint16(num(16))
	case "idle_timeout":
		fm.IdleTimeout = uint16(num(16))
	case "hard_timeout":
		fm.HardTimeout = uint16(num(16))
	case "buffer_id":
		fm.BufferID = uint32(num(32))
	case "out_group":
		if strings.EqualFold(val, "any") {
			fm.OutGroup = GroupAny
		} else {
			fm.OutGroup = uint32(num(32))
		}
	case "out_port":
		fm.OutPort, err = ParsePort(val)
	case "cookie":
		vs, ms, masked := strings.Cut(val, "/")
		val = vs
		fm.Cookie = num(64)
		if masked && err == nil {
			if ms == "-1" {
				fm.CookieMask = ^uint64(0)
			} else {
				val = ms
				fm.CookieMask = num(64)
			}
		}
	default:
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("bad %s: %w", key, errSyntax)
	}
	return true, nil
}
