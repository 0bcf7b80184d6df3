package tsharktest

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// recorder is a T that keeps the errors.
type recorder struct {
	*testing.T
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckMessages: well-formed messages pass; a header that lies about
// the length, and a body Wireshark finds malformed, fail.
func TestCheckMessages(t *testing.T) {
	echo13 := mustHex(t, "04 02 0008 00000007")
	barrier10 := mustHex(t, "01 12 0008 00000009")
	// OFPT_PACKET_OUT (1.3) whose actions_len (0x40) runs past its end.
	badOut := mustHex(t, "04 0d 0028 00000001 ffffffff 00000001 0040 000000000000 0000 0010 00000002 ffff 000000000000")
	for _, tc := range []struct {
		name string
		msg  []byte
		want string // in an error; "" for none
	}{
		{"echo", echo13, ""},
		{"barrier", barrier10, ""},
		{"long", append(append([]byte{}, echo13...), 0, 0, 0, 0), "header length 8, message 12 bytes"},
		{"bad_out", badOut, "tshark says"},
	} {
		r := &recorder{T: t}
		CheckMessages(r, []string{tc.name}, [][]byte{tc.msg}, nil)
		got := strings.Join(r.errs, "\n")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("%s: errors %q; want none", tc.name, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("%s: errors %q; want one with %q", tc.name, got, tc.want)
		}
	}
	r := &recorder{T: t}
	CheckMessages(r, []string{"echo"}, [][]byte{echo13}, map[string]string{"echo": "a test"})
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "drop the exemption") {
		t.Errorf("an exemption that is not needed: errors %q; want one saying to drop it", r.errs)
	}
}
