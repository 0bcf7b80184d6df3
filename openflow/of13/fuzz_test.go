package of13

import (
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

// fuzzCmp compares two decodes of the same message: Matches by their
// fields, empty and nil slices alike, unexported fields of other types
// included.
var fuzzCmp = cmp.Options{msgCmp, cmp.Exporter(func(reflect.Type) bool { return true })}

// FuzzDecode feeds whole messages (header and body) to Codec. The header's
// version is forced to 1.3 and its length ignored, as Codec.Decode uses
// len(body). Decoding must not panic, must return a message or an error,
// errors must be *openflow.DecodeError with an offset inside the message,
// and a decoded message must encode and decode again to the same value.
func FuzzDecode(f *testing.F) {
	for _, path := range vectorFiles(f) {
		raw, _, err := readVector(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < openflow.HeaderLen {
			return
		}
		h := openflow.Header{Version: openflow.Version13, Type: data[1], Length: uint16(len(data)), Xid: 1}
		body := data[openflow.HeaderLen:]
		m, err := Codec.Decode(h, body)
		if err != nil {
			if m != nil {
				t.Fatalf("Decode(%d, %x) = %v, %v; want no message with the error", h.Type, body, m, err)
			}
			var de *openflow.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("Decode(%d, %x) error = %T %v; want *openflow.DecodeError", h.Type, body, err, err)
			}
			if de.Version != openflow.Version13 || de.Type != h.Type || de.Offset < 0 || de.Offset > len(data) {
				t.Fatalf("Decode(%d, %x) error = %+v; want version 1.3, type %d, offset in [0, %d]", h.Type, body, de, h.Type, len(data))
			}
			return
		}
		if m == nil {
			t.Fatalf("Decode(%d, %x) = nil, nil", h.Type, body)
		}
		if m.MsgType() != h.Type || m.Version() != openflow.Version13 {
			t.Fatalf("Decode(%d, %x) = %T of type %d version %v", h.Type, body, m, m.MsgType(), m.Version())
		}
		enc, err := m.AppendBinary(nil)
		if err != nil {
			t.Fatalf("Decode(%d, %x) = %#v which does not encode: %v", h.Type, body, m, err)
		}
		m2, err := Codec.Decode(h, enc)
		if err != nil {
			t.Fatalf("Decode(%d, %x) re-encoded as %x which does not decode: %v", h.Type, body, enc, err)
		}
		if d := cmp.Diff(m, m2, fuzzCmp); d != "" {
			t.Fatalf("decode→encode→decode of type %d body %x changed it (-first +second):\n%s", h.Type, body, d)
		}
		enc2, err := m2.AppendBinary(nil)
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("second encoding of type %d = %x, %v; want %x", h.Type, enc2, err, enc)
		}
	})
}

// FuzzPacketInReuse checks that PacketIn.Decode into a value that held
// another packet-in gives what a fresh decode gives: nothing of the old
// packet survives.
func FuzzPacketInReuse(f *testing.F) {
	for _, name := range []string{"packet_in", "packet_in_action_buffered"} {
		f.Add(vectorBody(f, name))
	}
	prev := vectorBody(f, "packet_in_action_buffered")
	f.Fuzz(func(t *testing.T, body []byte) {
		var fresh PacketIn
		errFresh := fresh.Decode(body)
		var reused PacketIn
		if err := reused.Decode(prev); err != nil {
			t.Fatal(err)
		}
		errReused := reused.Decode(body)
		if (errFresh == nil) != (errReused == nil) {
			t.Fatalf("Decode(%x) = %v fresh, %v reused", body, errFresh, errReused)
		}
		if errFresh != nil {
			return
		}
		if d := cmp.Diff(&fresh, &reused, fuzzCmp); d != "" {
			t.Fatalf("Decode(%x) into a used PacketIn differs (-fresh +reused):\n%s", body, d)
		}
	})
}
