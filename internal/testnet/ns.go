package testnet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// NS is a network namespace made for one test. A nil *NS stands for the
// root namespace wherever a namespace is accepted.
//
// Set-up methods (AddAddr, SetUp, Offload) fail the test on error and must
// be called from the test goroutine; Command, Exec and Do return errors.
type NS struct {
	name string
	t    testing.TB
}

// NewNS creates a network namespace named "ofbox-<name>-<pid>-<random>",
// brings its loopback up and deletes it in t.Cleanup, after killing any
// process still running in it.
func NewNS(t testing.TB, name string) *NS {
	t.Helper()
	ns := &NS{name: fmt.Sprintf("ofbox-%s-%d-%s", name, os.Getpid(), randHex(3)), t: t}
	if out, err := exec.Command("ip", "netns", "add", ns.name).CombinedOutput(); err != nil {
		t.Fatalf("testnet: ip netns add %s: %v\n%s", ns.name, err, out)
	}
	t.Cleanup(ns.remove)
	ns.SetUp("lo")
	return ns
}

// Root returns the root namespace as an *NS, for set-up methods there
// (nil stands for it everywhere else). Devices made in the root namespace
// need host-unique names (IfName).
func Root(t testing.TB) *NS { return &NS{t: t} }

func (ns *NS) isRoot() bool { return ns == nil || ns.name == "" }

// Name is the namespace's name as `ip netns` knows it ("" for the root).
func (ns *NS) Name() string {
	if ns.isRoot() {
		return ""
	}
	return ns.name
}

// String is the name, or "root".
func (ns *NS) String() string {
	if ns.isRoot() {
		return "root"
	}
	return ns.name
}

func (ns *NS) remove() {
	// A process left in the namespace keeps its devices alive. Only processes
	// of this test can be in it (the name is unique), so end them by PID.
	if out, err := exec.Command("ip", "netns", "pids", ns.name).Output(); err == nil {
		for _, f := range strings.Fields(string(out)) {
			if pid, err := strconv.Atoi(f); err == nil && pid > 1 {
				ns.t.Logf("testnet: killing pid %d left in namespace %s", pid, ns.name)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	if out, err := exec.Command("ip", "netns", "del", ns.name).CombinedOutput(); err != nil {
		ns.t.Errorf("testnet: ip netns del %s: %v\n%s", ns.name, err, out)
	}
}

// Command returns a command that runs args in the namespace (through
// `ip netns exec`, which execs args, so the command's PID is the program's).
func (ns *NS) Command(ctx context.Context, args ...string) *exec.Cmd {
	if !ns.isRoot() {
		args = append([]string{"ip", "netns", "exec", ns.name}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = time.Second
	return cmd
}

// Exec runs args in the namespace and returns the combined output; the error
// names the command and carries the output.
func (ns *NS) Exec(ctx context.Context, args ...string) (string, error) {
	out, err := ns.Command(ctx, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s in %s: %w\n%s", strings.Join(args, " "), ns, err, out)
	}
	return string(out), nil
}

// ip runs `ip -n NS args...` (no mount namespace, faster than ip netns exec).
func (ns *NS) ip(args ...string) error {
	if !ns.isRoot() {
		args = append([]string{"-n", ns.name}, args...)
	}
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return nil
}

func (ns *NS) must(err error) {
	if err != nil {
		ns.tb().Helper()
		ns.tb().Fatalf("testnet: in %s: %v", ns, err)
	}
}

func (ns *NS) tb() testing.TB {
	if ns == nil {
		panic("testnet: set-up methods on the root namespace need a test; use Root(t)")
	}
	return ns.t
}

// AddAddr adds an address in CIDR notation ("10.0.0.1/24") to dev.
func (ns *NS) AddAddr(dev, cidr string) {
	ns.tb().Helper()
	ns.must(ns.ip("addr", "add", cidr, "dev", dev))
}

// SetUp sets dev up.
func (ns *NS) SetUp(dev string) {
	ns.tb().Helper()
	ns.must(ns.ip("link", "set", dev, "up"))
}

// Offload turns TX and RX checksum offload of dev on or off (ethtool -K).
// veth with TX checksum offload hands the peer frames whose checksum is only
// partial; a forwarder that reads them with AF_PACKET and forwards them as
// they are (Open vSwitch's userspace datapath) stalls TCP.
func (ns *NS) Offload(dev string, on bool) {
	ns.tb().Helper()
	v := "off"
	if on {
		v = "on"
	}
	_, err := ns.Exec(context.Background(), "ethtool", "-K", dev, "tx", v, "rx", v)
	ns.must(err)
}

// Do runs fn on an OS thread that is in the namespace, so sockets fn opens
// (net.Listen, net.Dial) live there and stay there. Goroutines fn starts do
// not inherit the namespace.
func (ns *NS) Do(fn func() error) error {
	if ns.isRoot() {
		return fn()
	}
	target, err := os.Open("/run/netns/" + ns.name)
	if err != nil {
		return fmt.Errorf("testnet: do in %s: %w", ns, err)
	}
	defer target.Close()
	runtime.LockOSThread()
	self, err := os.Open(fmt.Sprintf("/proc/self/task/%d/ns/net", syscall.Gettid()))
	if err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("testnet: do in %s: %w", ns, err)
	}
	defer self.Close()
	if err := setns(target); err != nil {
		runtime.UnlockOSThread()
		return fmt.Errorf("testnet: do in %s: setns: %w", ns, err)
	}
	fnErr := fn()
	if err := setns(self); err != nil {
		// The thread stays locked, so the runtime ends it with this goroutine
		// instead of reusing it in the wrong namespace.
		return fmt.Errorf("testnet: do in %s: restore namespace: %w", ns, err)
	}
	runtime.UnlockOSThread()
	return fnErr
}

func setns(f *os.File) error {
	_, _, errno := syscall.RawSyscall(sysSetns, f.Fd(), syscall.CLONE_NEWNET, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// Veth creates a veth pair, end a in namespace aNS and end b in bNS (nil is
// the root namespace), sets both ends up and deletes the pair in t.Cleanup.
// Names in the root namespace must be unique on the host: use IfName.
func Veth(t testing.TB, a string, aNS *NS, b string, bNS *NS) {
	t.Helper()
	args := []string{"link", "add", a}
	if !aNS.isRoot() {
		args = append(args, "netns", aNS.name)
	}
	args = append(args, "type", "veth", "peer", "name", b)
	if !bNS.isRoot() {
		args = append(args, "netns", bNS.name)
	}
	if err := (*NS)(nil).ip(args...); err != nil {
		t.Fatalf("testnet: veth %s/%s: %v", a, b, err)
	}
	t.Cleanup(func() { _ = aNS.ip("link", "del", a) }) // gone already if a namespace went
	for _, e := range []struct {
		ns  *NS
		dev string
	}{{aNS, a}, {bNS, b}} {
		if err := e.ns.ip("link", "set", e.dev, "up"); err != nil {
			t.Fatalf("testnet: veth %s/%s: %v", a, b, err)
		}
	}
}

// IfName returns prefix followed by a random suffix, at most 15 bytes (the
// kernel's limit), for devices that must be unique in the root namespace.
func IfName(prefix string) string {
	const max, suffix = 15, 6
	if len(prefix) > max-suffix {
		prefix = prefix[:max-suffix]
	}
	return prefix + randHex(suffix/2)
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
