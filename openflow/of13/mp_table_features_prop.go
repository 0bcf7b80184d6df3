package of13

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
)

// TableFeaturePropType is the type of a table feature property
// (ofp_table_feature_prop_type). Odd types describe the table-miss entry.
type TableFeaturePropType uint16

// The table feature property types.
const (
	TableFeatureInstructionsType      TableFeaturePropType = 0
	TableFeatureInstructionsMissType  TableFeaturePropType = 1
	TableFeatureNextTablesType        TableFeaturePropType = 2
	TableFeatureNextTablesMissType    TableFeaturePropType = 3
	TableFeatureWriteActionsType      TableFeaturePropType = 4
	TableFeatureWriteActionsMissType  TableFeaturePropType = 5
	TableFeatureApplyActionsType      TableFeaturePropType = 6
	TableFeatureApplyActionsMissType  TableFeaturePropType = 7
	TableFeatureMatchType             TableFeaturePropType = 8
	TableFeatureWildcardsType         TableFeaturePropType = 10
	TableFeatureWriteSetFieldType     TableFeaturePropType = 12
	TableFeatureWriteSetFieldMissType TableFeaturePropType = 13
	TableFeatureApplySetFieldType     TableFeaturePropType = 14
	TableFeatureApplySetFieldMissType TableFeaturePropType = 15
	TableFeatureExperimenterType      TableFeaturePropType = 0xfffe
	TableFeatureExperimenterMissType  TableFeaturePropType = 0xffff
)

var tableFeaturePropNames = [...]string{
	0: "instructions", 1: "instructions_miss", 2: "next_tables", 3: "next_tables_miss",
	4: "write_actions", 5: "write_actions_miss", 6: "apply_actions", 7: "apply_actions_miss",
	8: "match", 10: "wildcards", 12: "write_setfield", 13: "write_setfield_miss",
	14: "apply_setfield", 15: "apply_setfield_miss",
}

// String names the property type in lower case ("apply_actions_miss").
func (t TableFeaturePropType) String() string {
	if int(t) < len(tableFeaturePropNames) && tableFeaturePropNames[t] != "" {
		return tableFeaturePropNames[t]
	}
	switch t {
	case TableFeatureExperimenterType:
		return "experimenter"
	case TableFeatureExperimenterMissType:
		return "experimenter_miss"
	}
	return fmt.Sprintf("table_feature_prop(%d)", uint16(t))
}

// missType returns the table-miss variant of t when miss is set.
func missType(t TableFeaturePropType, miss bool) TableFeaturePropType {
	if miss {
		return t + 1
	}
	return t
}

// TableFeatureProp is one table feature property. The concrete types are
// those of this package named TableFeature*; TableFeatureUnknown keeps a
// property of a type this codec does not know.
type TableFeatureProp interface {
	PropType() TableFeaturePropType
	// appendBody appends what follows the property header.
	appendBody(b []byte) ([]byte, error)
}

// InstructionID names an instruction type in a table feature property.
// Experimenter is the experimenter id of an experimenter instruction
// (type 0xffff); Data holds any further bytes of the element.
type InstructionID struct {
	Type         InstructionType
	Experimenter uint32
	Data         []byte
}

// ActionID names an action type in a table feature property. Experimenter
// is the experimenter id of an experimenter action (type 0xffff); Data
// holds any further bytes of the element.
type ActionID struct {
	Type         ActionType
	Experimenter uint32
	Data         []byte
}

// OXMID is an OXM header without its value, naming a field in a table
// feature property. Experimenter is set for ClassExperimenter only.
type OXMID struct {
	Class        OXMClass
	Field        OXMField // 7 bits
	HasMask      bool
	Length       uint8 // oxm_length: bytes of payload the field would have
	Experimenter uint32
}

// TableFeatureInstructions lists the instructions the table supports
// (OFPTFPT_INSTRUCTIONS, or _MISS for the table-miss entry).
type TableFeatureInstructions struct {
	Miss bool
	IDs  []InstructionID
}

// TableFeatureNextTables lists the tables a goto-table may name
// (OFPTFPT_NEXT_TABLES, or _MISS).
type TableFeatureNextTables struct {
	Miss     bool
	TableIDs []uint8
}

// TableFeatureWriteActions lists the actions a write-actions instruction
// may hold (OFPTFPT_WRITE_ACTIONS, or _MISS).
type TableFeatureWriteActions struct {
	Miss bool
	IDs  []ActionID
}

