package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Vendor is OFPT_VENDOR: a vendor id and bytes only the vendor defines
// (for Nicira, 0x00002320, a 32-bit subtype and its body), kept raw.
type Vendor struct {
	Vendor uint32
	Data   []byte
}

func (*Vendor) Version() openflow.Version { return openflow.Version10 }
func (*Vendor) MsgType() uint8            { return uint8(TypeVendor) }

// AppendBinary appends the vendor id and the data.
func (m *Vendor) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, m.Vendor)
	return append(b, m.Data...), nil
}

func decodeVendor(body []byte) (*Vendor, error) {
	r := wire.NewReader(body)
	m := &Vendor{Vendor: r.U32()}
	if r.Err() != nil {
		return nil, short(&r)
	}
	m.Data = clone(r.Rest())
	return m, nil
}
