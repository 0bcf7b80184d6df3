package testnet

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestIntegrationNS checks the namespace helpers on a bare veth between two
// namespaces: ping, an iperf3 transfer, and sockets opened through Do.
func TestIntegrationNS(t *testing.T) {
	RequireRoot(t)
	RequireTools(t, "ip", "ping", "ethtool", "iperf3")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	a, b := NewNS(t, "a"), NewNS(t, "b")
	Veth(t, "eth0", a, "eth0", b)
	a.AddAddr("eth0", "10.9.0.1/24")
	b.AddAddr("eth0", "10.9.0.2/24")
	a.Offload("eth0", false)
	if err := Ping(ctx, a, "10.9.0.2", 3); err != nil {
		t.Fatal(err)
	}
	res, err := TCPTransfer(ctx, a, b, "10.9.0.2", 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("veth: %v", res)

	var ln net.Listener
	if err := b.Do(func() (err error) { ln, err = net.Listen("tcp", "10.9.0.2:0"); return err }); err != nil {
		t.Fatalf("b.Do(listen) = %v", err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	var got []byte
	err = a.Do(func() error {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		got = make([]byte, 2)
		_, err = c.Read(got)
		return err
	})
	if err != nil || string(got) != "hi" {
		t.Errorf("dial from a through Do = %q, %v; want \"hi\", nil", got, err)
	}
	// The root namespace cannot reach b's address: the listener lives in b.
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond); err == nil {
		c.Close()
		t.Errorf("dial %s from the root namespace succeeded; want the listener only in %s", ln.Addr(), b)
	}
}

// cleanupTB runs Cleanup functions when asked and can pretend to have
// failed, to check what the helpers leave behind after a failing test.
type cleanupTB struct {
	testing.TB
	fns    []func()
	failed bool
	logs   strings.Builder
}

func (c *cleanupTB) Cleanup(f func())             { c.fns = append(c.fns, f) }
func (c *cleanupTB) Failed() bool                 { return c.failed || c.TB.Failed() }
func (c *cleanupTB) Logf(format string, a ...any) { c.logs.WriteString(format + "\n") }
func (c *cleanupTB) runCleanups() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}

// TestIntegrationCleanup checks that a failed test leaves no namespace and
// no process behind, and prints the logs of the processes it started.
func TestIntegrationCleanup(t *testing.T) {
	RequireRoot(t)
	RequireTools(t, "ip", "sleep")
	tb := &cleanupTB{TB: t, failed: true}
	ns := NewNS(tb, "c")
	Veth(tb, "eth0", ns, IfName("c-"), nil)
	p := Start(tb, ns, "sh", "-c", "echo started; sleep 600 & sleep 600") // a child in the group too
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.WaitOutput(ctx, "started"); err != nil {
		t.Fatal(err)
	}
	stray := Start(tb, ns, "sleep", "600")
	tb.runCleanups()

	if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), ns.Name()) {
		t.Errorf("ip netns list after cleanup = %s; want no %s", out, ns.Name())
	}
	for _, pid := range []int{p.PID(), stray.PID()} {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill(%d, 0) after cleanup = %v; want ESRCH", pid, err)
		}
	}
	// The orphaned child is killed but reaped by init later: zombies are fine.
	if live := liveInGroup(t, p.PID()); len(live) > 0 {
		t.Errorf("processes left in group %d after cleanup: %v; want none", p.PID(), live)
	}
	if !strings.Contains(tb.logs.String(), "output:") {
		t.Errorf("logs after a failed test = %q; want the process output", tb.logs.String())
	}
}

// liveInGroup lists the processes of process group pgid that are not zombies.
func liveInGroup(t *testing.T, pgid int) []string {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var live []string
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // exited meanwhile
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces, so cut at the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 2 && fields[0] != "Z" && fields[2] == strconv.Itoa(pgid) {
			live = append(live, string(b[:i+1]))
		}
	}
	return live
}
