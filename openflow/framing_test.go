package openflow

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestReadFrame(t *testing.T) {
	big := bytes.Repeat([]byte{7}, MaxLen-HeaderLen)
	var stream []byte
	frames := []frame{
		{Header{Version13, TypeHello, 8, 1}, nil},
		{Header{Version10, 10, 12, 2}, []byte{1, 2, 3, 4}},
		{Header{Version13, 14, MaxLen, 3}, big},
		{Header{0x06, 99, 9, 0xffffffff}, []byte{5}},
	}
	for _, f := range frames {
		stream = appendFrame(stream, f.h.Version, f.h.Type, f.h.Xid, f.body)
	}
	for name, r := range map[string]io.Reader{
		"whole":    bytes.NewReader(stream),
		"bytewise": iotest.OneByteReader(bytes.NewReader(stream)),
		"halves":   iotest.HalfReader(bytes.NewReader(stream)),
	} {
		fr := NewFrameReader(r)
		for i, want := range frames {
			h, body, err := fr.ReadFrame()
			if err != nil || h != want.h || !bytes.Equal(body, want.body) {
				t.Fatalf("%s: ReadFrame() #%d = %v, %d bytes, %v; want %v", name, i, h, len(body), err, want.h)
			}
		}
		if _, _, err := fr.ReadFrame(); err != io.EOF {
			t.Errorf("%s: ReadFrame() at the end = %v; want io.EOF", name, err)
		}
	}
}

// TestReadFrameBodyAliases checks that a body stays valid until the next
// call.
func TestReadFrameBodyAliases(t *testing.T) {
	stream := appendFrame(nil, Version13, 10, 1, []byte("first"))
	stream = appendFrame(stream, Version13, 10, 2, []byte("second"))
	fr := NewFrameReader(bytes.NewReader(stream))
	_, b1, _ := fr.ReadFrame()
	if string(b1) != "first" {
		t.Fatalf("body = %q", b1)
	}
	_, b2, _ := fr.ReadFrame()
	if string(b2) != "second" {
		t.Fatalf("body = %q", b2)
	}
}

func TestReadFrameErrors(t *testing.T) {
	tests := []struct {
		name   string
		stream []byte
		accept []Version
		want   error
	}{
		{"length 0", []byte{4, 0, 0, 0, 0, 0, 0, 0}, nil, ErrBadLength},
		{"length 7", []byte{4, 0, 0, 7, 0, 0, 0, 0}, nil, ErrBadLength},
		{"truncated header", []byte{4, 0, 0}, nil, io.ErrUnexpectedEOF},
		{"truncated body", []byte{4, 0, 0, 12, 0, 0, 0, 0, 1, 2}, nil, io.ErrUnexpectedEOF},
		{"bad version", []byte{0x42, 0, 0, 8, 0, 0, 0, 0}, []Version{Version10, Version13}, ErrBadVersion},
		// The version is checked before the body is read.
		{"bad version, truncated", []byte{0x42, 0, 0xff, 0xff, 0, 0, 0, 0}, []Version{Version13}, ErrBadVersion},
	}
	for _, tt := range tests {
		fr := NewFrameReader(bytes.NewReader(tt.stream))
		fr.Accept(tt.accept...)
		_, _, err := fr.ReadFrame()
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: ReadFrame() = %v; want %v", tt.name, err, tt.want)
		}
		var de *DecodeError
		if (tt.want == ErrBadLength || tt.want == ErrBadVersion) && !errors.As(err, &de) {
			t.Errorf("%s: ReadFrame() = %v; want a *DecodeError", tt.name, err)
		}
	}
	readErr := errors.New("network down")
	fr := NewFrameReader(iotest.ErrReader(readErr))
	if _, _, err := fr.ReadFrame(); !errors.Is(err, readErr) {
		t.Errorf("ReadFrame() = %v; want the reader's error", err)
	}
	// Accept with no versions accepts any again.
	fr.Reset(bytes.NewReader([]byte{0x42, 0, 0, 8, 0, 0, 0, 0}))
	fr.Accept(Version13)
	fr.Accept()
	if h, _, err := fr.ReadFrame(); err != nil || h.Version != 0x42 {
		t.Errorf("ReadFrame() after Accept() = %v, %v; want version 0x42", h, err)
	}
}

// BenchmarkFrameStream frames a stream of mixed messages.
func BenchmarkFrameStream(b *testing.B) {
	var stream []byte
	for i := range 64 {
		switch i % 4 {
		case 0: // echo request
			stream = appendFrame(stream, Version13, TypeEchoRequest, uint32(i), nil)
		case 1: // a packet-in with a small frame
			stream = appendFrame(stream, Version13, 10, uint32(i), make([]byte, 120))
		case 2: // a flow mod
			stream = appendFrame(stream, Version13, 14, uint32(i), make([]byte, 88))
		case 3: // a packet-in with a full-size frame
			stream = appendFrame(stream, Version13, 10, uint32(i), make([]byte, 1540))
		}
	}
	stream = appendFrame(stream, Version13, 19, 99, make([]byte, 60000)) // a multipart reply
	r := bytes.NewReader(stream)
	fr := NewFrameReader(r)
	fr.Accept(Version13)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		r.Reset(stream)
		fr.Reset(r)
		for {
			_, _, err := fr.ReadFrame()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestFrameStreamAllocs(t *testing.T) {
	stream := appendFrame(nil, Version13, 10, 1, make([]byte, 100))
	r := bytes.NewReader(stream)
	fr := NewFrameReader(r)
	allocs := testing.AllocsPerRun(100, func() {
		r.Reset(stream)
		fr.Reset(r)
		if _, _, err := fr.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadFrame allocates %v times per frame; want 0", allocs)
	}
}
