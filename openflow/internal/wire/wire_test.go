package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestReader(t *testing.T) {
	r := NewReader([]byte{1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 4, 'a', 'b', 0, 'z', 9, 9, 1, 2, 3, 4, 5, 6, 7})
	if r.U8() != 1 || r.U16() != 2 || r.U32() != 3 || r.U64() != 4 {
		t.Fatal("integer reads")
	}
	if s := r.String(4); s != "ab" {
		t.Fatalf("String(4) = %q; want %q", s, "ab")
	}
	r.Skip(2)
	if a := r.Array6(); a != [6]byte{1, 2, 3, 4, 5, 6} {
		t.Fatalf("Array6 = %v", a)
	}
	if r.Off() != 27 || r.Len() != 1 {
		t.Fatalf("Off, Len = %d, %d; want 27, 1", r.Off(), r.Len())
	}
	if r.U16() != 0 || !errors.Is(r.Err(), ErrShort) || r.ErrOffset() != 27 {
		t.Fatalf("short read: err %v at %d; want ErrShort at 27", r.Err(), r.ErrOffset())
	}
	// Sticky: later reads fail too, even ones that would fit.
	if r.U8() != 0 || r.Bytes(0) != nil || r.ErrOffset() != 27 {
		t.Fatal("error is not sticky")
	}
}

func TestReaderSubAndCopy(t *testing.T) {
	in := []byte{1, 2, 3, 4, 5}
	r := NewReader(in)
	sub := r.Sub(3)
	c := sub.Copy(2)
	in[0] = 9
	if !bytes.Equal(c, []byte{1, 2}) {
		t.Fatalf("Copy aliases its input: %v", c)
	}
	if sub.U16() != 0 || sub.Err() == nil {
		t.Fatal("Sub reader read past its end")
	}
	if rest := r.Rest(); !bytes.Equal(rest, []byte{4, 5}) || r.Len() != 0 {
		t.Fatalf("Rest = %v", rest)
	}
	if r.Copy(1) != nil || r.Array6() != [6]byte{} || r.U32() != 0 || r.U64() != 0 {
		t.Fatal("reads past the end must return zero values")
	}
	if r2 := NewReader([]byte("abcd")); r2.String(4) != "abcd" {
		t.Fatal("String without NUL")
	}
}

func TestAppendHelpers(t *testing.T) {
	b := AppendString(nil, "toolong", 4)
	if !bytes.Equal(b, []byte{'t', 'o', 'o', 'l'}) {
		t.Fatalf("AppendString = %q", b)
	}
	b = PadTo8([]byte{1, 1, 1}, 1)
	if len(b) != 9 {
		t.Fatalf("PadTo8 from offset 1 gave %d bytes; want 9", len(b))
	}
	b = PadTo8(make([]byte, 8), 0)
	if len(b) != 8 {
		t.Fatalf("PadTo8 of an aligned slice grew it to %d", len(b))
	}
	PutLen16(b, 2, 0x0102)
	if b[2] != 1 || b[3] != 2 {
		t.Fatalf("PutLen16 wrote % x", b)
	}
}
