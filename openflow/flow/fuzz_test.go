package flow

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// FuzzParseFlowMod: parsing never panics, and what parses prints as text
// that parses to the same flow mod.
func FuzzParseFlowMod(f *testing.F) {
	for _, tc := range flows {
		f.Add(tc.text)
	}
	for _, tc := range matchTexts {
		f.Add(tc.in + ",actions=drop")
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := ParseFlowMod(s)
		if err != nil {
			return
		}
		text := fm.String()
		again, err := ParseFlowMod(text)
		if err != nil {
			t.Fatalf("ParseFlowMod(%q) = %v; its String %q does not parse: %v", s, fm, text, err)
		}
		if diff := cmp.Diff(fm, again); diff != "" {
			t.Fatalf("ParseFlowMod(%q) then String %q then ParseFlowMod: (-first +second)\n%s", s, text, diff)
		}
	})
}

// FuzzDecode: converting any wire message never panics, and a message
// that converts and encodes again converts to the same model.
func FuzzDecode(f *testing.F) {
	for _, tc := range flows {
		fm, err := ParseFlowMod(tc.text)
		if err != nil {
			f.Fatal(err)
		}
		for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
			if w, err := fm.Encode(v); err == nil {
				b, err := openflow.Marshal(1, w)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	for _, v := range bothVersions {
		for _, tc := range messages(v) {
			w, err := tc.x.Encode(v)
			if err != nil {
				f.Fatal(err)
			}
			b, err := openflow.Marshal(1, w)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, msg, err := openflow.Unmarshal(b, of10.Codec, of13.Codec)
		if err != nil {
			return
		}
		x, err := Decode(msg)
		if err != nil {
			return
		}
		if x == nil {
			t.Fatalf("Decode(%T) = nil, nil", msg)
		}
		w, err := x.Encode(msg.Version())
		if err != nil {
			return // e.g. a decoded match OpenFlow 1.0 cannot hold again
		}
		y, err := Decode(w)
		if err != nil {
			t.Fatalf("Decode(Encode(Decode(%x))): %v", b, err)
		}
		if diff := cmp.Diff(x, y); diff != "" {
			t.Fatalf("Decode(%x) then Encode then Decode: (-first +second)\n%s", b, diff)
		}
	})
}
