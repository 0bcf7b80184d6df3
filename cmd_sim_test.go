package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

func TestSim(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if rc := simMain(context.Background(), []string{"--topo", "linear,3", "--bytes", "100000"}, strings.NewReader(""), &stdout, &stderr); rc != 0 {
		t.Fatalf("ofbox sim: rc %d\n%s%s", rc, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, re := range []string{
		`\*\*\* linear,3: 3 switches, 3 hosts, app l2learning, OpenFlow 1\.3, 1\.0: up in`,
		`(?m)^h1 -> h2 h3$`, `(?m)^h3 -> h1 h2$`,
		`\*\*\* Results: 0% dropped \(6/6 received\)`,
		`(?m)^\*\*\* s1: \d+ flows$`, `(?m)^\*\*\* s3: \d+ flows$`,
		`priority=0 actions=CONTROLLER:65535`,
		`\*\*\* iperf h1 -> h3: 100000 bytes in .*Mbit/s`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("ofbox sim output lacks %s:\n%s", re, out)
		}
	}
}

func TestSimShell(t *testing.T) {
	in := strings.Join([]string{
		"nodes", "h1 ping h3", "link s1 s2 down", "h1 ping h3", "h2 ping h3",
		"link s2 s1 up", "h1 ping h3", "dump-flows s9", "link s1 s3 down", "iperf h1 h2 x",
		"h1 ping h7", "frobnicate", "pingall", "quit", "h1 ping h2",
	}, "\n")
	var stdout, stderr bytes.Buffer
	if rc := simMain(context.Background(), []string{"--topo", "linear,3", "--shell", "--of", "1.0"}, strings.NewReader(in), &stdout, &stderr); rc != 0 {
		t.Fatalf("ofbox sim --shell: rc %d\n%s%s", rc, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, re := range []string{
		`switches: s1 s2 s3\nhosts: h1=10\.0\.0\.1 h2=10\.0\.0\.2 h3=10\.0\.0\.3`,
		`h1 -> h3 \(10\.0\.0\.3\): time=[0-9.]+ ms(.|\n)*h1 -> h3: no answer(.|\n)*h2 -> h3 \(10\.0\.0\.3\): time(.|\n)*h1 -> h3 \(10\.0\.0\.3\): time`,
		`no switch s9`, `no link s1 s3`, `iperf: bytes "x": want a number of 1 or more`,
		`ping: no host h7; type nodes`, `unknown command "frobnicate"; type help`,
		`\*\*\* Results: 0% dropped \(6/6 received\)`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("shell output lacks %s:\n%s", re, out)
		}
	}
	if strings.Count(out, "ofbox-sim> ") != 14 {
		t.Errorf("%d prompts; want 14 (the shell stops at quit):\n%s", strings.Count(out, "ofbox-sim> "), out)
	}
}

func TestSimFlags(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--topo ring,3", `unknown shape "ring"; want single,N, linear,N, tree,DEPTH,FANOUT`},
		{"--app router", `unknown app "router"; want l2learning, hub`},
		{"--of 1.5", `--of "1.5": unknown version "1.5"; want 1.3, 1.0 or both`},
		{"--bytes 0", "--bytes 0: want 1 or more"},
		{"h1", `unexpected argument "h1"`},
	} {
		var stdout, stderr bytes.Buffer
		if rc := simMain(context.Background(), strings.Fields(c.args), strings.NewReader(""), &stdout, &stderr); rc != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("ofbox sim %s: rc %d, stderr %q; want 2 and %q", c.args, rc, stderr.String(), c.want)
		}
	}
}
