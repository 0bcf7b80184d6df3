package of10

import (
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

// FuzzDecode feeds whole messages (header and body) to Codec: it must not
// panic, never return (nil, nil), return only *openflow.DecodeError, and
// a decoded message must encode and decode again to the same value.
func FuzzDecode(f *testing.F) {
	for _, g := range loadGolden(f) {
		f.Add(g.raw)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := openflow.DecodeHeader(in)
		if err != nil {
			return
		}
		h.Version = openflow.Version10
		body := in[openflow.HeaderLen:]
		m, err := Codec.Decode(h, body)
		if err != nil {
			if m != nil {
				t.Fatalf("Decode = %T, %v; want nil message with an error", m, err)
			}
			if _, ok := err.(*openflow.DecodeError); !ok {
				t.Fatalf("Decode error = %T %v; want *openflow.DecodeError", err, err)
			}
			return
		}
		if m == nil {
			t.Fatal("Decode = nil, nil")
		}
		if m.MsgType() != h.Type {
			t.Fatalf("Decode(type %d).MsgType() = %d", h.Type, m.MsgType())
		}
		enc, err := m.AppendBinary(nil)
		if err != nil {
			t.Fatalf("AppendBinary(%T) = %v", m, err)
		}
		m2, err := Codec.Decode(h, enc)
		if err != nil {
			t.Fatalf("Decode(AppendBinary(%T)) = %v\nin  %x\nenc %x", m, err, body, enc)
		}
		if !reflect.DeepEqual(m, m2) { // cmp only to explain: it is slow
			t.Fatalf("decode→encode→decode changed %T (-first +second):\n%s", m, cmp.Diff(m, m2, addrEqual))
		}
		enc2, err := m2.AppendBinary(nil)
		if err != nil || string(enc2) != string(enc) {
			t.Fatalf("second encoding differs: %x, %v; want %x", enc2, err, enc)
		}
	})
}

// FuzzDecodeActions checks DecodeActions on its own: no panic, and
// decode→encode→decode gives the same actions.
func FuzzDecodeActions(f *testing.F) {
	b, err := AppendActions(nil, allActions)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte{0, 99, 0, 8, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, in []byte) {
		as, err := DecodeActions(in)
		if err != nil {
			return
		}
		enc, err := AppendActions(nil, as)
		if err != nil {
			t.Fatalf("AppendActions(DecodeActions(%x)) = %v", in, err)
		}
		as2, err := DecodeActions(enc)
		if err != nil {
			t.Fatalf("DecodeActions(%x) = %v", enc, err)
		}
		if !reflect.DeepEqual(as, as2) {
			t.Fatalf("decode→encode→decode changed the actions:\n%s", cmp.Diff(as, as2, addrEqual))
		}
	})
}

// FuzzPacketInDecode checks that decoding into a reused PacketIn gives the
// same value as decoding into a fresh one.
func FuzzPacketInDecode(f *testing.F) {
	f.Add(packetInBody(f), []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, first, second []byte) {
		var reused PacketIn
		_ = reused.Decode(first)
		errReused := reused.Decode(second)
		var fresh PacketIn
		errFresh := fresh.Decode(second)
		if (errReused == nil) != (errFresh == nil) {
			t.Fatalf("Decode errors differ: %v vs %v", errReused, errFresh)
		}
		if errFresh != nil {
			return
		}
		if len(fresh.Data) == 0 {
			fresh.Data, reused.Data = nil, nil
		}
		if !reflect.DeepEqual(fresh, reused) {
			t.Fatalf("reused decode differs from fresh (-fresh +reused):\n%s", cmp.Diff(fresh, reused))
		}
	})
}
