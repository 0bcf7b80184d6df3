package of13

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
)

// PortReason is what happened to a port (ofp_port_reason).
type PortReason uint8

// The port-status reasons.
const (
	PortAdded    PortReason = 0
	PortDeleted  PortReason = 1
	PortModified PortReason = 2
)

// String prints the reason as ovs-ofctl does ("ADD", "DEL", "MOD").
func (r PortReason) String() string {
	switch r {
	case PortAdded:
		return "ADD"
	case PortDeleted:
		return "DEL"
	case PortModified:
		return "MOD"
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// PortStatus is OFPT_PORT_STATUS.
type PortStatus struct {
	Reason PortReason
	Port   Port
}

// portStatusLen is ofp_port_status: reason, 7 bytes of padding, ofp_port.
const portStatusLen = 8 + 64

func (m *PortStatus) Version() openflow.Version { return openflow.Version13 }
func (m *PortStatus) MsgType() uint8            { return uint8(TypePortStatus) }

// AppendBinary appends ofp_port_status's body.
func (m *PortStatus) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, uint8(m.Reason), 0, 0, 0, 0, 0, 0, 0)
	return AppendPort(b, &m.Port), nil
}

func (m *PortStatus) decode(body []byte) error {
	if len(body) != portStatusLen {
		return lengthErr(TypePortStatus, len(body), portStatusLen)
	}
	m.Reason = PortReason(body[0])
	p, err := DecodePort(body[8:])
	if err != nil {
		return decodeErr(TypePortStatus, 8, fmt.Errorf("port: %w", err))
	}
	m.Port = p
	return nil
}

// String prints m in the manner of ovs-ofctl: "MOD: 1(eth1): addr:...".
func (m *PortStatus) String() string { return m.Reason.String() + ": " + m.Port.String() }