// TableFeatureApplyActions lists the actions an apply-actions instruction
// may hold (OFPTFPT_APPLY_ACTIONS, or _MISS).
type TableFeatureApplyActions struct {
	Miss bool
	IDs  []ActionID
}

// TableFeatureMatch lists the fields the table can match
// (OFPTFPT_MATCH); HasMask marks those it can match with a mask.
type TableFeatureMatch struct {
	IDs []OXMID
}

// TableFeatureWildcards lists the fields the table can wildcard
// (OFPTFPT_WILDCARDS).
type TableFeatureWildcards struct {
	IDs []OXMID
}

// TableFeatureWriteSetField lists the fields a set-field action in a
// write-actions instruction may set (OFPTFPT_WRITE_SETFIELD, or _MISS).
type TableFeatureWriteSetField struct {
	Miss bool
	IDs  []OXMID
}

// TableFeatureApplySetField lists the fields a set-field action in an
// apply-actions instruction may set (OFPTFPT_APPLY_SETFIELD, or _MISS).
type TableFeatureApplySetField struct {
	Miss bool
	IDs  []OXMID
}

// TableFeatureExperimenter is an experimenter's property
// (OFPTFPT_EXPERIMENTER, or _MISS), its data kept raw.
type TableFeatureExperimenter struct {
	Miss         bool
	Experimenter uint32
	ExpType      uint32
	Data         []byte
}

// TableFeatureUnknown is a property of a type this codec does not know,
// kept raw: Data is what follows the property header, without padding.
type TableFeatureUnknown struct {
	Type TableFeaturePropType
	Data []byte
}

func (p *TableFeatureInstructions) PropType() TableFeaturePropType {
	return missType(TableFeatureInstructionsType, p.Miss)
}
func (p *TableFeatureNextTables) PropType() TableFeaturePropType {
	return missType(TableFeatureNextTablesType, p.Miss)
}
func (p *TableFeatureWriteActions) PropType() TableFeaturePropType {
	return missType(TableFeatureWriteActionsType, p.Miss)
}
func (p *TableFeatureApplyActions) PropType() TableFeaturePropType {
	return missType(TableFeatureApplyActionsType, p.Miss)
}
func (p *TableFeatureMatch) PropType() TableFeaturePropType     { return TableFeatureMatchType }
func (p *TableFeatureWildcards) PropType() TableFeaturePropType { return TableFeatureWildcardsType }
func (p *TableFeatureWriteSetField) PropType() TableFeaturePropType {
	return missType(TableFeatureWriteSetFieldType, p.Miss)
}
func (p *TableFeatureApplySetField) PropType() TableFeaturePropType {
	return missType(TableFeatureApplySetFieldType, p.Miss)
}
func (p *TableFeatureExperimenter) PropType() TableFeaturePropType {
	return missType(TableFeatureExperimenterType, p.Miss)
}
func (p *TableFeatureUnknown) PropType() TableFeaturePropType { return p.Type }

func (p *TableFeatureInstructions) appendBody(b []byte) ([]byte, error) {
	for _, id := range p.IDs {
		var err error
		if b, err = appendTLVID(b, uint16(id.Type), id.Experimenter, id.Data); err != nil {
			return b, fmt.Errorf("instruction %s: %w", id.Type, err)
		}
	}
	return b, nil
}

func (p *TableFeatureNextTables) appendBody(b []byte) ([]byte, error) {
	return append(b, p.TableIDs...), nil
}

func (p *TableFeatureWriteActions) appendBody(b []byte) ([]byte, error) {
	return appendActionIDs(b, p.IDs)
}

func (p *TableFeatureApplyActions) appendBody(b []byte) ([]byte, error) {
	return appendActionIDs(b, p.IDs)
}

func (p *TableFeatureMatch) appendBody(b []byte) ([]byte, error) { return appendOXMIDs(b, p.IDs) }
func (p *TableFeatureWildcards) appendBody(b []byte) ([]byte, error) {
	return appendOXMIDs(b, p.IDs)
}
func (p *TableFeatureWriteSetField) appendBody(b []byte) ([]byte, error) {
	return appendOXMIDs(b, p.IDs)
}
func (p *TableFeatureApplySetField) appendBody(b []byte) ([]byte, error) {
	return appendOXMIDs(b, p.IDs)
}

func (p *TableFeatureExperimenter) appendBody(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, p.Experimenter)
	b = binary.BigEndian.AppendUint32(b, p.ExpType)
	return append(b, p.Data...), nil
}

