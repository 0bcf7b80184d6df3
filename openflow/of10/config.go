package of10

import (
	"encoding/binary"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// ConfigFlags is ofp_config_flags: the handling of IP fragments.
type ConfigFlags uint16

// Fragment handling modes (the low two bits of ConfigFlags).
const (
	FragNormal  ConfigFlags = 0 // no special handling
	FragDrop    ConfigFlags = 1 // drop fragments
	FragReasm   ConfigFlags = 2 // reassemble (only with CapIPReasm)
	FragNXMatch ConfigFlags = 3 // make first fragments available for matching (Open vSwitch)
	FragMask    ConfigFlags = 3
)

var fragNames = [...]string{"normal", "drop", "reassemble", "nx-match"}

// String prints the fragment mode as ovs-ofctl does ("frags=normal"),
// followed by any other bits in hex.
func (f ConfigFlags) String() string {
	var s strings.Builder
	s.WriteString("frags=")
	s.WriteString(fragNames[f&FragMask])
	if rest := f &^ FragMask; rest != 0 {
		s.WriteString(" flags=")
		s.WriteString(hex16(uint16(rest)))
	}
	return s.String()
}

// GetConfigRequest is OFPT_GET_CONFIG_REQUEST; it has no body.
type GetConfigRequest struct{}

func (*GetConfigRequest) Version() openflow.Version { return openflow.Version10 }
func (*GetConfigRequest) MsgType() uint8            { return uint8(TypeGetConfigRequest) }

// AppendBinary appends nothing: the message is only a header.
func (*GetConfigRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }

// GetConfigReply is OFPT_GET_CONFIG_REPLY (ofp_switch_config).
type GetConfigReply struct {
	Flags       ConfigFlags
	MissSendLen uint16 // bytes of a table-miss packet to send to the controller
}

func (*GetConfigReply) Version() openflow.Version { return openflow.Version10 }
func (*GetConfigReply) MsgType() uint8            { return uint8(TypeGetConfigReply) }

// AppendBinary appends ofp_switch_config.
func (m *GetConfigReply) AppendBinary(b []byte) ([]byte, error) {
	return appendSwitchConfig(b, m.Flags, m.MissSendLen), nil
}

// SetConfig is OFPT_SET_CONFIG (ofp_switch_config).
type SetConfig struct {
	Flags       ConfigFlags
	MissSendLen uint16
}

func (*SetConfig) Version() openflow.Version { return openflow.Version10 }
func (*SetConfig) MsgType() uint8            { return uint8(TypeSetConfig) }

// AppendBinary appends ofp_switch_config.
func (m *SetConfig) AppendBinary(b []byte) ([]byte, error) {
	return appendSwitchConfig(b, m.Flags, m.MissSendLen), nil
}

func appendSwitchConfig(b []byte, f ConfigFlags, missSendLen uint16) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(f))
	return binary.BigEndian.AppendUint16(b, missSendLen)
}

type switchConfig struct {
	flags       ConfigFlags
	missSendLen uint16
}

func decodeSwitchConfig(body []byte) (switchConfig, error) {
	if err := wantLen(body, 4); err != nil {
		return switchConfig{}, err
	}
	return switchConfig{ConfigFlags(binary.BigEndian.Uint16(body)), binary.BigEndian.Uint16(body[2:])}, nil
}
