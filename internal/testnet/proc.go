package testnet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Proc is a background process started for a test: in its own process
// group, its output going to a log file in t.TempDir(), stopped by PID in
// t.Cleanup (SIGTERM to the group, SIGKILL after stopGrace), with the log
// printed when the test failed. It dies with the test binary (Pdeathsig).
type Proc struct {
	Name string    // program name, for messages
	Cmd  *exec.Cmd // the started command
	Log  string    // path of the output log

	t    testing.TB
	done chan struct{}
	err  error // Cmd.Wait's result, set before done closes
}

// stopGrace is how long Stop waits after SIGTERM before SIGKILL.
const stopGrace = 3 * time.Second

// Start starts args in ns (nil is the root namespace) in the background.
func Start(t testing.TB, ns *NS, args ...string) *Proc {
	t.Helper()
	return StartCmd(t, ns.Command(context.Background(), args...))
}

// StartCmd starts cmd in the background; build it with NS.Command to run it
// in a namespace and set Env or Dir before. Stdout and Stderr must be unset.
func StartCmd(t testing.TB, cmd *exec.Cmd) *Proc {
	t.Helper()
	p := &Proc{Name: progName(cmd.Args), Cmd: cmd, t: t, done: make(chan struct{})}
	f, err := os.CreateTemp(t.TempDir(), p.Name+"-*.log")
	if err != nil {
		t.Fatalf("testnet: start %s: %v", p.Name, err)
	}
	p.Log = f.Name()
	cmd.Stdout, cmd.Stderr = f, f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	}
	cmd.SysProcAttr.Setpgid = true
	if err := cmd.Start(); err != nil {
		f.Close()
		t.Fatalf("testnet: start %s: %v", strings.Join(cmd.Args, " "), err)
	}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("testnet: %v", err)
		}
		if t.Failed() {
			t.Logf("testnet: %s (pid %d) %s; output:\n%s", p.Name, p.PID(), p.state(), tail(p.Output(), 8<<10))
		}
	})
	return p
}

// progName is the program's base name, skipping `ip netns exec NAME`.
func progName(args []string) string {
	if len(args) > 4 && filepath.Base(args[0]) == "ip" && args[1] == "netns" && args[2] == "exec" {
		args = args[4:]
	}
	return filepath.Base(args[0])
}

// PID is the process's PID (also its process group ID).
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Exited reports whether the process has ended.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits for the process to end by itself and returns its exit error.
func (p *Proc) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("wait for %s (pid %d): %w", p.Name, p.PID(), ctx.Err())
	}
}

// Kill sends SIGKILL to the process group, as a crash would end it, and
// returns once the process is gone.
func (p *Proc) Kill() {
	_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
	<-p.done
}

// Stop ends the process group: SIGTERM, then SIGKILL after stopGrace. It is
// idempotent and returns an error only if the process could not be ended.
func (p *Proc) Stop() error {
	if p.Exited() {
		_ = syscall.Kill(-p.PID(), syscall.SIGKILL) // children left in the group
		return nil
	}
	if err := syscall.Kill(-p.PID(), syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop %s (pid %d): %w", p.Name, p.PID(), err)
	}
	select {
	case <-p.done:
		_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
		return nil
	case <-time.After(stopGrace):
	}
	_ = syscall.Kill(-p.PID(), syscall.SIGKILL)
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
		return fmt.Errorf("stop %s (pid %d): still running after SIGKILL", p.Name, p.PID())
	}
}

func (p *Proc) state() string {
	if !p.Exited() {
		return "running"
	}
	if p.err != nil {
		return "exited: " + p.err.Error()
	}
	return "exited"
}

// Output returns what the process has written so far.
func (p *Proc) Output() string {
	b, err := os.ReadFile(p.Log)
	if err != nil {
		return fmt.Sprintf("(read log: %v)", err)
	}
	return string(b)
}

// WaitOutput waits until the process's output contains s, for readiness
// lines such as "Server listening". It fails early if the process ends.
func (p *Proc) WaitOutput(ctx context.Context, s string) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if strings.Contains(p.Output(), s) {
			return nil
		}
		select {
		case <-p.done:
			if strings.Contains(p.Output(), s) {
				return nil
			}
			return fmt.Errorf("wait for %q from %s: %s\n%s", s, p.Name, p.state(), tail(p.Output(), 4<<10))
		case <-ctx.Done():
			return fmt.Errorf("wait for %q from %s: %w\n%s", s, p.Name, ctx.Err(), tail(p.Output(), 4<<10))
		case <-tick.C:
		}
	}
}

// tail returns the last n bytes of s, starting at a line.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return "...\n" + s
}
