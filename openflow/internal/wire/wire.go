// Package wire has the bounds-checked big-endian reader that the version
// codecs decode with. A Reader never panics: reading past the end sets a
// sticky error, returns zero values, and remembers the offset of the first
// short read so that decode errors can name it.
package wire

import (
	"encoding/binary"
	"errors"
)

// ErrShort is the sticky error of a Reader that ran out of bytes.
var ErrShort = errors.New("truncated")

// Reader reads big-endian values from a byte slice.
type Reader struct {
	b   []byte
	off int // offset of the next unread byte
	bad int // offset of the first failed read, valid when err != nil
	err error
}

// NewReader returns a Reader over b.
func NewReader(b []byte) Reader { return Reader{b: b} }

// Err returns ErrShort once any read ran past the end.
func (r *Reader) Err() error { return r.err }

// ErrOffset is the offset at which the first failed read started.
func (r *Reader) ErrOffset() int { return r.bad }

// Off is the offset of the next unread byte.
func (r *Reader) Off() int { return r.off }

// Len is the number of unread bytes.
func (r *Reader) Len() int { return len(r.b) - r.off }

func (r *Reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err, r.bad = ErrShort, r.off
		return nil
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p
}

func (r *Reader) U8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *Reader) U16() uint16 {
	if p := r.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (r *Reader) U32() uint32 {
	if p := r.take(4); p != nil {
		return binary.BigEndian.Uint32(p)
	}
	return 0
}

func (r *Reader) U64() uint64 {
	if p := r.take(8); p != nil {
		return binary.BigEndian.Uint64(p)
	}
	return 0
}

// Bytes returns the next n bytes, aliasing the input. Copy them if the
// decoded value must own its memory.
func (r *Reader) Bytes(n int) []byte { return r.take(n) }

// Copy returns a copy of the next n bytes.
func (r *Reader) Copy(n int) []byte {
	p := r.take(n)
	if p == nil {
		return nil
	}
	return append([]byte(nil), p...)
}

// Array6 reads 6 bytes (an Ethernet address).
func (r *Reader) Array6() (a [6]byte) {
	copy(a[:], r.take(6))
	return a
}

// Skip skips n bytes (padding).
func (r *Reader) Skip(n int) { r.take(n) }

// Rest returns all unread bytes, aliasing the input, and consumes them.
func (r *Reader) Rest() []byte { return r.take(r.Len()) }

// Sub consumes the next n bytes and returns a Reader over them alone, so a
// structure with its own length field cannot read beyond it.
func (r *Reader) Sub(n int) Reader { return Reader{b: r.take(n)} }

// String reads a NUL-padded fixed-width string field of n bytes.
func (r *Reader) String(n int) string {
	p := r.take(n)
	for i, c := range p {
		if c == 0 {
			return string(p[:i])
		}
	}
	return string(p)
}

// AppendString appends s as a NUL-padded field of n bytes, truncating s to
// n bytes. A string of exactly n bytes fills the field with no NUL, so that
// a name decoded from a full field (Reader.String) encodes back unchanged.
func AppendString(b []byte, s string, n int) []byte {
	if len(s) > n {
		s = s[:n]
	}
	b = append(b, s...)
	return append(b, make([]byte, n-len(s))...)
}

// Pad appends n zero bytes.
func Pad(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, 0)
	}
	return b
}

// PadTo8 appends zero bytes until the length of b counted from start is a
// multiple of 8.
func PadTo8(b []byte, start int) []byte { return Pad(b, (8-(len(b)-start)%8)%8) }

// PutLen16 writes n at b[at:at+2]; callers use it to fill a length field
// once the structure it covers is appended.
func PutLen16(b []byte, at, n int) { binary.BigEndian.PutUint16(b[at:], uint16(n)) }
