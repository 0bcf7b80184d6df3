package qemu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// VM is a running QEMU: the VM Start booted.
type VM struct {
	cfg     VMConfig
	con     *console
	ready   chan struct{} // closed at the first ready line
	done    chan struct{} // closed when the last QEMU has exited
	readyAt time.Duration // set before ready closes
	err     error         // Wait's result, set before done closes

	mu      sync.Mutex
	cmd     *exec.Cmd      // the QEMU running now, or the last one
	stdin   io.WriteCloser // its serial console's input
	accel   string         // its accelerator
	stopped bool           // Stop was called: boot no more
}

// ErrExitedBeforeReady is what WaitReady returns, wrapped with QEMU's exit
// status and the last console lines, when QEMU exits before the ready line.
var ErrExitedBeforeReady = errors.New("qemu exited before ready")

// ErrGuestPanic is what Wait returns, wrapped with the last console lines,
// when the guest kernel panicked (QEMU then exits 0, as after a poweroff).
var ErrGuestPanic = errors.New("guest kernel panicked")

// KVMUsable reports whether dev (normally /dev/kvm) opens read-write.
func KVMUsable(dev string) bool {
	f, err := os.OpenFile(dev, os.O_RDWR, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// Start boots the VM cfg describes and streams its console to cfg.Console.
// The VM lives until it powers off, Stop is called or ctx is done.
//
// With Accel "auto" it boots under KVM when cfg.KVMDevice opens read-write
// and under TCG otherwise. Nested KVM can hang before the kernel prints a
// line, so a KVM boot that shows no ready line within cfg.KVMTimeout, or
// whose QEMU fails before it, is killed and booted again under TCG; the
// console says so.
func Start(ctx context.Context, cfg VMConfig) (*VM, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	accel := cfg.Accel
	if accel == "auto" {
		accel = "tcg"
		if KVMUsable(cfg.KVMDevice) {
			accel = "kvm"
		}
	}
	argv, err := Command(cfg, accel)
	if err != nil {
		return nil, err
	}
	var fallback []string // the TCG argv of an auto boot under KVM
	if cfg.Accel == "auto" && accel == "kvm" {
		if fallback, err = Command(cfg, "tcg"); err != nil {
			return nil, err
		}
	}
	vm := &VM{cfg: cfg, con: &console{w: cfg.Console}, ready: make(chan struct{}), done: make(chan struct{})}
	exited, err := vm.boot(argv, accel)
	if err != nil {
		return nil, err
	}
	go vm.supervise(exited, fallback)
	go func() {
		select {
		case <-ctx.Done():
			vm.Stop()
		case <-vm.done:
		}
	}()
	return vm, nil
}

// boot starts one QEMU with argv; exited yields its exit once its output is
// drained.
func (vm *VM) boot(argv []string, accel string) (exited chan error, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("qemu: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = w, w
	// Its own process group keeps a terminal's ^C from QEMU: the caller
	// decides when the VM stops. It dies with us (Pdeathsig fires when the
	// starting thread ends, which Go does only for a goroutine that locked
	// its thread and returns: do not Start from one).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("qemu: %w", err)
	}
	vm.mu.Lock()
	if vm.stopped {
		vm.mu.Unlock()
		r.Close()
		w.Close()
		return nil, errors.New("qemu: stopped before the TCG boot")
	}
	err = cmd.Start()
	if err == nil {
		vm.cmd, vm.accel, vm.stdin = cmd, accel, stdin
	}
	vm.mu.Unlock()
	w.Close()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("qemu: start %s: %w (Debian package qemu-system-x86)", argv[0], err)
	}
	exited = make(chan error, 1)
	go func() {
		vm.con.copy(r, vm.setReady)
		r.Close()
		exited <- cmd.Wait()
	}()
	return exited, nil
}

// setReady records the first ready line.
func (vm *VM) setReady(boot time.Duration) {
	select {
	case <-vm.ready:
	default:
		vm.readyAt = boot
		close(vm.ready)
	}
}

// supervise waits for QEMU; with a fallback argv it first gives KVM
// cfg.KVMTimeout to reach ready and boots under TCG if it does not.
func (vm *VM) supervise(exited chan error, fallback []string) {
	if fallback == nil {
		vm.finish(<-exited)
		return
	}
	timer := time.NewTimer(vm.cfg.KVMTimeout)
	defer timer.Stop()
	var err error
	why := ""
	select {
	case <-vm.ready:
		vm.finish(<-exited)
		return
	case <-timer.C:
		vm.kill()
		err = <-exited
		why = fmt.Sprintf("no ready under KVM within %v", vm.cfg.KVMTimeout)
	case err = <-exited:
		why = fmt.Sprintf("qemu failed under KVM before ready (%v)", err)
	}
	vm.mu.Lock()
	stopped := vm.stopped
	vm.mu.Unlock()
	select {
	case <-vm.ready:
		stopped = true // ready after all: what ended QEMU was not a hang
	default:
	}
	// A clean exit is the guest powering off: it chose to stop.
	if err == nil || stopped {
		vm.finish(err)
		return
	}
	vm.con.line(fmt.Sprintf("qemu: %s; retrying under TCG", why))
	if exited, err = vm.boot(fallback, "tcg"); err != nil {
		vm.err = err
		close(vm.done)
		return
	}
	vm.finish(<-exited)
}

// finish records QEMU's exit.
func (vm *VM) finish(err error) {
	if err == nil && vm.con.panic() {
		err = ErrGuestPanic
	}
	if err != nil {
		vm.err = fmt.Errorf("qemu: %w; last console lines:\n%s", err, vm.con.last())
	}
	close(vm.done)
}

// kill ends the running QEMU by its PID.
func (vm *VM) kill() {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.cmd != nil {
		vm.cmd.Process.Kill() // fails only once it has exited
	}
}

// WaitReady waits for the ready line and returns the N ms it reports (time
// since kernel start). It fails when QEMU exits first (ErrExitedBeforeReady
// with the last console lines) or ctx is done.
func (vm *VM) WaitReady(ctx context.Context) (time.Duration, error) {
	select {
	case <-vm.ready:
		return vm.readyAt, nil
	default:
	}
	select {
	case <-vm.ready:
		return vm.readyAt, nil
	case <-vm.done:
		select {
		case <-vm.ready: // the ready line and the exit came together
			return vm.readyAt, nil
		default:
		}
		status := "exit status 0"
		var ee *exec.ExitError
		switch {
		case errors.Is(vm.err, ErrGuestPanic):
			status = ErrGuestPanic.Error()
		case errors.As(vm.err, &ee):
			status = ee.Error()
		}
		return 0, fmt.Errorf("%w (%s): last console lines:\n%s", ErrExitedBeforeReady, status, vm.con.last())
	case <-ctx.Done():
		return 0, fmt.Errorf("qemu: waiting for ready: %w", ctx.Err())
	}
}

// Wait waits until QEMU exits and returns nil for exit status 0 (the guest
// powered off: QEMU runs with -no-reboot), ErrGuestPanic if the guest
// kernel panicked, or an error wrapping *exec.ExitError; errors carry the
// last console lines.
func (vm *VM) Wait() error {
	<-vm.done
	return vm.err
}

// Stop kills QEMU by its PID, boots no fallback, and waits until it has
// exited. Wait then reports the kill.
func (vm *VM) Stop() error {
	vm.mu.Lock()
	vm.stopped = true
	vm.mu.Unlock()
	vm.kill()
	<-vm.done
	return nil
}

// Accel is the accelerator of the QEMU running now, or of the last one:
// after ready, the one that booted.
func (vm *VM) Accel() string {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.accel
}

// PID is the process id of the QEMU running now, or of the last one.
func (vm *VM) PID() int {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.cmd.Process.Pid
}

// PowerOff asks the guest to shut down cleanly: it types "poweroff" on the
// serial console, which ofbox as PID 1 takes as it takes SIGTERM (it stops
// the role, syncs and powers the VM off). Wait then returns QEMU's exit.
func (vm *VM) PowerOff() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.stdin == nil {
		return errors.New("qemu: power off: no VM running")
	}
	if _, err := io.WriteString(vm.stdin, "poweroff\n"); err != nil {
		return fmt.Errorf("qemu: power off: %w", err)
	}
	return nil
}
