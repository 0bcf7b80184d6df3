package of10

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

var update = flag.Bool("update", false, "rewrite testdata/*.hex from the vectors table")

// addrEqual lets cmp compare netip.Addr, whose fields are unexported.
var addrEqual = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })

// golden is one testdata/*.hex file.
type golden struct {
	name   string
	expect string
	raw    []byte
}

// readHex parses a vector file: hex digits with any whitespace, "#" to
// the end of a line is a comment, and a comment "# expect: NAME" names
// what ovs-ofctl must print.
func readHex(text string) (raw []byte, expect string, err error) {
	var digits strings.Builder
	for line := range strings.Lines(text) {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			if e, ok := strings.CutPrefix(strings.TrimSpace(line[i+1:]), "expect:"); ok {
				expect = strings.TrimSpace(e)
			}
			line = line[:i]
		}
		for _, f := range strings.Fields(line) {
			digits.WriteString(f)
		}
	}
	raw, err = hex.DecodeString(digits.String())
	return raw, expect, err
}

func loadGolden(t testing.TB) []golden {
	t.Helper()
	files, err := filepath.Glob("testdata/*.hex")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.hex: %v", err)
	}
	var gs []golden
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, expect, err := readHex(string(text))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if expect == "" {
			t.Fatalf("%s: no \"# expect:\" line", f)
		}
		gs = append(gs, golden{strings.TrimSuffix(filepath.Base(f), ".hex"), expect, raw})
	}
	return gs
}

func formatHex(v vector, raw []byte) string {
	var s strings.Builder
	fmt.Fprintf(&s, "# %s: %s (OpenFlow 1.0), %d bytes, checked with ovs-ofctl ofp-print\n", v.name, openflow.TypeName(openflow.Version10, v.msg.MsgType()), len(raw))
	fmt.Fprintf(&s, "# expect: %s\n", v.expect)
	for i := 0; i < len(raw); i += 16 {
		line := raw[i:min(i+16, len(raw))]
		for j, c := range line {
			if j > 0 {
				s.WriteByte(' ')
			}
			fmt.Fprintf(&s, "%02x", c)
		}
		s.WriteByte('\n')
	}
	return s.String()
}

