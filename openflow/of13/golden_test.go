package of13

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// readVector reads a golden vector: hex digits with any whitespace, "#"
// to the end of a line a comment; "# expect: NAME" lines name what
// ovs-ofctl ofp-print must print.
func readVector(path string) (msg []byte, expect []string, err error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var digits strings.Builder
	for line := range strings.Lines(string(text)) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			if e, ok := strings.CutPrefix(strings.TrimSpace(line[i+1:]), "expect:"); ok {
				expect = append(expect, strings.TrimSpace(e))
			}
			line = line[:i]
		}
		for _, f := range strings.Fields(line) {
			digits.WriteString(f)
		}
	}
	msg, err = hex.DecodeString(digits.String())
	return msg, expect, err
}

// vectorFiles lists testdata/*.hex.
func vectorFiles(t testing.TB) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.hex"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no vectors in testdata")
	}
	return files
}

// ovsOfctl returns the path of ovs-ofctl, or skips the test; under CI a
// missing ovs-ofctl fails it.
func ovsOfctl(t *testing.T) string {
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-ofctl is not on PATH (CI installs it): %v", err)
		}
		t.Skipf("ovs-ofctl is not on PATH: %v", err)
	}
	return p
}

// typeFromFileName returns the message type a vector's file name starts
// with ("flow_mod_add" → TypeFlowMod), longest name first; ok is false for
// names that start with no type, such as mp_*.
func typeFromFileName(name string) (Type, bool) {
	best, found := Type(0), false
	bestLen := 0
	for t := TypeHello; t <= TypeMeterMod; t++ {
		n := strings.ToLower(strings.TrimPrefix(t.String(), "OFPT_"))
		if (name == n || strings.HasPrefix(name, n+"_")) && len(n) > bestLen {
			best, found, bestLen = t, true, len(n)
		}
	}
	return best, found
}

// expectedNames is what ofp-print must print for a vector of type t when
// the vector names nothing itself.
func expectedNames(t Type) []string {
	switch t {
	case TypeMultipartRequest:
		return []string{"OFPST_", " request"}
	case TypeMultipartReply:
		return []string{"OFPST_", " reply"}
	}
	return []string{t.String()}
}

// TestGolden decodes every vector of testdata (the multipart ones too),
// re-encodes it byte for byte, and checks that every message type has a
// vector.
func TestGolden(t *testing.T) {
	seen := make(map[Type]bool)
	for _, path := range vectorFiles(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".hex")
		raw, _, err := readVector(path)
		if err != nil {
			t.Errorf("readVector(%s) = %v", path, err)
			continue
		}
		h, m, err := openflow.Unmarshal(raw, Codec)
		if err != nil {
			t.Errorf("Unmarshal(%s) = %v", path, err)
			continue
		}
		typ := Type(h.Type)
		seen[typ] = true
		if ft, ok := typeFromFileName(name); ok && ft != typ {
			t.Errorf("%s: file name says %v, header says %v", path, ft, typ)
		}
		if u, ok := m.(*openflow.Unknown); ok {
			t.Errorf("Unmarshal(%s) = %T of type %d; want a known message", path, u, u.Type)
		}
		got, err := openflow.Append(nil, h.Xid, m)
		if err != nil {
			t.Errorf("Append(Unmarshal(%s)) = %v", path, err)
			continue
		}
		if !bytes.Equal(got, raw) {
			t.Errorf("Append(Unmarshal(%s)) =\n%s want\n%s", path, hex.Dump(got), hex.Dump(raw))
		}
	}
	for typ := TypeHello; typ <= TypeMeterMod; typ++ {
		if !seen[typ] {
			t.Errorf("no vector in testdata for %v (%d)", typ, uint8(typ))
		}
	}
}

// TestGoldenOVS has ovs-ofctl ofp-print every vector of testdata: it must
// name the message ("# expect:" lines, or the type) and complain of
// nothing.
func TestGoldenOVS(t *testing.T) {
	ovs := ovsOfctl(t)
	for _, path := range vectorFiles(t) {
		raw, expect, err := readVector(path)
		if err != nil || len(raw) < openflow.HeaderLen {
			t.Errorf("readVector(%s) = %d bytes, %v", path, len(raw), err)
			continue
		}
		out, err := exec.Command(ovs, "ofp-print", hex.EncodeToString(raw)).CombinedOutput()
		if err != nil {
			t.Errorf("ovs-ofctl ofp-print %s: %v\n%s", path, err, out)
			continue
		}
		lower := strings.ToLower(string(out))
		for _, bad := range []string{"bad", "truncated", "invalid"} {
			if strings.Contains(lower, bad) {
				t.Errorf("ovs-ofctl ofp-print %s says %q:\n%s", path, bad, out)
			}
		}
		if len(expect) == 0 {
			expect = expectedNames(Type(raw[1]))
		}
		for _, e := range expect {
			if !strings.Contains(string(out), e) {
				t.Errorf("ovs-ofctl ofp-print %s does not name %q:\n%s", path, e, out)
			}
		}
	}
}
