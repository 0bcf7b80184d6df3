package of13

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// Match types (ofp_match_type).
const (
	matchTypeStandard = 0 // OpenFlow 1.1's fixed match, deprecated
	matchTypeOXM      = 1
)

// matchHeaderLen is the length of the ofp_match type and length fields.
const matchHeaderLen = 4

// ErrBadMatchType: an ofp_match is not of type OFPMT_OXM.
var ErrBadMatchType = errors.New("match type is not OXM")

// Match is an OpenFlow 1.3 ofp_match of type OFPMT_OXM: a list of OXM
// fields. The zero value matches every packet.
//
// A Match filled by Decode owns the storage its fields' values and masks
// point into, and reuses it on the next Decode: a value kept across
// decodes must be cloned.
type Match struct {
	Fields []OXM
	arena  []byte // backing store of Fields' values and masks after Decode
}

// Get returns the first field of m that is basic field f.
func (m *Match) Get(f OXMField) (OXM, bool) {
	for _, o := range m.Fields {
		if o.Class == ClassOpenFlowBasic && o.Field == f {
			return o, true
		}
	}
	return OXM{}, false
}

// Add appends o to the fields of m.
func (m *Match) Add(o ...OXM) { m.Fields = append(m.Fields, o...) }

// Reset empties m, keeping its storage for the next Decode.
func (m *Match) Reset() {
	clear(m.Fields)
	m.Fields = m.Fields[:0]
	m.arena = m.arena[:0]
}

// Len is the encoded length of m without its trailing padding
// (ofp_match.length).
func (m *Match) Len() int {
	n := matchHeaderLen
	for i := range m.Fields {
		n += m.Fields[i].WireLen()
	}
	return n
}

// AppendBinary appends the ofp_match, padded to a multiple of 8 bytes.
func (m *Match) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = append(b, 0, matchTypeOXM, 0, 0)
	for i := range m.Fields {
		var err error
		if b, err = m.Fields[i].AppendBinary(b); err != nil {
			return b[:start], fmt.Errorf("match: %w", err)
		}
	}
	n := len(b) - start
	if n > 0xffff {
		return b[:start], fmt.Errorf("match: %w: %d bytes", openflow.ErrTooLong, n)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	return pad8(b, start), nil
}

// pad8 appends zeros until b[start:] is a multiple of 8 bytes long.
func pad8(b []byte, start int) []byte {
	for (len(b)-start)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// Decode decodes the ofp_match at the start of b into m and returns the
// bytes it takes, padding included. It reuses the storage of m: once m has
// decoded a match as large, Decode allocates nothing. Fields' values and
// masks point into storage m owns, not into b. On error m is left empty.
func (m *Match) Decode(b []byte) (int, error) {
	n, err := m.decode(b)
	if err != nil {
		return 0, withCode(err, matchCodes)
	}
	return n, nil
}

func (m *Match) decode(b []byte) (int, error) {
	m.Reset()
	if len(b) < matchHeaderLen {
		return 0, fmt.Errorf("match: %w: %d bytes", openflow.ErrTruncated, len(b))
	}
	typ := binary.BigEndian.Uint16(b)
	n := int(binary.BigEndian.Uint16(b[2:]))
	if typ != matchTypeOXM {
		return 0, fmt.Errorf("match: %w: type %d", ErrBadMatchType, typ)
	}
	if n < matchHeaderLen {
		return 0, fmt.Errorf("match: %w: length %d is shorter than its header", openflow.ErrBadLength, n)
	}
	padded := (n + 7) &^ 7
	if padded > len(b) {
		return 0, fmt.Errorf("match: %w: length %d (%d padded), %d bytes left", openflow.ErrTruncated, n, padded, len(b))
	}
	p := b[matchHeaderLen:n]
	if cap(m.arena) < len(p) {
		m.arena = make([]byte, 0, len(p))
	}
	for off := 0; off < len(p); {
		o, k, err := parseOXM(p[off:])
		if err != nil {
			m.Reset()
			return 0, fmt.Errorf("match: at offset %d: %w", matchHeaderLen+off, err)
		}
		o.Value = m.keep(o.Value)
		if o.Mask != nil {
			o.Mask = m.keep(o.Mask)
		}
		m.Fields = append(m.Fields, o)
		off += k
	}
	return padded, nil
}

// keep copies p into the arena of m and returns the copy. The arena was
// sized for the whole match, so it never moves during one Decode.
func (m *Match) keep(p []byte) []byte {
	s := len(m.arena)
	m.arena = append(m.arena, p...)
	return m.arena[s:len(m.arena):len(m.arena)]
}

// Clone returns a copy of m that shares no memory with it.
func (m *Match) Clone() Match {
	c := Match{Fields: make([]OXM, len(m.Fields))}
	for i, o := range m.Fields {
		c.Fields[i] = o.Clone()
	}
	return c
}

// Equal reports whether m and n hold the same fields in the same order.
func (m *Match) Equal(n *Match) bool {
	if len(m.Fields) != len(n.Fields) {
		return false
	}
	for i := range m.Fields {
		if !m.Fields[i].Equal(&n.Fields[i]) {
			return false
		}
	}
	return true
}

// String prints m in ovs-ofctl flow syntax, "in_port=1,eth_type=0x800";
// an empty match prints as "".
func (m Match) String() string {
	var s strings.Builder
	for i, o := range m.Fields {
		if i > 0 {
			s.WriteByte(',')
		}
		s.WriteString(o.String())
	}
	return s.String()
}
