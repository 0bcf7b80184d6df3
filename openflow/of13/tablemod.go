package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// TableConfig is the table configuration bit set (ofp_table_config).
// OpenFlow 1.3 defines no bits; the low two, from OpenFlow 1.1 and 1.2, are
// deprecated.
type TableConfig uint32

// TableConfigDeprecatedMask covers the deprecated OpenFlow 1.1 miss bits.
const TableConfigDeprecatedMask TableConfig = 3

func (c TableConfig) String() string { return fmt.Sprintf("%#x", uint32(c)) }

// TableMod is OFPT_TABLE_MOD.
type TableMod struct {
	TableID uint8 // TableAll for every table
	Config  TableConfig
}

const tableModLen = 8

func (m *TableMod) Version() openflow.Version { return openflow.Version13 }
func (m *TableMod) MsgType() uint8            { return uint8(TypeTableMod) }

// AppendBinary appends ofp_table_mod's body.
func (m *TableMod) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, m.TableID, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, uint32(m.Config)), nil
}

func (m *TableMod) decode(body []byte) error {
	if len(body) != tableModLen {
		return lengthErr(TypeTableMod, len(body), tableModLen)
	}
	r := wire.NewReader(body)
	m.TableID = r.U8()
	r.Skip(3)
	m.Config = TableConfig(r.U32())
	return nil
}
