package flow

import (
	"bytes"
	"fmt"
)

// Match is a masked flow key: a packet matches when its Key agrees with
// Key on every bit set in Mask. A field with an all-zero mask is not
// matched (wildcarded); bits of Key outside Mask are zero. The zero Match
// matches every packet. Match is comparable.
type Match struct {
	Key  Key
	Mask Key
}

// FieldMatch is one matched field: its value and mask as f.Len()
// big-endian bytes, Mask nil for an exact match.
type FieldMatch struct {
	Field Field
	Value []byte
	Mask  []byte
}

// Set matches field f against value under mask (f.Len() big-endian bytes
// each; a nil mask matches exactly). Bits of value outside mask are
// dropped. An all-zero mask clears the field. It fails, leaving m
// unchanged, for a field outside the table, wrong lengths, a value or mask
// wider than the field, or a partial mask on a field that is not maskable.
func (m *Match) Set(f Field, value, mask []byte) error {
	if !f.Valid() {
		return &MatchError{Field: f, Err: ErrBadField}
	}
	n := f.Len()
	if len(value) != n || (mask != nil && len(mask) != n) {
		return &MatchError{Field: f, Err: ErrBadLen}
	}
	var full [16]byte
	f.fullMask(full[:])
	for i := range n {
		if value[i]&^full[i] != 0 {
			return &MatchError{Field: f, Err: ErrBadValue}
		}
	}
	if mask == nil {
		mask = full[:n]
	}
	var zero [16]byte
	if !bytes.Equal(mask, full[:n]) && !bytes.Equal(mask, zero[:n]) {
		for i := range n {
			if mask[i]&^full[i] != 0 || !f.Maskable() {
				return &MatchError{Field: f, Err: ErrBadMask}
			}
		}
	}
	var v [16]byte
	for i := range n {
		v[i] = value[i] & mask[i]
	}
	m.Key.Set(f, v[:n])
	m.Mask.Set(f, mask)
	return nil
}

// Clear stops matching on f.
func (m *Match) Clear(f Field) {
	if !f.Valid() {
		return
	}
	var zero [16]byte
	m.Key.Set(f, zero[:f.Len()])
	m.Mask.Set(f, zero[:f.Len()])
}

// Has reports whether m matches on any bit of f.
func (m *Match) Has(f Field) bool { return f.Valid() && !m.Mask.isZero(f) }

// Exact reports whether m matches every bit of f.
func (m *Match) Exact(f Field) bool {
	if !f.Valid() {
		return false
	}
	var full, got [16]byte
	f.fullMask(full[:])
	return bytes.Equal(m.Mask.Get(f, got[:]), full[:f.Len()])
}

// Get returns the value and mask of f, and false if m does not match on f.
func (m *Match) Get(f Field) (FieldMatch, bool) {
	if !m.Has(f) {
		return FieldMatch{Field: f}, false
	}
	n := f.Len()
	b := make([]byte, 2*n)
	fm := FieldMatch{Field: f, Value: m.Key.Get(f, b[:n])}
	if !m.Exact(f) {
		fm.Mask = m.Mask.Get(f, b[n:])
	}
	return fm, true
}

// Fields returns the matched fields in field-number (OXM) order.
func (m *Match) Fields() []FieldMatch {
	var fs []FieldMatch
	for f := range NumFields {
		if fm, ok := m.Get(f); ok {
			fs = append(fs, fm)
		}
	}
	return fs
}

// Len is the number of matched fields.
func (m *Match) Len() int {
	n := 0
	for f := range NumFields {
		if m.Has(f) {
			n++
		}
	}
	return n
}

// String prints fm as name=value[/mask].
func (fm FieldMatch) String() string {
	var m Match
	if err := m.Set(fm.Field, fm.Value, fm.Mask); err != nil {
		return fmt.Sprintf("%s=?", fm.Field)
	}
	return string(m.appendField(nil, fm.Field, fm.Field.String()))
}
