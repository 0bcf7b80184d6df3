package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Experimenter is OFPT_EXPERIMENTER: an experimenter id, a type within it,
// and opaque data passed through unchanged.
type Experimenter struct {
	Experimenter uint32
	ExpType      uint32
	Data         []byte
}

func (m *Experimenter) Version() openflow.Version { return openflow.Version13 }
func (m *Experimenter) MsgType() uint8            { return uint8(TypeExperimenter) }

// AppendBinary appends ofp_experimenter_header's body and Data.
func (m *Experimenter) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.Experimenter)
	b = binary.BigEndian.AppendUint32(b, m.ExpType)
	return append(b, m.Data...), nil
}

func (m *Experimenter) decode(body []byte) error {
	r := wire.NewReader(body)
	m.Experimenter = r.U32()
	m.ExpType = r.U32()
	if r.Err() != nil {
		return truncErr(TypeExperimenter, r.ErrOffset(), "experimenter header")
	}
	m.Data = r.Copy(r.Len())
	return nil
}
