package main

import (
	"bytes"
	"net"
	"regexp"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/bench/cbench"
	"github.com/ofbox/ofbox/openflow"
)

func TestRunBenchFlags(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string // in stderr
	}{
		{[]string{}, 0, ""},
		{[]string{"switch"}, 2, `unknown generator "switch"`},
		{[]string{"controller"}, 2, "want one ADDR"},
		{[]string{"controller", "a:1", "b:2"}, 2, "want one ADDR"},
		{[]string{"controller", "--mode", "fast", "a:1"}, 2, `--mode "fast": want throughput or latency`},
		{[]string{"controller", "--of", "1.4", "a:1"}, 2, `--of "1.4": want 1.0 or 1.3`},
		{[]string{"controller", "--switches", "0", "a:1"}, 2, "--switches 0: want 1..65535"},
		{[]string{"controller", "--macs", "1", "a:1"}, 2, "--macs 1: want 2..16777216"},
		{[]string{"controller", "--duration", "0s", "a:1"}, 2, "--duration 0s: want a positive duration"},
		{[]string{"controller", "--warmup", "-1s", "a:1"}, 2, "--warmup -1s"},
		{[]string{"controller", "--duration", "ten", "a:1"}, 2, `invalid value "ten" for flag -duration`},
		{[]string{"controller", "nohostport"}, 2, `ADDR "nohostport": want host:port or tcp:host:port`},
		{[]string{"controller", "--nope", "a:1"}, 2, "flag provided but not defined: -nope"},
		{[]string{"controller", "--help"}, 0, "usage: ofbox bench controller"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := runBench(tt.args, &out, &errb)
		if code != tt.code || !strings.Contains(errb.String(), tt.err) {
			t.Errorf("runBench(%q) = %d, stderr %q; want %d, %q", tt.args, code, errb.String(), tt.code, tt.err)
		}
	}
}

func TestParseBenchControllerFlagsAfterAddr(t *testing.T) {
	cfg, err := parseBenchController([]string{"--mode", "latency", "tcp:127.0.0.1:6653", "--of", "1.0", "--switches", "3"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Mode != cbench.Latency || cfg.Version != openflow.Version10 || cfg.Switches != 3 || cfg.Addr != "127.0.0.1:6653" || cfg.MACs != 1000 {
		t.Errorf("parseBenchController() = %+v; want latency, 1.0, 3 switches, 1000 macs, 127.0.0.1:6653", cfg)
	}
}

var resultLine = regexp.MustCompile(`(?m)^RESULT mode=throughput of=1\.3 switches=2 macs=10 responses/s avg=\d+ min=\d+ max=\d+ stddev=\d+$`)

func TestRunBenchController(t *testing.T) {
	for _, mute := range []bool{false, true} {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		st := &cbench.Stub{Version: openflow.Version13, Mute: mute}
		done := make(chan error, 1)
		go func() { done <- st.Serve(l) }()
		var out, errb bytes.Buffer
		code := runBench([]string{"controller", "--switches", "2", "--macs", "10", "--duration", "200ms", "--warmup", "0s", l.Addr().String()}, &out, &errb)
		l.Close()
		if err := <-done; err != nil {
			t.Errorf("Stub.Serve() = %v", err)
		}
		switch {
		case !mute && (code != 0 || !resultLine.MatchString(out.String())):
			t.Errorf("runBench(controller) = %d, stdout %q, stderr %q; want 0 and a RESULT line", code, out.String(), errb.String())
		case mute && (code != 1 || !strings.Contains(errb.String(), "no response")):
			t.Errorf("runBench(controller) against a mute controller = %d, stderr %q; want 1, no response", code, errb.String())
		}
	}
}
