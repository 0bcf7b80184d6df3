package main

import (
	"bytes"
	"debug/elf"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/internal/ofboxbin"
)

func TestDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		out, err string
	}{
		{nil, 0, "commands:", ""},
		{[]string{"version"}, 0, "ofbox dev", ""},
		{[]string{"nope"}, 2, "", `unknown command "nope"`},
		{[]string{"sim", "--topo", "mesh,2"}, 2, "", `unknown shape "mesh"`},
		{[]string{"demo", "--kernel", "tiny"}, 2, "", `--kernel "tiny": want minimal or debian`},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := dispatch(tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(out.String(), tt.out) || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("dispatch(%q) = %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out.String(), errb.String(), tt.code, tt.out, tt.err)
		}
	}
}

// TestIsCommand: as PID 1, ofbox boots unless its first argument is a
// command (a container's entrypoint names one; the kernel hands /init
// only the words of its command line it does not know).
func TestIsCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"nokaslr"}, false},
		{[]string{"switch", "--ports", "eth1"}, true},
		{[]string{"controller"}, true},
		{[]string{"image"}, true},
		{[]string{"--help"}, true},
	} {
		if got := isCommand(tc.args); got != tc.want {
			t.Errorf("isCommand(%q) = %v; want %v", tc.args, got, tc.want)
		}
	}
}

// TestStaticBinary: the binary as users build it is static (`ldd`: not a
// dynamic executable): it is a VM's /init and a scratch image's only file.
func TestStaticBinary(t *testing.T) {
	f, err := elf.Open(ofboxbin.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("ofbox has a %v program header: dynamically linked", p.Type)
		}
	}
	if f.Section(".interp") != nil {
		t.Errorf("ofbox has an .interp section")
	}
}
