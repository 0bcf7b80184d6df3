package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ofbox/ofbox/qemu"
)

// vmMain is `ofbox vm`: boot one ofbox VM under QEMU, stream its console,
// and exit with QEMU's status; SIGINT or SIGTERM stops the VM.
// nicList collects repeated --nic flags. A spec holds a comma
// (dgram:LOCAL,REMOTE), so one flag is one NIC.
type nicList []string

func (l *nicList) String() string { return strings.Join(*l, " ") }
func (l *nicList) Set(s string) error {
	if err := qemu.CheckNIC(s); err != nil {
		return err
	}
	*l = append(*l, s)
	return nil
}

func vmMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox vm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "", "the VM's role: controller or switch")
	image := fs.String("image", "", "the image `DIR` that ofbox image wrote (default out/image/KERNEL)")
	kernel := fs.String("kernel", qemu.DefaultKernel, "which image's kernel: minimal or debian")
	accel := fs.String("accel", "auto", "QEMU accelerator: auto (KVM where it boots, else TCG), kvm or tcg")
	var nics nicList
	fs.Var(&nics, "nic", "a NIC, eth0 first: `SPEC` dgram:LOCALHOST:PORT,REMOTEHOST:PORT or tap:NAME (repeatable)")
	mem := fs.Int("mem", qemu.DefaultMemory, "memory in MiB")
	qemuBin := fs.String("qemu", qemu.DefaultQEMU, "the QEMU program")
	kvmTimeout := fs.Duration("kvm-timeout", qemu.DefaultKVMTimeout, "with --accel auto: how long a KVM boot may take to reach ready before it is retried under TCG")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox vm --role controller|switch [--image DIR] [--kernel minimal|debian] [--accel auto|kvm|tcg] [--nic SPEC]... [--mem 256] [-- ofbox.key=value ...]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(name, val, want string) int {
		fmt.Fprintf(stderr, "ofbox vm: --%s %q: %s\n", name, val, want)
		return 2
	}
	switch {
	case *role == "":
		fmt.Fprintln(stderr, "ofbox vm: --role is required: controller or switch")
		return 2
	case *role != "controller" && *role != "switch":
		return bad("role", *role, "want controller or switch")
	case *kernel != "minimal" && *kernel != "debian":
		return bad("kernel", *kernel, "want minimal or debian")
	case *accel != "auto" && *accel != "kvm" && *accel != "tcg":
		return bad("accel", *accel, "want auto, kvm or tcg")
	case *mem < 64:
		return bad("mem", fmt.Sprint(*mem), "want at least 64 (MiB)")
	case *kvmTimeout <= 0:
		return bad("kvm-timeout", kvmTimeout.String(), "want a positive duration such as 10s")
	}
	for _, p := range fs.Args() {
		if err := qemu.CheckParam(p); err != nil {
			fmt.Fprintf(stderr, "ofbox vm: kernel parameter %q (after --): %v\n", p, err)
			return 2
		}
	}

	stdout = &lockedWriter{w: stdout} // the console streams to it while we report
	cfg := qemu.VMConfig{Role: *role, Image: *image, Kernel: *kernel, Accel: *accel, NICs: nics,
		Params: fs.Args(), Memory: *mem, Console: stdout, QEMU: *qemuBin, KVMTimeout: *kvmTimeout}
	start := time.Now()
	vm, err := qemu.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox vm: %v\n", err)
		return 1
	}
	boot, err := vm.WaitReady(ctx)
	if err == nil {
		fmt.Fprintf(stdout, "ofbox vm: %s ready in %d ms after kernel start (%d ms after launch) under %s, qemu pid %d\n",
			*role, boot.Milliseconds(), time.Since(start).Milliseconds(), vm.Accel(), vm.PID())
	}
	werr := vm.Wait()
	switch {
	case ctx.Err() != nil:
		fmt.Fprintln(stderr, "ofbox vm: interrupted; VM stopped")
		return 130
	case err != nil:
		fmt.Fprintf(stderr, "ofbox vm: %v\n", err)
		return max(1, exitCode(werr))
	case werr != nil:
		fmt.Fprintf(stderr, "ofbox vm: %v\n", werr)
	}
	return exitCode(werr)
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// exitCode mirrors QEMU's exit: its status, 128+N for signal N, 1 for a
// failure to run it.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return 1
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ee.ExitCode()
}
