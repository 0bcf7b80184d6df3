package of13

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

// FuzzMultipart feeds multipart bodies (everything after ofp_header) to
// decodeMultipartRequest (request set) or decodeMultipartReply. Decoding
// must not panic, must return a message or a *openflow.DecodeError, and a
// decoded message must encode and decode again to the same value and the
// same bytes.
func FuzzMultipart(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "mp_*.hex"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		raw, _, err := readVector(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw[1] == mpRequest, raw[openflow.HeaderLen:])
		f.Add(raw[1] != mpRequest, raw[openflow.HeaderLen:])
	}
	f.Fuzz(func(t *testing.T, request bool, body []byte) {
		typ, dec := mpReply, decodeMultipartReply
		if request {
			typ, dec = mpRequest, decodeMultipartRequest
		}
		h := openflow.Header{Version: openflow.Version13, Type: typ, Xid: 1}
		m, err := dec(h, body)
		if err != nil {
			var de *openflow.DecodeError
			if m != nil || !errors.As(err, &de) {
				t.Fatalf("decode(%x) = %v, %v; want nil and a *openflow.DecodeError", body, m, err)
			}
			if de.Version != openflow.Version13 || de.Type != typ || de.Offset < 0 || de.Offset > openflow.HeaderLen+len(body) {
				t.Fatalf("decode(%x) error = %+v; want version 1.3, type %d, offset in [0, %d]", body, de, typ, openflow.HeaderLen+len(body))
			}
			return
		}
		if m == nil {
			t.Fatalf("decode(%x) = nil, nil", body)
		}
		if m.MsgType() != typ || m.Version() != openflow.Version13 {
			t.Fatalf("decode(%x) = %T of type %d version %v", body, m, m.MsgType(), m.Version())
		}
		enc, err := m.AppendBinary(nil)
		if err != nil {
			t.Fatalf("decode(%x) = %#v which does not encode: %v", body, m, err)
		}
		m2, err := dec(h, enc)
		if err != nil {
			t.Fatalf("decode(%x) re-encoded as %x which does not decode: %v", body, enc, err)
		}
		if d := cmp.Diff(m, m2, fuzzCmp); d != "" {
			t.Fatalf("decode→encode→decode of %x changed it (-first +second):\n%s", body, d)
		}
		enc2, err := m2.AppendBinary(nil)
		if err != nil || !bytes.Equal(enc2, enc) {
			t.Fatalf("second encoding of %x = %x, %v; want %x", body, enc2, err, enc)
		}
	})
}
