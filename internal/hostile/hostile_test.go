package hostile

import (
	"encoding/binary"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// TestCorpus: every case is one framed message of its version that differs
// from every golden vector, and every golden vector yields cases.
func TestCorpus(t *testing.T) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		cs, err := Corpus(v)
		if err != nil {
			t.Fatal(err)
		}
		vectors := map[string]bool{}
		for _, c := range cs {
			if c.Msg[0] != uint8(v) || int(binary.BigEndian.Uint16(c.Msg[2:])) != len(c.Msg) || len(c.Msg) < 8 {
				t.Errorf("%s %s: not one framed message: % x", v, c.Name, c.Msg[:8])
			}
			vectors[c.Name[:len(c.Name)-len(c.Name[indexSlash(c.Name):])]] = true
		}
		if len(vectors) < 40 {
			t.Errorf("%s: cases from %d vectors; want every golden vector", v, len(vectors))
		}
		t.Logf("%s: %d cases from %d vectors", v, len(cs), len(vectors))
	}
}

func indexSlash(s string) int {
	for i := range s {
		if s[i] == '/' {
			return i
		}
	}
	return len(s)
}
