package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// ControllerRole is a controller's role on a switch (ofp_controller_role).
type ControllerRole uint32

// The controller roles.
const (
	RoleNoChange ControllerRole = 0
	RoleEqual    ControllerRole = 1
	RoleMaster   ControllerRole = 2
	RoleSlave    ControllerRole = 3
)

// String prints the role as ovs-ofctl 3.x does, which says "primary" and
// "secondary" for the spec's master and slave.
func (r ControllerRole) String() string {
	switch r {
	case RoleNoChange:
		return "nochange"
	case RoleEqual:
		return "equal"
	case RoleMaster:
		return "primary"
	case RoleSlave:
		return "secondary"
	}
	return fmt.Sprintf("role_%d", uint32(r))
}

// Role is ofp_role_request, the body of RoleRequest and RoleReply.
type Role struct {
	Role ControllerRole
	// GenerationID orders master elections; ignored for RoleEqual and
	// RoleNoChange.
	GenerationID uint64
}

const roleLen = 16

func (m *Role) appendRole(b []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(m.Role))
	b = append(b, 0, 0, 0, 0)
	return binary.BigEndian.AppendUint64(b, m.GenerationID)
}

func (m *Role) decodeRole(t Type, body []byte) error {
	if len(body) != roleLen {
		return lengthErr(t, len(body), roleLen)
	}
	r := wire.NewReader(body)
	m.Role = ControllerRole(r.U32())
	r.Skip(4)
	m.GenerationID = r.U64()
	return nil
}

// RoleRequest is OFPT_ROLE_REQUEST.
type RoleRequest struct {
	Role
}

func (m *RoleRequest) Version() openflow.Version             { return openflow.Version13 }
func (m *RoleRequest) MsgType() uint8                        { return uint8(TypeRoleRequest) }
func (m *RoleRequest) AppendBinary(b []byte) ([]byte, error) { return m.appendRole(b), nil }
func (m *RoleRequest) decode(body []byte) error              { return m.decodeRole(TypeRoleRequest, body) }

// RoleReply is OFPT_ROLE_REPLY.
type RoleReply struct {
	Role
}

func (m *RoleReply) Version() openflow.Version             { return openflow.Version13 }
func (m *RoleReply) MsgType() uint8                        { return uint8(TypeRoleReply) }
func (m *RoleReply) AppendBinary(b []byte) ([]byte, error) { return m.appendRole(b), nil }
func (m *RoleReply) decode(body []byte) error              { return m.decodeRole(TypeRoleReply, body) }

// String prints m in the manner of ovs-ofctl: "role=primary generation_id=7".
func (m Role) String() string {
	if m.Role == RoleEqual || m.Role == RoleNoChange {
		return "role=" + m.Role.String()
	}
	return fmt.Sprintf("role=%s generation_id=%d", m.Role, m.GenerationID)
}
