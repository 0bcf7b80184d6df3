package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortMod is OFPT_PORT_MOD: it changes the Config bits of a port that are
// set in Mask, and what the port advertises.
type PortMod struct {
	PortNo PortNo
	// HWAddr must be the port's address, as a sanity check.
	HWAddr    openflow.EthAddr
	Config    PortConfig
	Mask      PortConfig
	Advertise PortFeatures // zero to leave advertisement alone
}

const portModLen = 32

func (m *PortMod) Version() openflow.Version { return openflow.Version13 }
func (m *PortMod) MsgType() uint8            { return uint8(TypePortMod) }

// AppendBinary appends ofp_port_mod's body.
func (m *PortMod) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, uint32(m.PortNo))
	b = append(b, 0, 0, 0, 0)
	b = append(b, m.HWAddr[:]...)
	b = append(b, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Config))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Mask))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Advertise))
	return append(b, 0, 0, 0, 0), nil
}

func (m *PortMod) decode(body []byte) error {
	if len(body) != portModLen {
		return lengthErr(TypePortMod, len(body), portModLen)
	}
	r := wire.NewReader(body)
	m.PortNo = PortNo(r.U32())
	r.Skip(4)
	m.HWAddr = r.Array6()
	r.Skip(2)
	m.Config = PortConfig(r.U32())
	m.Mask = PortConfig(r.U32())
	m.Advertise = PortFeatures(r.U32())
	return nil
}
