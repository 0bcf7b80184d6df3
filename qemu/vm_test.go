package qemu

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeQEMU writes a shell script that stands in for QEMU. The script sees
// QEMU's argv; it records each run's argv and PID in DIR/runs, one line
// each, then runs body. Ending a script that waits with `exec sleep`
// keeps one process per PID, as QEMU is.
func fakeQEMU(t *testing.T, body string) (path, runs string) {
	t.Helper()
	dir := t.TempDir()
	path, runs = filepath.Join(dir, "qemu"), filepath.Join(dir, "runs")
	script := "#!/bin/sh\necho \"$$ $*\" >> " + runs + "\n" + body + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path, runs
}

// readyBody prints a boot and the ready line (with \r\n, as the serial
// console does), then powers off.
const readyBody = `echo '[    0.000000] Linux version 6.1.0'
printf 'ofbox: ready role=switch dpid=0x1 in 345 ms\r\n'
echo '[    0.400000] reboot: Power down'
exit 0`

// runLines returns the runs the fake recorded: PID and argv.
func runLines(t *testing.T, runs string) []string {
	t.Helper()
	b, err := os.ReadFile(runs)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// kvmDevice returns a file that opens read-write, standing in for /dev/kvm.
func kvmDevice(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "kvm")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startFake starts cfg with a fake image. Read the console after Wait.
func startFake(t *testing.T, cfg VMConfig) (*VM, *bytes.Buffer) {
	t.Helper()
	con := &bytes.Buffer{}
	if cfg.Role == "" {
		cfg.Role = "switch"
	}
	cfg.Image, cfg.Console = fakeImage(t), con
	if cfg.KVMDevice == "" {
		cfg.KVMDevice = filepath.Join(t.TempDir(), "no-kvm")
	}
	vm, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start(%+v): %v", cfg, err)
	}
	t.Cleanup(func() { vm.Stop() })
	return vm, con
}

func waitReady(t *testing.T, vm *VM) time.Duration {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := vm.WaitReady(ctx)
	if err != nil {
		t.Fatalf("WaitReady: %v", err)
	}
	return d
}

func TestStartReadyAndPowerOff(t *testing.T) {
	bin, runs := fakeQEMU(t, readyBody)
	vm, con := startFake(t, VMConfig{QEMU: bin, Accel: "auto", NICs: []string{"tap:ofbx0"}})
	if d := waitReady(t, vm); d != 345*time.Millisecond {
		t.Errorf("WaitReady = %v; want 345ms", d)
	}
	if err := vm.Wait(); err != nil {
		t.Errorf("Wait after a clean poweroff = %v; want nil", err)
	}
	if got := vm.Accel(); got != "tcg" {
		t.Errorf("Accel without KVM = %q; want tcg", got)
	}
	want := "[    0.000000] Linux version 6.1.0\nofbox: ready role=switch dpid=0x1 in 345 ms\n[    0.400000] reboot: Power down\n"
	if got := con.String(); got != want {
		t.Errorf("console = %q; want %q", got, want)
	}
	rs := runLines(t, runs)
	if len(rs) != 1 || !strings.Contains(rs[0], " -accel tcg -cpu "+TCGCPU+" ") || !strings.Contains(rs[0], " ofbox.role=switch") ||
		!strings.Contains(rs[0], "ifname=ofbx0") {
		t.Errorf("QEMU runs = %q; want one under tcg with the role and the NIC", rs)
	}
	if pid, _ := strconv.Atoi(strings.Fields(rs[0])[0]); pid != vm.PID() {
		t.Errorf("PID() = %d; the fake ran as %d", vm.PID(), pid)
	}
}

func TestStartExitBeforeReady(t *testing.T) {
	bin, _ := fakeQEMU(t, `echo "qemu-system-x86_64: could not load kernel '/x/kernel'" >&2; exit 1`)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "tcg"})
	_, err := vm.WaitReady(context.Background())
	if !errors.Is(err, ErrExitedBeforeReady) || !strings.Contains(err.Error(), "exit status 1") ||
		!strings.Contains(err.Error(), "could not load kernel '/x/kernel'") {
		t.Errorf("WaitReady = %v; want ErrExitedBeforeReady with the status and QEMU's message", err)
	}
	err = vm.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(err.Error(), "could not load kernel") {
		t.Errorf("Wait = %v; want exit status 1 with the last console lines", err)
	}
}

