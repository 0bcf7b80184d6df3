package of10

import (
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortReason is ofp_port_reason.
type PortReason uint8

// Port-status reasons.
const (
	PortAdded    PortReason = 0
	PortDeleted  PortReason = 1
	PortModified PortReason = 2
)

// String prints the reason as ovs-ofctl does ("ADD", "DELETE", "MOD").
func (r PortReason) String() string {
	switch r {
	case PortAdded:
		return "ADD"
	case PortDeleted:
		return "DELETE"
	case PortModified:
		return "MOD"
	}
	return "reason_" + strconv.Itoa(int(r))
}

// PortStatus is OFPT_PORT_STATUS.
type PortStatus struct {
	Reason PortReason
	Port   Port
}

func (*PortStatus) Version() openflow.Version { return openflow.Version10 }
func (*PortStatus) MsgType() uint8            { return uint8(TypePortStatus) }

// AppendBinary appends ofp_port_status.
func (m *PortStatus) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, uint8(m.Reason), 0, 0, 0, 0, 0, 0, 0)
	return AppendPort(b, &m.Port), nil
}

func decodePortStatus(body []byte) (*PortStatus, error) {
	if err := wantLen(body, 8+PortLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(body)
	m := &PortStatus{Reason: PortReason(r.U8())}
	r.Skip(7)
	m.Port = readPort(&r)
	return m, nil
}
