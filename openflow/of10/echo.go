package of10

import "github.com/ofbox/ofbox/openflow"

// EchoRequest is OFPT_ECHO_REQUEST with arbitrary data.
type EchoRequest struct {
	Data []byte
}

func (*EchoRequest) Version() openflow.Version { return openflow.Version10 }
func (*EchoRequest) MsgType() uint8            { return uint8(TypeEchoRequest) }

// AppendBinary appends the data.
func (m *EchoRequest) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Data...), nil }

// EchoReply is OFPT_ECHO_REPLY; it carries the data of the request.
type EchoReply struct {
	Data []byte
}

func (*EchoReply) Version() openflow.Version { return openflow.Version10 }
func (*EchoReply) MsgType() uint8            { return uint8(TypeEchoReply) }

// AppendBinary appends the data.
func (m *EchoReply) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Data...), nil }
