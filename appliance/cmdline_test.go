package appliance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSplitCmdline checks the kernel's quoting rules (kernel/params.c
// next_arg) on the cases it has.
func TestSplitCmdline(t *testing.T) {
	a := func(k, v string) cmdlineArg { return cmdlineArg{key: k, val: v, hasVal: true} }
	word := func(k string) cmdlineArg { return cmdlineArg{key: k} }
	for _, tc := range []struct {
		in   string
		want []cmdlineArg
	}{
		{"", nil},
		{" \t\n", nil},
		{"console=ttyS0 quiet\n", []cmdlineArg{a("console", "ttyS0"), word("quiet")}},
		{"a=b=c", []cmdlineArg{a("a", "b=c")}},
		{"a=", []cmdlineArg{a("a", "")}},
		{`a="b c" d`, []cmdlineArg{a("a", "b c"), word("d")}},
		{`"a=b c" d`, []cmdlineArg{a("a", "b c"), word("d")}},
		{`"a b"`, []cmdlineArg{word("a b")}},
		{`a="b`, []cmdlineArg{a("a", "b")}},
		{`a="`, []cmdlineArg{a("a", "")}},
		{`a=b"c d"e f`, []cmdlineArg{a("a", `b"c d"e`), word("f")}},
		{`a="b"c`, []cmdlineArg{a("a", `b"c`)}},
		{`=x`, []cmdlineArg{word("=x")}},
		{`=x=y`, []cmdlineArg{a("=x", "y")}},
		{"a\tb\vc\fd\re", []cmdlineArg{word("a"), word("b"), word("c"), word("d"), word("e")}},
		{"x -- ofbox.role=switch", []cmdlineArg{word("x"), word("--"), a("ofbox.role", "switch")}},
	} {
		got := splitCmdline(tc.in)
		if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(cmdlineArg{})); d != "" {
			t.Errorf("splitCmdline(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}
