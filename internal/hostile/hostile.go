// Package hostile makes malformed OpenFlow messages for tests that replay
// them against a live controller or switch: from every golden vector of
// openflow/of10 and openflow/of13 (every message type of both versions),
// truncations, nested lengths that lie (zero, one, 0xffff, past the end),
// huge 32-bit counts and ids, and unknown types. Each case keeps a valid
// header whose length matches the bytes sent, so the stream stays framed
// and the peer must judge the body.
//
// It also carries the probe the replay sends behind each case: a barrier
// request, which a switch answers with a barrier reply and a controller
// with an OFPT_ERROR (a switch sends no requests), each in order with the
// messages before it.
package hostile

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// Case is one hostile message.
type Case struct {
	Name string // vector/mutation, e.g. "flow_mod_add/len16@56=0xffff"
	Msg  []byte // a whole message: header (xid 0; Stamp sets it) and body
}

// Stamp returns c's message with xid set.
func (c Case) Stamp(xid uint32) []byte {
	m := append([]byte(nil), c.Msg...)
	binary.BigEndian.PutUint32(m[4:8], xid)
	return m
}

// Type is the message type of c.
func (c Case) Type() uint8 { return c.Msg[1] }

// Corpus returns the cases for version v, in a fixed order.
func Corpus(v openflow.Version) ([]Case, error) {
	dir, err := testdata(v)
	if err != nil {
		return nil, err
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.hex"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("hostile: no golden vectors in %s (%v)", dir, err)
	}
	sort.Strings(names)
	var cs []Case
	for _, n := range names {
		b, err := readHex(n)
		if err != nil {
			return nil, err
		}
		if len(b) < 8 || b[0] != uint8(v) || int(binary.BigEndian.Uint16(b[2:4])) != len(b) {
			return nil, fmt.Errorf("hostile: %s is not one OpenFlow %s message", n, v)
		}
		cs = append(cs, mutate(strings.TrimSuffix(filepath.Base(n), ".hex"), b)...)
	}
	// Types the version does not have, with and without a body.
	for _, t := range []uint8{35, 99, 200, 255} {
		cs = append(cs, Case{fmt.Sprintf("unknown_type_%d", t), header(v, t, 8)},
			Case{fmt.Sprintf("unknown_type_%d/body", t), append(header(v, t, 24), make([]byte, 16)...)})
	}
	return cs, nil
}

// Probe is a barrier request with xid, what the replay sends behind each
// case.
func Probe(v openflow.Version, xid uint32) []byte {
	t := uint8(of13BarrierRequest)
	if v == openflow.Version10 {
		t = of10BarrierRequest
	}
	m := header(v, t, 8)
	binary.BigEndian.PutUint32(m[4:8], xid)
	return m
}

// The barrier message types, from the specifications.
const (
	of10BarrierRequest = 18
	of10BarrierReply   = 19
	of13BarrierRequest = 20
	of13BarrierReply   = 21
)

func barrierReply(v openflow.Version) uint8 {
	if v == openflow.Version10 {
		return of10BarrierReply
	}
	return of13BarrierReply
}

func header(v openflow.Version, t uint8, length int) []byte {
	return []byte{uint8(v), t, byte(length >> 8), byte(length), 0, 0, 0, 0}
}

// mutate returns the hostile variants of the valid message b.
func mutate(name string, b []byte) []Case {
	var cs []Case
	seen := map[string]bool{string(b): true} // the valid message itself is no case
	add := func(what string, m []byte) {
		binary.BigEndian.PutUint16(m[2:4], uint16(len(m)))
		if len(m) > 0xffff || seen[string(m)] {
			return
		}
		seen[string(m)] = true
		cs = append(cs, Case{name + "/" + what, m})
	}
	l := len(b)
	// Truncations: every cut inside the first 40 bytes, then a few more.
	for cut := 8; cut < l; cut++ {
		if cut < 40 || cut == l/2 || cut == l-1 {
			add(fmt.Sprintf("cut%d", cut), append([]byte(nil), b[:cut]...))
		}
	}
	// Nested 16-bit lengths and counts that lie, at every even offset of
	// the body (where OpenFlow puts its lengths).
	for off := 8; off+2 <= l && off < 8+64; off += 2 {
		for _, val := range []uint16{0, 1, 0xffff, uint16(l + 8)} {
			m := append([]byte(nil), b...)
			if binary.BigEndian.Uint16(m[off:]) == val {
				continue
			}
			binary.BigEndian.PutUint16(m[off:], val)
			add(fmt.Sprintf("len16@%d=%#x", off, val), m)
		}
	}
	// Huge 32-bit counts, ids and port numbers.
	for off := 8; off+4 <= l && off < 8+64; off += 4 {
		m := append([]byte(nil), b...)
		binary.BigEndian.PutUint32(m[off:], 0xffffffff)
		add(fmt.Sprintf("u32@%d=max", off), m)
	}
	// Trailing bytes after a whole message: 1, 7 and 64 of them.
	for _, n := range []int{1, 7, 64} {
		add(fmt.Sprintf("tail%d", n), append(append([]byte(nil), b...), make([]byte, n)...))
	}
	return cs
}

// testdata is openflow/ofXX/testdata in this module.
func testdata(v openflow.Version) (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("hostile: cannot find the module")
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	switch v {
	case openflow.Version10:
		return filepath.Join(root, "openflow", "of10", "testdata"), nil
	case openflow.Version13:
		return filepath.Join(root, "openflow", "of13", "testdata"), nil
	}
	return "", fmt.Errorf("hostile: no golden vectors for version %s", v)
}

// readHex reads a golden vector: # comment lines and hex digits.
func readHex(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			h.WriteString(strings.ReplaceAll(line, " ", ""))
		}
	}
	b, err := hex.DecodeString(h.String())
	if err != nil {
		return nil, fmt.Errorf("hostile: %s: %w", path, err)
	}
	return b, nil
}