func TestStartPowerOffBeforeReady(t *testing.T) {
	bin, runs := fakeQEMU(t, `echo 'ofbox: ofbox.ip "x": want an address'; exit 0`)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "auto", KVMDevice: kvmDevice(t)})
	_, err := vm.WaitReady(context.Background())
	if !errors.Is(err, ErrExitedBeforeReady) || !strings.Contains(err.Error(), "exit status 0") ||
		!strings.Contains(err.Error(), `ofbox.ip "x"`) {
		t.Errorf("WaitReady = %v; want ErrExitedBeforeReady, exit status 0 and the guest's reason", err)
	}
	if err := vm.Wait(); err != nil {
		t.Errorf("Wait = %v; want nil (QEMU exited 0)", err)
	}
	if rs := runLines(t, runs); len(rs) != 1 {
		t.Errorf("QEMU runs = %q; want one: a guest that powers off is not retried", rs)
	}
}

func TestStartGuestPanic(t *testing.T) {
	for _, tc := range []struct {
		body  string
		ready bool
	}{
		{`echo 'ofbox: ready role=switch in 5 ms'; echo '[    1.9] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000200'; exit 0`, true},
		{`echo '[    0.9] Kernel panic - not syncing: VFS: Unable to mount root fs'; exit 0`, false},
	} {
		bin, _ := fakeQEMU(t, tc.body)
		vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "tcg"})
		_, err := vm.WaitReady(context.Background())
		if tc.ready && err != nil {
			t.Errorf("WaitReady = %v; want the ready line", err)
		}
		if !tc.ready && (!errors.Is(err, ErrExitedBeforeReady) || !strings.Contains(err.Error(), "(guest kernel panicked)")) {
			t.Errorf("WaitReady = %v; want ErrExitedBeforeReady naming the panic", err)
		}
		if err := vm.Wait(); !errors.Is(err, ErrGuestPanic) || !strings.Contains(err.Error(), "Kernel panic - not syncing") {
			t.Errorf("Wait after a panic and exit status 0 = %v; want ErrGuestPanic with the panic line", err)
		}
	}
}

func TestStartTailKeepsLastLines(t *testing.T) {
	bin, _ := fakeQEMU(t, `i=0; while [ $i -lt 100 ]; do echo "line $i"; i=$((i+1)); done; exit 2`)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "tcg"})
	_, err := vm.WaitReady(context.Background())
	if err == nil || !strings.HasSuffix(err.Error(), "line 80\nline 81\nline 82\nline 83\nline 84\nline 85\nline 86\nline 87\nline 88\nline 89\nline 90\nline 91\nline 92\nline 93\nline 94\nline 95\nline 96\nline 97\nline 98\nline 99") ||
		strings.Contains(err.Error(), "line 79\n") {
		t.Errorf("WaitReady = %v; want the last %d lines", err, tailLines)
	}
}

func TestStartKVMHangRetriesUnderTCG(t *testing.T) {
	bin, runs := fakeQEMU(t, `case "$*" in *"-accel kvm"*) echo 'hanging under kvm'; exec sleep 600;; esac
`+readyBody)
	vm, con := startFake(t, VMConfig{QEMU: bin, Accel: "auto", KVMDevice: kvmDevice(t), KVMTimeout: 200 * time.Millisecond})
	if d := waitReady(t, vm); d != 345*time.Millisecond {
		t.Errorf("WaitReady = %v; want 345ms", d)
	}
	if err := vm.Wait(); err != nil {
		t.Errorf("Wait = %v; want nil", err)
	}
	if got := vm.Accel(); got != "tcg" {
		t.Errorf("Accel after the retry = %q; want tcg", got)
	}
	if !strings.Contains(con.String(), "hanging under kvm\nqemu: no ready under KVM within 200ms; retrying under TCG\n") {
		t.Errorf("console = %q; want the retry message after the KVM output", con.String())
	}
	rs := runLines(t, runs)
	if len(rs) != 2 || !strings.Contains(rs[0], "-accel kvm -cpu host") || !strings.Contains(rs[1], "-accel tcg -cpu "+TCGCPU) {
		t.Fatalf("QEMU runs = %q; want kvm then tcg", rs)
	}
	kvmPID, _ := strconv.Atoi(strings.Fields(rs[0])[0])
	if err := syscall.Kill(kvmPID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("the hung KVM QEMU (pid %d) is still there: kill(0) = %v", kvmPID, err)
	}
}

