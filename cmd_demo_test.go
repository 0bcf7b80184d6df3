package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// TestDemo runs `ofbox demo` end to end under TCG, as `make demo` does
// (there with --accel auto), and checks what it shows: both VMs ready,
// five pings answered, the transfer, the flows l2learning installed on
// the switch VM, and both VMs powered off; as root also the namespace
// hosts on TAPs.
func TestDemo(t *testing.T) {
	testnet.RequireTools(t, "qemu-system-x86_64")
	requireFile(t, "/usr/src/linux-source-6.1.tar.xz", "linux-source-6.1")
	bin := ofboxbin.Path(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute) // a first minimal kernel build
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "demo", "--accel", "tcg", "--image", filepath.Join(dir, "image"),
		"--logs", filepath.Join(dir, "logs"), "--bytes", "4194304")
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("ofbox demo: %v\n%s", err, out.String())
	}
	s := out.String()
	t.Logf("ofbox demo:\n%s", s)
	res := []string{
		`controller VM ready: \d+ ms after its kernel started`,
		`switch VM ready: \d+ ms after its kernel started`,
		`(?m)^    ping 10\.1\.0\.2: seq=5 time=[0-9.]+ ms$`,
		`(?m)^    4194304 bytes in [0-9.]+ s: [0-9.]+ Mbit/s$`,
		// l2learning's table-miss flow and one learned flow each way
		`priority=0 actions=CONTROLLER:65535`,
		`priority=1,in_port=1,dl_src=[0-9a-f:]+,dl_dst=[0-9a-f:]+ actions=output:2`,
		`priority=1,in_port=2,dl_src=[0-9a-f:]+,dl_dst=[0-9a-f:]+ actions=output:1`,
		`both VMs powered off cleanly`,
		`(?m)^demo: done$`,
	}
	if os.Geteuid() == 0 { // --netns is on: h3 pings h4 and h1 with the kernel's ping
		res = append(res,
			`h3\$ 3 packets transmitted, 3 received, 0% packet loss`,
			`h3\$ 64 bytes from 10\.1\.0\.4: icmp_seq=3`,
			`h3\$ 64 bytes from 10\.1\.0\.1: icmp_seq=3`,
			`priority=1,in_port=3,dl_src=[0-9a-f:]+,dl_dst=[0-9a-f:]+ actions=output:4`)
	}
	for _, re := range res {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("demo output lacks %s", re)
		}
	}
}

func TestDemoFlags(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{"--kernel tiny", `--kernel "tiny": want minimal or debian`},
		{"--accel hvf", `--accel "hvf": want auto, kvm or tcg`},
		{"--pings 0", "--pings 0: want 1 or more"},
		{"--bytes -1", "--bytes -1: want 1 or more"},
		{"extra", `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		if rc := demoMain(context.Background(), strings.Fields(c.args), &stdout, &stderr); rc != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("ofbox demo %s: rc %d, stderr %q; want 2 and %q", c.args, rc, stderr.String(), c.want)
		}
	}
}
