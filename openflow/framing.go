package openflow

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// frameBufSize is the read buffer of a FrameReader: one whole frame of the
// largest length the 16-bit field allows fits, so that a body is always
// handed out from the buffer without a copy.
const frameBufSize = 64 << 10

// A VersionSet is a set of wire versions, as the HELLO version bitmap
// carries them.
type VersionSet [4]uint64

// NewVersionSet returns the set of vs.
func NewVersionSet(vs ...Version) VersionSet {
	var s VersionSet
	for _, v := range vs {
		s.Add(v)
	}
	return s
}

// Add adds v to s.
func (s *VersionSet) Add(v Version) { s[v>>6] |= 1 << (v & 63) }

// Has reports whether v is in s.
func (s VersionSet) Has(v Version) bool { return s[v>>6]&(1<<(v&63)) != 0 }

// Empty reports whether s has no version.
func (s VersionSet) Empty() bool { return s == VersionSet{} }

// Intersect returns the versions in both s and t.
func (s VersionSet) Intersect(t VersionSet) VersionSet {
	for i := range s {
		s[i] &= t[i]
	}
	return s
}

// Highest returns the highest version in s, or false if s is empty.
func (s VersionSet) Highest() (Version, bool) {
	for v := 255; v >= 0; v-- {
		if s.Has(Version(v)) {
			return Version(v), true
		}
	}
	return 0, false
}

// String lists the versions from the highest down ("1.3, 1.0"), or
// "none".
func (s VersionSet) String() string {
	var b []byte
	for v := 255; v >= 0; v-- {
		if s.Has(Version(v)) {
			if len(b) > 0 {
				b = append(b, ", "...)
			}
			b = append(b, Version(v).String()...)
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}

// A FrameReader splits a byte stream into OpenFlow frames.
type FrameReader struct {
	br     *bufio.Reader
	accept VersionSet
	any    bool
	used   int // bytes of the last frame still to discard
}

// NewFrameReader returns a FrameReader over r that accepts any version.
func NewFrameReader(r io.Reader) *FrameReader {
	return &FrameReader{br: bufio.NewReaderSize(r, frameBufSize), any: true}
}

// Reset discards buffered data and reads from r, keeping the accepted
// versions.
func (f *FrameReader) Reset(r io.Reader) { f.br.Reset(r); f.used = 0 }

// Accept restricts the versions ReadFrame accepts to vs; with no versions
// it accepts any (as during the HELLO exchange).
func (f *FrameReader) Accept(vs ...Version) {
	f.accept, f.any = NewVersionSet(vs...), len(vs) == 0
}

// ReadFrame reads the next frame. It checks the version and the length of
// the header before it reads the body, so that a stream that is not
// OpenFlow fails at its first header. The body aliases the reader's buffer
// and is valid until the next call.
//
// At the end of the stream it returns io.EOF if the stream ended between
// frames and an error wrapping io.ErrUnexpectedEOF if it ended inside one.
// A bad header is a *DecodeError wrapping ErrBadVersion or ErrBadLength;
// after it the stream cannot be framed any more.
func (f *FrameReader) ReadFrame() (Header, []byte, error) {
	if f.used > 0 {
		// The last frame was peeked whole, so this cannot fail.
		_, _ = f.br.Discard(f.used)
		f.used = 0
	}
	p, err := f.br.Peek(HeaderLen)
	if err != nil {
		if errors.Is(err, io.EOF) {
			if len(p) == 0 {
				return Header{}, nil, io.EOF
			}
			err = io.ErrUnexpectedEOF
		}
		return Header{}, nil, fmt.Errorf("openflow: read frame: %w", err)
	}
	h, err := DecodeHeader(p)
	if err != nil {
		return h, nil, fmt.Errorf("openflow: read frame: %w", err)
	}
	if !f.any && !f.accept.Has(h.Version) {
		return h, nil, fmt.Errorf("openflow: read frame: %w", &DecodeError{Version: h.Version, Type: h.Type, Offset: 0,
			Err: fmt.Errorf("%w: %s, want %s", ErrBadVersion, h.Version, f.accept)})
	}
	p, err = f.br.Peek(int(h.Length))
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return h, nil, fmt.Errorf("openflow: read frame %s: %w", TypeName(h.Version, h.Type), err)
	}
	f.used = len(p)
	return h, p[HeaderLen:], nil
}