func TestStartKVMFailureRetriesUnderTCG(t *testing.T) {
	bin, runs := fakeQEMU(t, `case "$*" in *"-accel kvm"*) echo 'failed to initialize kvm: Permission denied' >&2; exit 1;; esac
`+readyBody)
	vm, con := startFake(t, VMConfig{QEMU: bin, Accel: "auto", KVMDevice: kvmDevice(t)})
	waitReady(t, vm)
	if err := vm.Wait(); err != nil {
		t.Errorf("Wait = %v; want nil", err)
	}
	if got := vm.Accel(); got != "tcg" {
		t.Errorf("Accel = %q; want tcg", got)
	}
	if !strings.Contains(con.String(), "qemu: qemu failed under KVM before ready (exit status 1); retrying under TCG") {
		t.Errorf("console = %q; want the retry message", con.String())
	}
	if rs := runLines(t, runs); len(rs) != 2 {
		t.Errorf("QEMU runs = %q; want kvm then tcg", rs)
	}
}

func TestStartKVMBoots(t *testing.T) {
	bin, runs := fakeQEMU(t, readyBody)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "auto", KVMDevice: kvmDevice(t), KVMTimeout: time.Minute})
	waitReady(t, vm)
	if err := vm.Wait(); err != nil {
		t.Errorf("Wait = %v; want nil", err)
	}
	if got := vm.Accel(); got != "kvm" {
		t.Errorf("Accel = %q; want kvm", got)
	}
	if rs := runLines(t, runs); len(rs) != 1 || !strings.Contains(rs[0], "-accel kvm -cpu host") {
		t.Errorf("QEMU runs = %q; want one under kvm", rs)
	}
}

func TestStartExplicitKVMDoesNotRetry(t *testing.T) {
	bin, runs := fakeQEMU(t, `echo 'failed to initialize kvm' >&2; exit 1`)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "kvm", KVMTimeout: 10 * time.Millisecond})
	if _, err := vm.WaitReady(context.Background()); !errors.Is(err, ErrExitedBeforeReady) {
		t.Errorf("WaitReady = %v; want ErrExitedBeforeReady", err)
	}
	if rs := runLines(t, runs); len(rs) != 1 || !strings.Contains(rs[0], "-accel kvm") {
		t.Errorf("QEMU runs = %q; want one under kvm, as asked", rs)
	}
}

func TestStop(t *testing.T) {
	bin, _ := fakeQEMU(t, `printf 'ofbox: ready role=switch in 7 ms\n'; exec sleep 600`)
	vm, _ := startFake(t, VMConfig{QEMU: bin, Accel: "tcg"})
	waitReady(t, vm)
	pid := vm.PID()
	if err := vm.Stop(); err != nil {
		t.Errorf("Stop = %v", err)
	}
	var ee *exec.ExitError
	if err := vm.Wait(); !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Errorf("Wait after Stop = %v; want killed", err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("QEMU (pid %d) still there after Stop: kill(0) = %v", pid, err)
	}
}

