package netstack

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// requireRoot skips t unless it runs as root with the tools it names; with
// CI set it fails instead, since CI installs everything.
func requireRoot(t testing.TB, tools ...string) {
	t.Helper()
	skip := t.Skipf
	if os.Getenv("CI") != "" {
		skip = t.Fatalf
	}
	if os.Geteuid() != 0 {
		skip("needs root (network namespaces, AF_PACKET)")
	}
	for _, tool := range append([]string{"ip"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			skip("needs %s: %v", tool, err)
		}
	}
}

func run(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// vethPair is two namespaces joined by a veth: end A (10.9.0.1/24) in
// NSA, end B (10.9.0.2/24) in NSB.
type vethPair struct {
	NSA, NSB, A, B string
}

// newVethPair creates the namespaces and the veth with unique names and
// removes them when t ends. txCsum sets TX checksum offload (and with it
// TSO) on end A.
func newVethPair(t testing.TB, txCsum bool) *vethPair {
	t.Helper()
	id := fmt.Sprintf("%d%04x", os.Getpid()%10000, rand.Uint32()&0xffff)
	p := &vethPair{NSA: "ofbxa" + id, NSB: "ofbxb" + id, A: "ofa" + id, B: "ofb" + id}
	run(t, "ip", "netns", "add", p.NSA)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", p.NSA).Run() })
	run(t, "ip", "netns", "add", p.NSB)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", p.NSB).Run() })
	run(t, "ip", "link", "add", p.A, "netns", p.NSA, "type", "veth", "peer", "name", p.B, "netns", p.NSB)
	for _, ns := range []string{p.NSA, p.NSB} { // quiet links: no IPv6 chatter
		run(t, "ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1")
	}
	run(t, "ip", "-n", p.NSA, "addr", "add", "10.9.0.1/24", "dev", p.A)
	run(t, "ip", "-n", p.NSB, "addr", "add", "10.9.0.2/24", "dev", p.B)
	run(t, "ip", "-n", p.NSA, "link", "set", p.A, "up")
	run(t, "ip", "-n", p.NSB, "link", "set", p.B, "up")
	if _, err := exec.LookPath("ethtool"); err == nil {
		onoff := map[bool]string{true: "on", false: "off"}[txCsum]
		run(t, "ip", "netns", "exec", p.NSA, "ethtool", "-K", p.A, "tx", onoff)
		if txCsum {
			run(t, "ip", "netns", "exec", p.NSA, "ethtool", "-K", p.A, "tso", "on", "gso", "on")
		}
	} else if !txCsum {
		t.Skip("needs ethtool to turn checksum offload off")
	}
	return p
}

// inNS runs fn on a thread inside the named namespace. Sockets fn opens stay
// in that namespace. The thread is discarded afterwards.
func inNS(t testing.TB, ns string, fn func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		fd, err := unix.Open("/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		fn()
		errc <- nil
	}()
	if err := <-errc; err != nil {
		t.Fatalf("enter netns %s: %v", ns, err)
	}
}

// packetModes are the two receive paths: the mapped ring (the default)
// and recvmmsg.
var packetModes = []struct {
	name string
	opts PacketOptions
}{{"ring", PacketOptions{}}, {"recvmmsg", PacketOptions{NoRing: true}}}

// openIn opens a PacketDevice on iface inside namespace ns.
func openIn(t testing.TB, ns, iface string) *PacketDevice {
	t.Helper()
	return openWith(t, ns, iface, PacketOptions{})
}

// openWith is openIn with options.
func openWith(t testing.TB, ns, iface string, opts PacketOptions) *PacketDevice {
	t.Helper()
	var d *PacketDevice
	var err error
	inNS(t, ns, func() { d, err = OpenPacket(iface, opts) })
	if err != nil {
		t.Fatalf("OpenPacket(%s) = %v", iface, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
