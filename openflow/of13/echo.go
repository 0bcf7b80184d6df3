package of13

import "github.com/ofbox/ofbox/openflow"

// EchoRequest is OFPT_ECHO_REQUEST; Data is echoed back in the reply.
type EchoRequest struct {
	Data []byte
}

func (m *EchoRequest) Version() openflow.Version { return openflow.Version13 }
func (m *EchoRequest) MsgType() uint8            { return uint8(TypeEchoRequest) }

// AppendBinary appends Data.
func (m *EchoRequest) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Data...), nil }

func (m *EchoRequest) decode(body []byte) error {
	m.Data = append([]byte(nil), body...)
	return nil
}

// EchoReply is OFPT_ECHO_REPLY.
type EchoReply struct {
	Data []byte
}

func (m *EchoReply) Version() openflow.Version { return openflow.Version13 }
func (m *EchoReply) MsgType() uint8            { return uint8(TypeEchoReply) }

// AppendBinary appends Data.
func (m *EchoReply) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Data...), nil }

func (m *EchoReply) decode(body []byte) error {
	m.Data = append([]byte(nil), body...)
	return nil
}
