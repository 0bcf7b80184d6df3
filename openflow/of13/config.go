package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// ConfigFlags is the switch configuration flag set (ofp_config_flags): the
// handling of IP fragments in the low two bits.
type ConfigFlags uint16

// The configuration flags.
const (
	ConfigFragNormal ConfigFlags = 0
	ConfigFragDrop   ConfigFlags = 1
	ConfigFragReasm  ConfigFlags = 2
	ConfigFragMask   ConfigFlags = 3
	// ConfigInvalidTTLToController is deprecated in OpenFlow 1.3.
	ConfigInvalidTTLToController ConfigFlags = 1 << 2
)

// String prints the flags as ovs-ofctl does ("frags=normal").
func (f ConfigFlags) String() string {
	var s strings.Builder
	s.WriteString("frags=")
	switch f & ConfigFragMask {
	case ConfigFragNormal:
		s.WriteString("normal")
	case ConfigFragDrop:
		s.WriteString("drop")
	case ConfigFragReasm:
		s.WriteString("reassemble")
	default:
		s.WriteString("nx-match")
	}
	if f&ConfigInvalidTTLToController != 0 {
		s.WriteString(" invalid_ttl_to_controller")
	}
	if rest := f &^ (ConfigFragMask | ConfigInvalidTTLToController); rest != 0 {
		fmt.Fprintf(&s, " %#x", uint16(rest))
	}
	return s.String()
}

// GetConfigRequest is OFPT_GET_CONFIG_REQUEST (no body).
type GetConfigRequest struct{}

func (m *GetConfigRequest) Version() openflow.Version             { return openflow.Version13 }
func (m *GetConfigRequest) MsgType() uint8                        { return uint8(TypeGetConfigRequest) }
func (m *GetConfigRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }
func (m *GetConfigRequest) decode(body []byte) error {
	return decodeEmpty(TypeGetConfigRequest, body)
}

// SwitchConfig is ofp_switch_config, the body of both GetConfigReply and
// SetConfig.
type SwitchConfig struct {
	Flags ConfigFlags
	// MissSendLen is how many bytes of a table-miss packet the switch sends
	// to the controller; ControllerMaxLenNoBuffer for all of it.
	MissSendLen uint16
}

const switchConfigLen = 4

func (c *SwitchConfig) appendConfig(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(c.Flags))
	return binary.BigEndian.AppendUint16(b, c.MissSendLen)
}

func (c *SwitchConfig) decodeConfig(t Type, body []byte) error {
	if len(body) != switchConfigLen {
		return lengthErr(t, len(body), switchConfigLen)
	}
	r := wire.NewReader(body)
	c.Flags = ConfigFlags(r.U16())
	c.MissSendLen = r.U16()
	return nil
}

// GetConfigReply is OFPT_GET_CONFIG_REPLY.
type GetConfigReply struct {
	SwitchConfig
}

func (m *GetConfigReply) Version() openflow.Version             { return openflow.Version13 }
func (m *GetConfigReply) MsgType() uint8                        { return uint8(TypeGetConfigReply) }
func (m *GetConfigReply) AppendBinary(b []byte) ([]byte, error) { return m.appendConfig(b), nil }
func (m *GetConfigReply) decode(body []byte) error {
	return m.decodeConfig(TypeGetConfigReply, body)
}

// SetConfig is OFPT_SET_CONFIG.
type SetConfig struct {
	SwitchConfig
}

func (m *SetConfig) Version() openflow.Version             { return openflow.Version13 }
func (m *SetConfig) MsgType() uint8                        { return uint8(TypeSetConfig) }
func (m *SetConfig) AppendBinary(b []byte) ([]byte, error) { return m.appendConfig(b), nil }
func (m *SetConfig) decode(body []byte) error              { return m.decodeConfig(TypeSetConfig, body) }

// String prints c in the manner of ovs-ofctl: "frags=normal miss_send_len=128".
func (c SwitchConfig) String() string {
	return fmt.Sprintf("%s miss_send_len=%d", c.Flags, c.MissSendLen)
}