func (p *TableFeatureUnknown) appendBody(b []byte) ([]byte, error) { return append(b, p.Data...), nil }

// idTypeExperimenter is the type code of experimenter instructions and
// actions alike.
const idTypeExperimenter = 0xffff

// appendTLVID appends an instruction or action id: type, length, and for
// experimenter types the experimenter id, then data.
func appendTLVID(b []byte, typ uint16, exp uint32, data []byte) ([]byte, error) {
	n := 4 + len(data)
	if typ == idTypeExperimenter {
		n += 4
	}
	if n > 0xffff {
		return b, fmt.Errorf("%w: id of %d bytes", openflow.ErrTooLong, n)
	}
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	if typ == idTypeExperimenter {
		b = binary.BigEndian.AppendUint32(b, exp)
	}
	return append(b, data...), nil
}

func appendActionIDs(b []byte, ids []ActionID) ([]byte, error) {
	for _, id := range ids {
		var err error
		if b, err = appendTLVID(b, uint16(id.Type), id.Experimenter, id.Data); err != nil {
			return b, fmt.Errorf("action %s: %w", id.Type, err)
		}
	}
	return b, nil
}

func appendOXMIDs(b []byte, ids []OXMID) ([]byte, error) {
	for _, id := range ids {
		if id.Field > 0x7f {
			return b, fmt.Errorf("oxm id: field %d does not fit 7 bits", id.Field)
		}
		fm := uint8(id.Field) << 1
		if id.HasMask {
			fm |= 1
		}
		b = binary.BigEndian.AppendUint16(b, uint16(id.Class))
		b = append(b, fm, id.Length)
		if id.Class == ClassExperimenter {
			b = binary.BigEndian.AppendUint32(b, id.Experimenter)
		}
	}
	return b, nil
}

// maxPropLen is the largest length a property header can hold.
const maxPropLen = 0xffff

