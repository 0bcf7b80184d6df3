package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// HelloElemType is the type of a hello element (ofp_hello_elem_type).
type HelloElemType uint16

// HelloElemTypeVersionBitmap is the only hello element type OpenFlow 1.3
// defines.
const HelloElemTypeVersionBitmap HelloElemType = 1

func (t HelloElemType) String() string {
	if t == HelloElemTypeVersionBitmap {
		return "version_bitmap"
	}
	return fmt.Sprintf("hello_elem_%d", uint16(t))
}

// HelloElem is one element of a HELLO: *HelloElemVersionBitmap or
// *HelloElemUnknown.
type HelloElem interface {
	HelloElemType() HelloElemType
	appendHelloElem(b []byte) []byte
}

// HelloElemVersionBitmap lists the versions the sender speaks: bit n of
// Bitmaps[n/32] is set for wire version n.
type HelloElemVersionBitmap struct {
	Bitmaps []uint32
}

// NewHelloElemVersionBitmap returns the bitmap element for vs.
func NewHelloElemVersionBitmap(vs ...openflow.Version) *HelloElemVersionBitmap {
	e := &HelloElemVersionBitmap{}
	for _, v := range vs {
		for int(v)/32 >= len(e.Bitmaps) {
			e.Bitmaps = append(e.Bitmaps, 0)
		}
		e.Bitmaps[v/32] |= 1 << (v % 32)
	}
	return e
}

func (e *HelloElemVersionBitmap) HelloElemType() HelloElemType { return HelloElemTypeVersionBitmap }

// Has reports whether the bitmap includes version v.
func (e *HelloElemVersionBitmap) Has(v openflow.Version) bool {
	i := int(v) / 32
	return i < len(e.Bitmaps) && e.Bitmaps[i]&(1<<(v%32)) != 0
}

// Versions lists the versions in the bitmap, lowest first.
func (e *HelloElemVersionBitmap) Versions() []openflow.Version {
	var vs []openflow.Version
	for i, w := range e.Bitmaps {
		for bit := 0; bit < 32; bit++ {
			if w&(1<<bit) != 0 && i*32+bit < 256 {
				vs = append(vs, openflow.Version(i*32+bit))
			}
		}
	}
	return vs
}

func (e *HelloElemVersionBitmap) String() string {
	var s []string
	for _, v := range e.Versions() {
		s = append(s, v.String())
	}
	return "version bitmap: " + strings.Join(s, ", ")
}

func (e *HelloElemVersionBitmap) appendHelloElem(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(HelloElemTypeVersionBitmap))
	b = binary.BigEndian.AppendUint16(b, uint16(4+4*len(e.Bitmaps)))
	for _, w := range e.Bitmaps {
		b = binary.BigEndian.AppendUint32(b, w)
	}
	return b
}

// HelloElemUnknown is a hello element of a type ofbox does not know, kept
// raw (Data excludes the 4-byte element header and the padding).
type HelloElemUnknown struct {
	Type HelloElemType
	Data []byte
}

func (e *HelloElemUnknown) HelloElemType() HelloElemType { return e.Type }

func (e *HelloElemUnknown) appendHelloElem(b []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(e.Type))
	b = binary.BigEndian.AppendUint16(b, uint16(4+len(e.Data)))
	return append(b, e.Data...)
}

// Hello is OFPT_HELLO.
type Hello struct {
	Elements []HelloElem
}

// NewHello returns a HELLO that offers versions vs in a version bitmap.
func NewHello(vs ...openflow.Version) *Hello {
	return &Hello{Elements: []HelloElem{NewHelloElemVersionBitmap(vs...)}}
}

func (m *Hello) Version() openflow.Version { return openflow.Version13 }
func (m *Hello) MsgType() uint8            { return uint8(TypeHello) }

// VersionBitmap returns the first version bitmap element, if any.
func (m *Hello) VersionBitmap() (*HelloElemVersionBitmap, bool) {
	for _, e := range m.Elements {
		if vb, ok := e.(*HelloElemVersionBitmap); ok {
			return vb, true
		}
	}
	return nil, false
}

// AppendBinary appends the hello elements, each padded to 8 bytes.
func (m *Hello) AppendBinary(b []byte) ([]byte, error) {
	for i, e := range m.Elements {
		if e == nil {
			return b, fmt.Errorf("of13: encode hello: element %d is nil", i)
		}
		start := len(b)
		b = e.appendHelloElem(b)
		if n := len(b) - start; n > openflow.MaxLen {
			return b[:start], fmt.Errorf("of13: encode hello: element %d: %w", i, openflow.ErrTooLong)
		}
		b = wire.PadTo8(b, start)
	}
	return b, nil
}

func (m *Hello) decode(body []byte) error {
	r := wire.NewReader(body)
	m.Elements = nil
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < 4 {
			return truncErr(TypeHello, off, "hello element header")
		}
		typ := HelloElemType(r.U16())
		n := int(r.U16())
		if n < 4 {
			return decodeErr(TypeHello, off+2, fmt.Errorf("%w: hello element length %d", openflow.ErrBadLength, n))
		}
		padded := (n + 7) / 8 * 8
		if padded-4 > r.Len() {
			return truncErr(TypeHello, off, "hello element")
		}
		sub := r.Sub(n - 4)
		r.Skip(padded - n)
		switch typ {
		case HelloElemTypeVersionBitmap:
			if (n-4)%4 != 0 {
				return decodeErr(TypeHello, off+2, fmt.Errorf("%w: version bitmap length %d", openflow.ErrBadLength, n))
			}
			e := &HelloElemVersionBitmap{Bitmaps: make([]uint32, 0, (n-4)/4)}
			for sub.Len() > 0 {
				e.Bitmaps = append(e.Bitmaps, sub.U32())
			}
			m.Elements = append(m.Elements, e)
		default:
			m.Elements = append(m.Elements, &HelloElemUnknown{Type: typ, Data: sub.Copy(sub.Len())})
		}
	}
	return nil
}