// TestGoldenValues checks that each vector file decodes to the message of
// the vectors table (and, with -update, writes the files).
func TestGoldenValues(t *testing.T) {
	for _, v := range vectors {
		raw, err := openflow.Marshal(v.xid, v.msg)
		if err != nil {
			t.Fatalf("Marshal(%s) = %v", v.name, err)
		}
		path := filepath.Join("testdata", v.name+".hex")
		if *update {
			if err := os.WriteFile(path, []byte(formatHex(v, raw)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, _, err := readHex(string(text))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(raw, want) {
			t.Errorf("Marshal(%s) = %x; want %x", v.name, raw, want)
		}
		h, m, err := openflow.Unmarshal(want, Codec)
		if err != nil {
			t.Errorf("Unmarshal(%s) = %v", v.name, err)
			continue
		}
		if h.Xid != v.xid {
			t.Errorf("Unmarshal(%s) xid = %#x; want %#x", v.name, h.Xid, v.xid)
		}
		if d := cmp.Diff(v.msg, m, addrEqual); d != "" {
			t.Errorf("Unmarshal(%s) mismatch (-want +got):\n%s", v.name, d)
		}
	}
}

// TestGoldenRoundTrip decodes every vector and re-encodes it byte for byte.
func TestGoldenRoundTrip(t *testing.T) {
	for _, g := range loadGolden(t) {
		h, m, err := openflow.Unmarshal(g.raw, Codec)
		if err != nil {
			t.Errorf("Unmarshal(%s) = %v", g.name, err)
			continue
		}
		if _, unknown := m.(*openflow.Unknown); unknown {
			t.Errorf("Unmarshal(%s) = %T; want a known message", g.name, m)
		}
		got, err := openflow.Marshal(h.Xid, m)
		if err != nil {
			t.Errorf("Marshal(%s) = %v", g.name, err)
			continue
		}
		if !bytes.Equal(got, g.raw) {
			t.Errorf("Marshal(Unmarshal(%s)) = %x; want %x", g.name, got, g.raw)
		}
	}
}

// TestGoldenCoverage wants a vector for every message type, every stats
// kind in both directions and every action type.
func TestGoldenCoverage(t *testing.T) {
	types := map[Type]bool{}
	stats := map[string]bool{}
	actions := map[ActionType]bool{}
	for _, g := range loadGolden(t) {
		h, m, err := openflow.Unmarshal(g.raw, Codec)
		if err != nil {
			continue // reported by TestGoldenRoundTrip
		}
		types[Type(h.Type)] = true
		if s, ok := m.(StatsMessage); ok {
			stats[fmt.Sprintf("%s/%d", s.StatsType(), s.MsgType())] = true
		}
		var as []Action
		switch m := m.(type) {
		case *FlowMod:
			as = m.Actions
		case *PacketOut:
			as = m.Actions
		case *FlowStatsReply:
			for _, s := range m.Stats {
				as = append(as, s.Actions...)
			}
		}
		for _, a := range as {
			actions[a.ActionType()] = true
		}
	}
	for typ := Type(0); typ < NumTypes; typ++ {
		if !types[typ] {
			t.Errorf("no vector of type %s", typ)
		}
	}
	for _, st := range []StatsType{StatsDesc, StatsFlow, StatsAggregate, StatsTable, StatsPort, StatsQueue, StatsPortDesc, StatsVendor} {
		for _, dir := range []Type{TypeStatsRequest, TypeStatsReply} {
			if !stats[fmt.Sprintf("%s/%d", st, dir)] {
				t.Errorf("no vector of %s in a %s", st, dir)
			}
		}
	}
	for a := ActionTypeOutput; a <= ActionTypeEnqueue; a++ {
		if !actions[a] {
			t.Errorf("no vector with action %s", a)
		}
	}
	if !actions[ActionTypeVendor] {
		t.Errorf("no vector with a vendor action")
	}
}

// TestGoldenOVS runs ovs-ofctl ofp-print over every vector.
func TestGoldenOVS(t *testing.T) {
	ofctl, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ovs-ofctl not on PATH; CI must install openvswitch-common")
		}
		t.Skip("ovs-ofctl not on PATH: install openvswitch-common to cross-check the vectors")
	}
	for _, g := range loadGolden(t) {
		out, err := exec.Command(ofctl, "ofp-print", hex.EncodeToString(g.raw)).CombinedOutput()
		text := string(out)
		if err != nil {
			t.Errorf("ovs-ofctl ofp-print %s: %v\n%s", g.name, err, text)
			continue
		}
		lower := strings.ToLower(text)
		for _, bad := range []string{"bad", "truncated", "invalid"} {
			if strings.Contains(lower, bad) {
				t.Errorf("ovs-ofctl ofp-print %s says %q:\n%s", g.name, bad, text)
			}
		}
		if !strings.Contains(text, g.expect) {
			t.Errorf("ovs-ofctl ofp-print %s does not name %q:\n%s", g.name, g.expect, text)
		}
		checkOVSText(t, g, text)
		if testing.Verbose() {
			t.Logf("%s:\n%s", g.name, text)
		}
	}
}

var ipv4zero = netip.IPv4Unspecified()

func cmpDiff(want, got any) string { return cmp.Diff(want, got, addrEqual) }

// checkOVSText checks that ovs-ofctl prints a flow mod's match and actions
// as Match.String and FormatActions do.
func checkOVSText(t *testing.T, g golden, text string) {
	t.Helper()
	_, m, err := openflow.Unmarshal(g.raw, Codec)
	fm, ok := m.(*FlowMod)
	if err != nil || !ok {
		return
	}
	if s := fm.Match.String(); s != "" && !strings.Contains(text, s+" ") {
		t.Errorf("%s: Match.String() = %q; ovs-ofctl prints:\n%s", g.name, s, text)
	}
	for _, a := range fm.Actions {
		if _, vendor := a.(ActionVendor); vendor {
			return // ovs-ofctl decodes vendor actions it knows
		}
	}
	if s := "actions=" + FormatActions(fm.Actions); !strings.Contains(text, s) {
		t.Errorf("%s: FormatActions = %q; ovs-ofctl prints:\n%s", g.name, s, text)
	}
}