func TestStartContextStops(t *testing.T) {
	bin, _ := fakeQEMU(t, `echo booting; exec sleep 600`)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := VMConfig{Role: "controller", Image: fakeImage(t), QEMU: bin, Accel: "tcg"}
	vm, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer wcancel()
	if _, err := vm.WaitReady(wctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitReady with a short deadline = %v; want DeadlineExceeded", err)
	}
	cancel()
	if err := vm.Wait(); err == nil {
		t.Error("Wait after the context ended = nil; want the kill")
	}
	if _, err := vm.WaitReady(context.Background()); !errors.Is(err, ErrExitedBeforeReady) {
		t.Errorf("WaitReady after the kill = %v; want ErrExitedBeforeReady", err)
	}
}

func TestStartErrors(t *testing.T) {
	img := fakeImage(t)
	for _, tc := range []struct {
		cfg  VMConfig
		want string
	}{
		{VMConfig{Role: "switch", Image: img, QEMU: filepath.Join(t.TempDir(), "none")}, "(Debian package qemu-system-x86)"},
		{VMConfig{Role: "switch", Image: img, Accel: "xen"}, `accel "xen": want auto, kvm or tcg`},
		{VMConfig{Role: "hub", Image: img}, `role "hub"`},
		{VMConfig{Role: "switch", Image: t.TempDir()}, "ofbox image --kernel minimal"},
	} {
		if vm, err := Start(context.Background(), tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			if vm != nil {
				vm.Stop()
			}
			t.Errorf("Start(%+v) = %v; want an error with %q", tc.cfg, err, tc.want)
		}
	}
}

func TestParseReady(t *testing.T) {
	for _, tc := range []struct {
		line string
		role string
		ms   int
	}{
		{"ofbox: ready role=switch in 345 ms", "switch", 345},
		{"ofbox: ready role=controller ip=10.0.0.1/24 listen=tcp::6653 in 1203 ms", "controller", 1203},
		{"[    1.2] ofbox: ready role=switch dpid=0x1 in 0 ms  ", "switch", 0},
		{"ofbox: ready role=switch", "", -1},
		{"ofbox: ready role=switch in x ms", "", -1},
		{"ofbox vm: switch ready in 345 ms", "", -1},
		{"ofbox: ready role= in 3 ms", "", -1},
	} {
		role, d, ok := ParseReady(tc.line)
		if ok != (tc.ms >= 0) || role != tc.role || (ok && d != time.Duration(tc.ms)*time.Millisecond) {
			t.Errorf("ParseReady(%q) = %q, %v, %v; want %q, %d ms", tc.line, role, d, ok, tc.role, tc.ms)
		}
	}
}

func TestConsoleLongLine(t *testing.T) {
	var out bytes.Buffer
	c := &console{w: &out}
	var got []time.Duration
	long := strings.Repeat("x", 3*maxLine)
	c.copy(strings.NewReader(long+"\nofbox: ready role=switch in 5 ms\r\nlast"), func(d time.Duration) { got = append(got, d) })
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 3 || len(lines[0]) != maxLine || lines[2] != "last" || len(got) != 1 || got[0] != 5*time.Millisecond {
		t.Errorf("console of a %d-byte line, a ready line and an unfinished one: %d lines (first %d bytes, last %q), ready %v; want 3 lines, the first cut to %d, ready 5ms",
			len(long), len(lines), len(lines[0]), lines[len(lines)-1], got, maxLine)
	}
}

// TestPowerOff: PowerOff types "poweroff" on the serial console; a guest
// that powers off on it ends QEMU with 0.
func TestPowerOff(t *testing.T) {
	q, _ := fakeQEMU(t, `printf 'ofbox: ready role=controller in 300 ms\r\n'
read line
echo "console got: $line"
[ "$line" = poweroff ] && { echo 'reboot: Power down'; exit 0; }
exit 3`)
	vm, con := startFake(t, VMConfig{QEMU: q, Accel: "tcg"})
	waitReady(t, vm)
	if err := vm.PowerOff(); err != nil {
		t.Fatalf("PowerOff() = %v", err)
	}
	if err := vm.Wait(); err != nil {
		t.Fatalf("Wait() after PowerOff = %v\n%s", err, con)
	}
	if !strings.Contains(con.String(), "console got: poweroff") {
		t.Errorf("console:\n%s\nwant the guest to read poweroff", con)
	}
}