// appendTableFeatureProp appends p with its header and its padding to 8.
func appendTableFeatureProp(b []byte, p TableFeatureProp) ([]byte, error) {
	if p == nil {
		return b, errors.New("nil property")
	}
	start := len(b)
	b = binary.BigEndian.AppendUint16(b, uint16(p.PropType()))
	b = append(b, 0, 0)
	b, err := p.appendBody(b)
	if err != nil {
		return b, fmt.Errorf("%s: %w", p.PropType(), err)
	}
	n := len(b) - start
	if n > maxPropLen {
		return b, fmt.Errorf("%s: %w: %d bytes", p.PropType(), openflow.ErrTooLong, n)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	return append(b, make([]byte, (8-n%8)%8)...), nil
}

// decodeTableFeatureProp decodes the property at the start of b. It
// returns the bytes it took, padding included, or the offset in b of the
// error.
func decodeTableFeatureProp(b []byte) (TableFeatureProp, int, error) {
	if len(b) < 4 {
		return nil, 0, fmt.Errorf("header: %d bytes, want 4: %w", len(b), openflow.ErrTruncated)
	}
	t := TableFeaturePropType(binary.BigEndian.Uint16(b))
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < 4 {
		return nil, 2, fmt.Errorf("%s: %w: length %d, want at least 4", t, openflow.ErrBadLength, n)
	}
	padded := (n + 7) &^ 7
	if padded > len(b) {
		return nil, 2, fmt.Errorf("%s: %w: length %d (%d padded) exceeds the %d bytes left", t, openflow.ErrBadLength, n, padded, len(b))
	}
	body := b[4:n]
	var (
		p   TableFeatureProp
		off int // offset in body of an error
		err error
	)
	switch t {
	case TableFeatureInstructionsType, TableFeatureInstructionsMissType:
		q := &TableFeatureInstructions{Miss: t&1 != 0}
		off, err = decodeTLVIDs(body, func(typ uint16, exp uint32, data []byte) {
			q.IDs = append(q.IDs, InstructionID{Type: InstructionType(typ), Experimenter: exp, Data: data})
		})
		p = q
	case TableFeatureNextTablesType, TableFeatureNextTablesMissType:
		q := &TableFeatureNextTables{Miss: t&1 != 0}
		if len(body) > 0 {
			q.TableIDs = append([]uint8(nil), body...)
		}
		p = q
	case TableFeatureWriteActionsType, TableFeatureWriteActionsMissType:
		q := &TableFeatureWriteActions{Miss: t&1 != 0}
		off, err = decodeTLVIDs(body, func(typ uint16, exp uint32, data []byte) {
			q.IDs = append(q.IDs, ActionID{Type: ActionType(typ), Experimenter: exp, Data: data})
		})
		p = q
	case TableFeatureApplyActionsType, TableFeatureApplyActionsMissType:
		q := &TableFeatureApplyActions{Miss: t&1 != 0}
		off, err = decodeTLVIDs(body, func(typ uint16, exp uint32, data []byte) {
			q.IDs = append(q.IDs, ActionID{Type: ActionType(typ), Experimenter: exp, Data: data})
		})
		p = q
	case TableFeatureMatchType:
		q := &TableFeatureMatch{}
		q.IDs, off, err = decodeOXMIDs(body)
		p = q
	case TableFeatureWildcardsType:
		q := &TableFeatureWildcards{}
		q.IDs, off, err = decodeOXMIDs(body)
		p = q
	case TableFeatureWriteSetFieldType, TableFeatureWriteSetFieldMissType:
		q := &TableFeatureWriteSetField{Miss: t&1 != 0}
		q.IDs, off, err = decodeOXMIDs(body)
		p = q
	case TableFeatureApplySetFieldType, TableFeatureApplySetFieldMissType:
		q := &TableFeatureApplySetField{Miss: t&1 != 0}
		q.IDs, off, err = decodeOXMIDs(body)
		p = q
	case TableFeatureExperimenterType, TableFeatureExperimenterMissType:
		if len(body) < 8 {
			return nil, 2, fmt.Errorf("%s: %w: length %d, want at least 12", t, openflow.ErrBadLength, n)
		}
		q := &TableFeatureExperimenter{
			Miss:         t&1 != 0,
			Experimenter: binary.BigEndian.Uint32(body),
			ExpType:      binary.BigEndian.Uint32(body[4:]),
		}
		if len(body) > 8 {
			q.Data = append([]byte(nil), body[8:]...)
		}
		p = q
	default:
		q := &TableFeatureUnknown{Type: t}
		if len(body) > 0 {
			q.Data = append([]byte(nil), body...)
		}
		p = q
	}
	if err != nil {
		return nil, 4 + off, fmt.Errorf("%s: %w", t, err)
	}
	return p, padded, nil
}

// decodeTLVIDs walks a list of instruction or action ids, calling fn with
// each one's type, experimenter id and further data (copied). It returns
// the offset of an error.
func decodeTLVIDs(b []byte, fn func(typ uint16, exp uint32, data []byte)) (int, error) {
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < 4 {
			return off, fmt.Errorf("id: %d bytes, want 4: %w", len(rest), openflow.ErrTruncated)
		}
		typ := binary.BigEndian.Uint16(rest)
		n := int(binary.BigEndian.Uint16(rest[2:]))
		hdr := 4
		if typ == idTypeExperimenter {
			hdr = 8
		}
		if n < hdr || n > len(rest) {
			return off + 2, fmt.Errorf("%w: id of type %d has length %d (%d bytes left)", openflow.ErrBadLength, typ, n, len(rest))
		}
		var exp uint32
		if typ == idTypeExperimenter {
			exp = binary.BigEndian.Uint32(rest[4:])
		}
		var data []byte
		if n > hdr {
			data = append([]byte(nil), rest[hdr:n]...)
		}
		fn(typ, exp, data)
		off += n
	}
	return 0, nil
}

// decodeOXMIDs decodes a list of OXM headers. It returns the offset of an
// error.
func decodeOXMIDs(b []byte) ([]OXMID, int, error) {
	var ids []OXMID
	for off := 0; off < len(b); {
		rest := b[off:]
		if len(rest) < 4 {
			return nil, off, fmt.Errorf("oxm id: %d bytes, want 4: %w", len(rest), openflow.ErrTruncated)
		}
		id := OXMID{
			Class:   OXMClass(binary.BigEndian.Uint16(rest)),
			Field:   OXMField(rest[2] >> 1),
			HasMask: rest[2]&1 != 0,
			Length:  rest[3],
		}
		off += 4
		if id.Class == ClassExperimenter {
			if len(rest) < 8 {
				return nil, off, fmt.Errorf("oxm id: experimenter: %d bytes, want 4: %w", len(rest)-4, openflow.ErrTruncated)
			}
			id.Experimenter = binary.BigEndian.Uint32(rest[4:])
			off += 4
		}
		ids = append(ids, id)
	}
	return ids, 0, nil
}
