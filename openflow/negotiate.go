package openflow

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// ErrIncompatible: version negotiation found no version both sides speak.
var ErrIncompatible = errors.New("no common version")

// helloElemVersionBitmap is OFPHET_VERSIONBITMAP.
const helloElemVersionBitmap = 1

// Error types and codes the connection sends; they have the same numbers
// in every version.
const (
	errTypeHelloFailed   = 0 // OFPET_HELLO_FAILED
	errCodeIncompatible  = 0 // OFPHFC_INCOMPATIBLE
	errTypeBadRequest    = 1 // OFPET_BAD_REQUEST
	errCodeBadVersion    = 0 // OFPBRC_BAD_VERSION
	errCodeBadType       = 1 // OFPBRC_BAD_TYPE
	errCodeBadMultipart  = 2 // OFPBRC_BAD_STAT in 1.0, OFPBRC_BAD_MULTIPART in 1.3
	errCodeBadLen        = 6 // OFPBRC_BAD_LEN
	errCodeMPOverflow13  = 13
	versionElementsSince = Version13 // HELLO elements exist from 1.3 on
)

// AppendHello appends a whole OFPT_HELLO with the given xid that offers
// versions: the header carries the highest of them and a version-bitmap
// element lists them all.
func AppendHello(b []byte, xid uint32, versions ...Version) ([]byte, error) {
	set := NewVersionSet(versions...)
	high, ok := set.Highest()
	if !ok || set.Has(0) {
		return b, fmt.Errorf("openflow: encode hello: bad version list %v", versions)
	}
	words := int(high)/32 + 1
	elemLen := 4 + 4*words
	total := HeaderLen + (elemLen+7)/8*8
	b = append(b, uint8(high), TypeHello)
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	b = binary.BigEndian.AppendUint32(b, xid)
	b = binary.BigEndian.AppendUint16(b, helloElemVersionBitmap)
	b = binary.BigEndian.AppendUint16(b, uint16(elemLen))
	for w := range words {
		var bits uint32
		for i := range 32 {
			if set.Has(Version(w*32 + i)) {
				bits |= 1 << i
			}
		}
		b = binary.BigEndian.AppendUint32(b, bits)
	}
	return wire.Pad(b, (8-elemLen%8)%8), nil
}

// HelloVersions is what a peer's HELLO says about the versions it speaks.
type HelloVersions struct {
	// Version is the header version: the highest the peer speaks.
	Version Version
	// Bitmap reports whether the HELLO carried a version bitmap.
	Bitmap bool
	// Versions are the versions in the bitmap, when Bitmap is set.
	Versions VersionSet
}

func (p HelloVersions) String() string {
	if p.Bitmap {
		return p.Versions.String()
	}
	return "up to " + p.Version.String() + " (no version bitmap)"
}

// ParseHello reads the version information of an OFPT_HELLO with header
// h and body. Elements of unknown type are skipped; an element whose length
// does not fit is an error. Before OpenFlow 1.3 a HELLO body has no
// defined content: one that does not parse as elements is ignored.
func ParseHello(h Header, body []byte) (HelloVersions, error) {
	p, err := parseHello(h, body)
	if err != nil && h.Version < versionElementsSince {
		return HelloVersions{Version: h.Version}, nil
	}
	return p, err
}

func parseHello(h Header, body []byte) (HelloVersions, error) {
	p := HelloVersions{Version: h.Version}
	r := wire.NewReader(body)
	for r.Len() > 0 {
		off := r.Off()
		typ, n := r.U16(), int(r.U16())
		if r.Err() != nil || n < 4 || n-4 > r.Len() {
			return p, &DecodeError{Version: h.Version, Type: TypeHello, Offset: HeaderLen + off + 2,
				Err: fmt.Errorf("%w: hello element of %d bytes with %d left", ErrBadLength, n, len(body)-off)}
		}
		data := r.Bytes(n - 4)
		r.Skip(min((8-n%8)%8, r.Len()))
		if typ != helloElemVersionBitmap {
			continue
		}
		if len(data)%4 != 0 {
			return p, &DecodeError{Version: h.Version, Type: TypeHello, Offset: HeaderLen + off + 2,
				Err: fmt.Errorf("%w: version bitmap element of %d bytes", ErrBadLength, n)}
		}
		p.Bitmap = true
		for w := 0; w < len(data)/4 && w < 8; w++ {
			bits := binary.BigEndian.Uint32(data[4*w:])
			for i := range 32 {
				if bits&(1<<i) != 0 {
					p.Versions.Add(Version(w*32 + i))
				}
			}
		}
	}
	return p, nil
}

// Negotiate picks the version for a connection on which we offered ours
// and the peer said peer, as OpenFlow 1.3 specifies: the highest version in
// both bitmaps when the peer sent one (we always do), else the lower of our
// highest and the peer's header version, if we speak it. The error wraps
// ErrIncompatible and names both sides' versions.
func Negotiate(ours VersionSet, peer HelloVersions) (Version, error) {
	if peer.Bitmap {
		if v, ok := ours.Intersect(peer.Versions).Highest(); ok {
			return v, nil
		}
	} else if high, ok := ours.Highest(); ok {
		v := min(high, peer.Version)
		if ours.Has(v) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("openflow: negotiate: %w: we speak %s, peer speaks %s", ErrIncompatible, ours, peer)
}
