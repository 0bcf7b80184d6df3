package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Field widths of ofp_table_features.
const (
	tableFeaturesLen = 64 // without properties
	maxTableNameLen  = 32
)

// TableFeatures describes one flow table (ofp_table_features): in a reply,
// what the table can do; in a request, what the controller wants it to do.
type TableFeatures struct {
	TableID       uint8
	Name          string // at most 31 bytes on the wire
	MetadataMatch uint64 // metadata bits the table can match
	MetadataWrite uint64 // metadata bits the table can write
	Config        uint32 // OFPTC_* bits, deprecated in OpenFlow 1.3
	MaxEntries    uint32
	Properties    []TableFeatureProp
}

// TableFeaturesRequest asks for the features of every table when Tables
// is empty, and otherwise sets the features of the tables it lists
// (OFPMP_TABLE_FEATURES).
type TableFeaturesRequest struct {
	Flags  MultipartFlags
	Tables []TableFeatures
}

func (m *TableFeaturesRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *TableFeaturesRequest) MsgType() uint8               { return mpRequest }
func (m *TableFeaturesRequest) MultipartType() MultipartType { return MultipartTableFeatures }

// AppendBinary appends the multipart header and the ofp_table_features.
func (m *TableFeaturesRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendTableFeatures(appendMPHeader(b, MultipartTableFeatures, m.Flags), m.Tables)
}

func decodeTableFeaturesRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	ts, err := decodeTableFeatures(d, b)
	if err != nil {
		return nil, err
	}
	return &TableFeaturesRequest{Flags: f, Tables: ts}, nil
}

// TableFeaturesReply lists the features of the tables
// (OFPMP_TABLE_FEATURES).
type TableFeaturesReply struct {
	Flags  MultipartFlags
	Tables []TableFeatures
}

func (m *TableFeaturesReply) Version() openflow.Version    { return openflow.Version13 }
func (m *TableFeaturesReply) MsgType() uint8               { return mpReply }
func (m *TableFeaturesReply) MultipartType() MultipartType { return MultipartTableFeatures }

// AppendBinary appends the multipart header and the ofp_table_features.
func (m *TableFeaturesReply) AppendBinary(b []byte) ([]byte, error) {
	return appendTableFeatures(appendMPHeader(b, MultipartTableFeatures, m.Flags), m.Tables)
}

func decodeTableFeaturesReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	ts, err := decodeTableFeatures(d, b)
	if err != nil {
		return nil, err
	}
	return &TableFeaturesReply{Flags: f, Tables: ts}, nil
}

func appendTableFeatures(b []byte, ts []TableFeatures) ([]byte, error) {
	for i := range ts {
		t := &ts[i]
		start := len(b)
		b = append(b, 0, 0, t.TableID, 0, 0, 0, 0, 0)
		b = wire.AppendString(b, t.Name, maxTableNameLen)
		b = binary.BigEndian.AppendUint64(b, t.MetadataMatch)
		b = binary.BigEndian.AppendUint64(b, t.MetadataWrite)
		b = binary.BigEndian.AppendUint32(b, t.Config)
		b = binary.BigEndian.AppendUint32(b, t.MaxEntries)
		for j, p := range t.Properties {
			var err error
			if b, err = appendTableFeatureProp(b, p); err != nil {
				return b, fmt.Errorf("table features %d: property %d: %w", i, j, err)
			}
		}
		if err := putEntryLen(b, start, 0, "table features", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeTableFeatures(d mpDec, b []byte) ([]TableFeatures, error) {
	var ts []TableFeatures
	err := d.entries(b, 0, tableFeaturesLen, func(e []byte, off int) error {
		if len(e)%8 != 0 {
			return d.fail(off, fmt.Errorf("%w: table features length %d is not a multiple of 8", openflow.ErrBadLength, len(e)))
		}
		r := wire.NewReader(e)
		r.Skip(2)
		t := TableFeatures{TableID: r.U8()}
		r.Skip(5)
		t.Name = r.String(maxTableNameLen)
		t.MetadataMatch = r.U64()
		t.MetadataWrite = r.U64()
		t.Config = r.U32()
		t.MaxEntries = r.U32()
		props := e[tableFeaturesLen:]
		for p := 0; p < len(props); {
			prop, n, err := decodeTableFeatureProp(props[p:])
			if err != nil {
				return d.fail(off+tableFeaturesLen+p+n, fmt.Errorf("table %d property: %w", t.TableID, err))
			}
			t.Properties = append(t.Properties, prop)
			p += n
		}
		ts = append(ts, t)
		return nil
	})
	return ts, err
}
