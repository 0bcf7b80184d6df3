package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestVMBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{nil, "--role is required: controller or switch"},
		{[]string{"--role", "router"}, `--role "router": want controller or switch`},
		{[]string{"--role", "switch", "--kernel", "alpine"}, `--kernel "alpine": want minimal or debian`},
		{[]string{"--role", "switch", "--accel", "hvf"}, `--accel "hvf": want auto, kvm or tcg`},
		{[]string{"--role", "switch", "--mem", "8"}, `--mem "8": want at least 64 (MiB)`},
		{[]string{"--role", "switch", "--kvm-timeout", "0s"}, `--kvm-timeout "0s": want a positive duration`},
		{[]string{"--role", "switch", "--nic", "eth0"}, `invalid value "eth0" for flag -nic: want dgram:LOCALHOST:PORT,REMOTEHOST:PORT or tap:NAME`},
		{[]string{"--role", "switch", "--nic", "dgram:127.0.0.1:1,127.0.0.1:0"}, `remote address "127.0.0.1:0": port "0": want 1 to 65535`},
		{[]string{"--role", "switch", "--", "ip=10.0.0.2/24"}, `kernel parameter "ip=10.0.0.2/24" (after --): want ofbox.key=value`},
		{[]string{"--role", "switch", "--", "ofbox.role=controller"}, `the role has its own setting`},
	} {
		var stdout, stderr bytes.Buffer
		if code := vmMain(context.Background(), tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("ofbox vm %q = %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// vmFake writes an image directory and a stand-in for QEMU that records
// its argv in DIR/argv and runs body.
func vmFake(t *testing.T, body string) (image, qemuBin, argv string) {
	t.Helper()
	dir := t.TempDir()
	image = filepath.Join(dir, "image")
	os.Mkdir(image, 0o755)
	for _, f := range []string{"kernel", "initrd"} {
		if err := os.WriteFile(filepath.Join(image, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	qemuBin, argv = filepath.Join(dir, "qemu"), filepath.Join(dir, "argv")
	if err := os.WriteFile(qemuBin, []byte("#!/bin/sh\necho \"$*\" > "+argv+"\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return image, qemuBin, argv
}

func TestVMRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   string
		code   int
		stdout []string
		stderr string
	}{
		{"poweroff", `echo 'Linux version 6.1'; echo 'ofbox: ready role=controller in 412 ms'; exit 0`, 0,
			[]string{"Linux version 6.1\nofbox: ready role=controller in 412 ms\n", "ofbox vm: controller ready in 412 ms after kernel start", "under tcg"}, ""},
		{"exit status after ready", `echo 'ofbox: ready role=controller in 3 ms'; exit 3`, 3,
			[]string{"ofbox vm: controller ready in 3 ms"}, "exit status 3"},
		{"exit before ready", `echo 'qemu-system-x86_64: cannot set up guest memory' >&2; exit 1`, 1,
			[]string{"cannot set up guest memory"}, "qemu exited before ready (exit status 1): last console lines:\nqemu-system-x86_64: cannot set up guest memory"},
		{"kernel panic", `echo 'ofbox: ready role=controller in 3 ms'; echo 'Kernel panic - not syncing: Attempted to kill init!'; exit 0`, 1,
			[]string{"ofbox vm: controller ready in 3 ms"}, "qemu: guest kernel panicked; last console lines:"},
		{"poweroff before ready", `echo 'ofbox: bad config'; exit 0`, 1,
			[]string{"ofbox: bad config\n"}, "qemu exited before ready (exit status 0)"},
	} {
		image, bin, argv := vmFake(t, tc.body)
		var stdout, stderr bytes.Buffer
		args := []string{"--role", "controller", "--image", image, "--accel", "tcg", "--qemu", bin, "--mem", "128",
			"--nic", "dgram:127.0.0.1:5000,127.0.0.1:5001", "--nic", "tap:ofbx0", "--", "ofbox.ip=10.0.0.1/24"}
		code := vmMain(context.Background(), args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%s: ofbox vm = %d, stderr %q; want %d and %q", tc.name, code, stderr.String(), tc.code, tc.stderr)
		}
		for _, s := range tc.stdout {
			if !strings.Contains(stdout.String(), s) {
				t.Errorf("%s: stdout %q; want %q in it", tc.name, stdout.String(), s)
			}
		}
		b, _ := os.ReadFile(argv)
		for _, s := range []string{"-accel tcg", "-m 128", "ofbox.role=controller ofbox.ip=10.0.0.1/24",
			"local.port=5000", "ifname=ofbx0", image + "/kernel"} {
			if !strings.Contains(string(b), s) {
				t.Errorf("%s: QEMU argv %q; want %q in it", tc.name, b, s)
			}
		}
	}
}

func TestVMInterrupt(t *testing.T) {
	image, bin, _ := vmFake(t, `echo 'ofbox: ready role=switch in 9 ms'; exec sleep 600`)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- vmMain(ctx, []string{"--role", "switch", "--image", image, "--accel", "tcg", "--qemu", bin}, &stdout, &stderr)
	}()
	// Interrupt only once the VM is up: the ready report is printed.
	for !strings.Contains(stdout.String(), "ofbox vm: switch ready") {
		select {
		case code := <-done:
			t.Fatalf("ofbox vm = %d before the interrupt; stderr %q", code, stderr.String())
		default:
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 130 || !strings.Contains(stderr.String(), "interrupted; VM stopped") {
		t.Errorf("ofbox vm interrupted = %d, stderr %q; want 130 and the stop", code, stderr.String())
	}
}

func TestVMMissingImage(t *testing.T) {
	t.Chdir(t.TempDir())
	var stdout, stderr bytes.Buffer
	code := vmMain(context.Background(), []string{"--role", "switch", "--kernel", "debian"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "build the image with `ofbox image --kernel debian`") {
		t.Errorf("ofbox vm without an image = %d, stderr %q; want 1 and how to build it", code, stderr.String())
	}
}
