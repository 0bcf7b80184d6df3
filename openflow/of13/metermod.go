package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// MeterModCommand is the command of a meter mod (ofp_meter_mod_command).
type MeterModCommand uint16

// The meter mod commands.
const (
	MeterModAdd    MeterModCommand = 0
	MeterModModify MeterModCommand = 1
	MeterModDelete MeterModCommand = 2
)

// String prints the command as ovs-ofctl does ("ADD", "MOD", "DEL").
func (c MeterModCommand) String() string {
	switch c {
	case MeterModAdd:
		return "ADD"
	case MeterModModify:
		return "MOD"
	case MeterModDelete:
		return "DEL"
	}
	return fmt.Sprintf("cmd:%d", uint16(c))
}

// MeterFlags is the flag set of a meter (ofp_meter_flags).
type MeterFlags uint16

// The meter flags.
const (
	MeterFlagKbps  MeterFlags = 1 << 0 // rates in kb/s
	MeterFlagPktps MeterFlags = 1 << 1 // rates in packets/s
	MeterFlagBurst MeterFlags = 1 << 2 // bands have a burst size
	MeterFlagStats MeterFlags = 1 << 3 // keep statistics
)

var meterFlagNames = []msgFlag{
	{uint32(MeterFlagKbps), "kbps"},
	{uint32(MeterFlagPktps), "pktps"},
	{uint32(MeterFlagBurst), "burst"},
	{uint32(MeterFlagStats), "stats"},
}

// String prints the flags as ovs-ofctl does ("kbps burst stats").
func (f MeterFlags) String() string { return msgFlagsString(uint32(f), meterFlagNames) }

// MeterMod is OFPT_METER_MOD.
type MeterMod struct {
	Command MeterModCommand
	Flags   MeterFlags
	MeterID uint32
	Bands   []MeterBand
}

// meterModFixedLen is ofp_meter_mod before its bands.
const meterModFixedLen = 8

func (m *MeterMod) Version() openflow.Version { return openflow.Version13 }
func (m *MeterMod) MsgType() uint8            { return uint8(TypeMeterMod) }

// AppendBinary appends ofp_meter_mod's body and bands.
func (m *MeterMod) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint16(b, uint16(m.Command))
	b = binary.BigEndian.AppendUint16(b, uint16(m.Flags))
	b = binary.BigEndian.AppendUint32(b, m.MeterID)
	b, err := AppendMeterBands(b, m.Bands)
	if err != nil {
		return b[:start], fmt.Errorf("of13: encode meter_mod: %w", err)
	}
	return b, nil
}

func (m *MeterMod) decode(body []byte) error {
	if len(body) < meterModFixedLen {
		return truncErr(TypeMeterMod, len(body), "meter_mod header")
	}
	r := wire.NewReader(body)
	m.Command = MeterModCommand(r.U16())
	m.Flags = MeterFlags(r.U16())
	m.MeterID = r.U32()
	bs, err := DecodeMeterBands(r.Rest())
	if err != nil {
		return decodeErr(TypeMeterMod, meterModFixedLen, fmt.Errorf("bands: %w", err))
	}
	m.Bands = bs
	return nil
}

// String prints m in the manner of ovs-ofctl: "ADD meter=1 kbps burst
// bands=type=drop rate=1000 burst_size=100".
func (m *MeterMod) String() string {
	var s strings.Builder
	s.WriteString(m.Command.String() + " meter=")
	if m.MeterID == MeterAll {
		s.WriteString("all")
	} else {
		fmt.Fprintf(&s, "%d", m.MeterID)
	}
	if m.Flags != 0 {
		s.WriteString(" " + m.Flags.String())
	}
	s.WriteString(" bands=")
	for i, b := range m.Bands {
		if i > 0 {
			s.WriteByte(' ')
		}
		fmt.Fprint(&s, b)
	}
	return s.String()
}
