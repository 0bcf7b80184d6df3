package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortMod is OFPT_PORT_MOD: change the Config bits selected by Mask.
type PortMod struct {
	PortNo    PortNo
	HWAddr    openflow.EthAddr // must be the port's, as a sanity check
	Config    PortConfig
	Mask      PortConfig
	Advertise PortFeatures // zero: leave unchanged
}

func (*PortMod) Version() openflow.Version { return openflow.Version10 }
func (*PortMod) MsgType() uint8            { return uint8(TypePortMod) }

const portModLen = 24

// AppendBinary appends ofp_port_mod.
func (m *PortMod) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(m.PortNo))
	b = append(b, m.HWAddr[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Config))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Mask))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Advertise))
	return append(b, 0, 0, 0, 0), nil
}

func decodePortMod(body []byte) (*PortMod, error) {
	if err := wantLen(body, portModLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(body)
	return &PortMod{PortNo: PortNo(r.U16()), HWAddr: r.Array6(), Config: PortConfig(r.U32()),
		Mask: PortConfig(r.U32()), Advertise: PortFeatures(r.U32())}, nil
}
