package of10

import (
	"encoding/binary"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FlowModCommand is ofp_flow_mod_command.
type FlowModCommand uint16

// Flow-mod commands.
const (
	FlowAdd          FlowModCommand = 0
	FlowModify       FlowModCommand = 1
	FlowModifyStrict FlowModCommand = 2
	FlowDelete       FlowModCommand = 3
	FlowDeleteStrict FlowModCommand = 4
)

var flowModCommandNames = [...]string{"ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"}

// String prints the command as ovs-ofctl does ("ADD", "DEL_STRICT").
func (c FlowModCommand) String() string {
	if int(c) < len(flowModCommandNames) {
		return flowModCommandNames[c]
	}
	return "cmd:" + strconv.Itoa(int(c))
}

// FlowModFlags is the ofp_flow_mod_flags bit set.
type FlowModFlags uint16

// Flow-mod flags.
const (
	FlowSendFlowRem  FlowModFlags = 1 << 0
	FlowCheckOverlap FlowModFlags = 1 << 1
	FlowEmerg        FlowModFlags = 1 << 2
)

var flowModFlagNames = []string{"send_flow_rem", "check_overlap", "emerg"}

// String prints the set flags by their ovs-ofctl names.
func (f FlowModFlags) String() string { return formatBits(uint32(f), flowModFlagNames) }

// FlowMod is OFPT_FLOW_MOD.
type FlowMod struct {
	Match       Match
	Cookie      uint64
	Command     FlowModCommand
	IdleTimeout uint16
	HardTimeout uint16
	Priority    uint16
	BufferID    uint32 // NoBuffer, or a buffered packet to apply the flow to
	OutPort     PortNo // for deletes: only flows that output here; PortNone: any
	Flags       FlowModFlags
	Actions     []Action
}

func (*FlowMod) Version() openflow.Version { return openflow.Version10 }
func (*FlowMod) MsgType() uint8            { return uint8(TypeFlowMod) }

const flowModLen = 64

// AppendBinary appends ofp_flow_mod and the actions.
func (m *FlowMod) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = appendMatch(b, &m.Match)
	b = binary.BigEndian.AppendUint64(b, m.Cookie)
	for _, v := range [...]uint16{uint16(m.Command), m.IdleTimeout, m.HardTimeout, m.Priority} {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	b = binary.BigEndian.AppendUint32(b, m.BufferID)
	b = binary.BigEndian.AppendUint16(b, uint16(m.OutPort))
	b = binary.BigEndian.AppendUint16(b, uint16(m.Flags))
	b, err := AppendActions(b, m.Actions)
	if err != nil {
		return b[:start], err
	}
	return b, nil
}

func decodeFlowMod(body []byte) (*FlowMod, error) {
	r := wire.NewReader(body)
	m := &FlowMod{Match: readMatch(&r), Cookie: r.U64(), Command: FlowModCommand(r.U16()),
		IdleTimeout: r.U16(), HardTimeout: r.U16(), Priority: r.U16(), BufferID: r.U32(),
		OutPort: PortNo(r.U16()), Flags: FlowModFlags(r.U16())}
	if r.Err() != nil {
		return nil, short(&r)
	}
	as, err := DecodeActions(r.Rest())
	if err != nil {
		return nil, at(flowModLen, err)
	}
	m.Actions = as
	return m, nil
}
