package of10

import "github.com/ofbox/ofbox/openflow"

// Hello is OFPT_HELLO. OpenFlow 1.0 defines no body, but a peer speaking a
// later version may append hello elements (a version bitmap); Data keeps
// them raw.
type Hello struct {
	Data []byte
}

func (*Hello) Version() openflow.Version { return openflow.Version10 }
func (*Hello) MsgType() uint8            { return uint8(TypeHello) }

// AppendBinary appends the raw body.
func (m *Hello) AppendBinary(b []byte) ([]byte, error) { return append(b, m.Data...), nil }
