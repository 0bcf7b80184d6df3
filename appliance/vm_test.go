package appliance

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ofbox/ofbox/internal/testnet"
	"golang.org/x/sys/unix"
)

// fakeSysNet makes a /sys/class/net with the NICs named, each with a
// carrier file that says carrier.
func fakeSysNet(t *testing.T, carrier string, nics ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range nics {
		addNIC(t, dir, n, carrier)
	}
	return dir
}

func addNIC(t *testing.T, sysnet, name, carrier string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(sysnet, name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sysnet, name, "carrier"), []byte(carrier+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestVMConfig checks the VM's defaults: eth0 for management, gVisor on
// it with ofbox.ip, the other ethN as ports.
func TestVMConfig(t *testing.T) {
	sysnet := fakeSysNet(t, "1", "lo", "eth0", "eth10", "eth2", "eth1", "tap0", "eth01")
	ip := []netip.Prefix{netip.MustParsePrefix("10.0.0.2/24")}
	for _, tc := range []struct {
		cmdline         string
		stack, nic      string
		ports, nicsUsed string
		ip              []netip.Prefix
	}{
		{"ofbox.role=switch", "", "", "1=eth1,2=eth2,3=eth10", "eth1,eth2,eth10", nil},
		{"ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.controller=tcp:10.0.0.1:6653", StackGVisor, "packet:eth0", "1=eth1,2=eth2,3=eth10", "eth0,eth1,eth2,eth10", ip},
		{"ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.mgmt=eth1 ofbox.ports=eth2", StackGVisor, "packet:eth1", "1=eth2", "eth1,eth2", ip},
		{"ofbox.role=switch ofbox.mgmt=eth2", "", "", "1=eth0,2=eth1,3=eth10", "eth0,eth1,eth10", nil},
		{"ofbox.role=controller ofbox.ip=10.0.0.2/24", StackGVisor, "packet:eth0", "", "eth0", ip},
		{"ofbox.role=controller ofbox.ip=10.0.0.2/24 ofbox.stack=gvisor ofbox.nic=packet:eth1", StackGVisor, "packet:eth1", "", "eth1", ip},
	} {
		c, err := vmConfig(tc.cmdline, sysnet)
		if err != nil {
			t.Errorf("vmConfig(%q): %v", tc.cmdline, err)
			continue
		}
		got := []any{c.Stack, c.NIC, join(c.Ports), strings.Join(vmNICs(c), ","), c.IP}
		want := []any{tc.stack, tc.nic, tc.ports, tc.nicsUsed, tc.ip}
		if d := cmp.Diff(want, got, cmpConfig...); d != "" {
			t.Errorf("vmConfig(%q): stack, nic, ports, NICs, ip (-want +got):\n%s", tc.cmdline, d)
		}
	}
}

func TestVMConfigBad(t *testing.T) {
	sysnet := fakeSysNet(t, "1", "lo", "eth0", "eth1")
	for _, tc := range []struct{ cmdline, want string }{
		{"quiet", "ofbox.role is required: want controller or switch"},
		{"ofbox.role=controller", "ofbox.ip is required: in the VM the controller role talks OpenFlow through the management NIC ofbox.mgmt=eth0, on an address such as ofbox.ip=10.0.0.2/24"},
		{"ofbox.role=switch ofbox.controller=tcp:10.0.0.1:6653", "ofbox.ip is required: in the VM the switch role"},
		{"ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.stack=host", `ofbox.stack="host": in the VM the kernel's NICs have no address; want ofbox.stack="gvisor" (the default with ofbox.ip)`},
		{"ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.ports=eth0,eth1", `ofbox.ports="1=eth0,2=eth1": eth0 is the gvisor stack's NIC (ofbox.nic); want other NICs as ports`},
		{"ofbox.role=switch ofbox.mgmt=eth1 ofbox.ports=eth1:x", `ofbox.ports="eth1:x": interface name "eth1:x"`},
		{"ofbox.role=switch ofbox.mgmt=e/1", `ofbox.mgmt="e/1": want a network interface name such as eth0`},
		{"ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.nic=tap:x ofbox.gw=10.0.1.1", `ofbox.gw="10.0.1.1": not in the subnet`},
	} {
		if _, err := vmConfig(tc.cmdline, sysnet); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("vmConfig(%q) = %v; want an error with %q", tc.cmdline, err, tc.want)
		}
	}
	lonely := fakeSysNet(t, "1", "lo", "eth0")
	want := "ofbox.ports is required: the VM has no ethN NIC but the management NIC ofbox.mgmt=eth0 (NICs: eth0, lo); want NIC names"
	if _, err := vmConfig("ofbox.role=switch", lonely); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("vmConfig(switch) with eth0 alone = %v; want an error with %q", err, want)
	}
}

func TestEthIndex(t *testing.T) {
	for in, want := range map[string]int{"eth0": 0, "eth12": 12, "eth": -1, "eth01": -1, "eth-1": -1, "veth1": -1, "eth1a": -1, "eth+1": -1} {
		if got := ethIndex(in); got != want {
			t.Errorf("ethIndex(%q) = %d; want %d", in, got, want)
		}
	}
}

// TestNICsUp waits for a NIC that appears late and whose carrier comes
// late, after setting each NIC up once.
func TestNICsUp(t *testing.T) {
	sysnet := fakeSysNet(t, "1", "eth0")
	var ups []string
	up := func(n string) error { ups = append(ups, n); return nil }
	tmp := t.TempDir()
	addNIC(t, tmp, "eth1", "0")
	go func() { // the NIC appears, then its carrier
		time.Sleep(20 * time.Millisecond)
		os.Rename(filepath.Join(tmp, "eth1"), filepath.Join(sysnet, "eth1"))
		time.Sleep(20 * time.Millisecond)
		os.WriteFile(filepath.Join(sysnet, "eth1", "carrier"), []byte("1\n"), 0o644)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := nicsUp(ctx, sysnet, []string{"eth0", "eth1"}, up); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ups, ","); got != "eth0,eth1" {
		t.Errorf("nicsUp set up %q; want eth0,eth1", got)
	}
	upErr := errors.New("nic eth0: up: operation not permitted")
	if err := nicsUp(ctx, sysnet, []string{"eth0"}, func(string) error { return upErr }); !errors.Is(err, upErr) {
		t.Errorf("nicsUp with a failing up = %v; want %v", err, upErr)
	}
}

func TestNICsUpTimeout(t *testing.T) {
	sysnet := fakeSysNet(t, "0", "eth0", "lo")
	os.MkdirAll(filepath.Join(sysnet, "eth1"), 0o755) // no carrier file: the kernel's EINVAL while down
	up := func(string) error { return nil }
	for _, tc := range []struct{ nic, want string }{
		{"eth0", "nic eth0: no carrier (" + sysnet + "/eth0/carrier: 0): context deadline exceeded"},
		{"eth1", "nic eth1: no carrier (open " + sysnet + "/eth1/carrier: no such file or directory)"},
		{"eth7", "nic eth7: not there (NICs: eth0, eth1, lo): context deadline exceeded"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		err := nicsUp(ctx, sysnet, []string{tc.nic}, up)
		cancel()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nicsUp(%s) = %v; want an error with %q", tc.nic, err, tc.want)
		}
	}
}

// TestLoadModules loads the modules of an order file, in order, with
// their parameters from the command line.
func TestLoadModules(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "kernel"), 0o755)
	for _, f := range []string{"virtio.ko", "kernel/virtio-mmio.ko", "virtio_net.ko", "failover.ko"} {
		os.WriteFile(filepath.Join(dir, f), []byte("\x7fELF"), 0o644)
	}
	os.WriteFile(filepath.Join(dir, "order"), []byte("# dependencies first\nvirtio.ko\n\n  kernel/virtio-mmio.ko\nfailover.ko\nvirtio_net.ko\n"), 0o644)
	cmdline := `console=ttyS0 virtio_mmio.device=512@0xfeb00e00:12 virtio-mmio.device=512@0xfeb00c00:11 virtio_net.napi_tx=1 net.x="a b" ofbox.role=switch`
	var got []string
	load := func(f *os.File, params string) error {
		got = append(got, filepath.Base(f.Name())+" "+params)
		if filepath.Base(f.Name()) == "failover.ko" {
			return unix.EEXIST // built in or loaded before: fine
		}
		return nil
	}
	n, err := loadModules(dir, cmdline, load)
	want := []string{"virtio.ko ", "virtio-mmio.ko device=512@0xfeb00e00:12 device=512@0xfeb00c00:11", "failover.ko ", "virtio_net.ko napi_tx=1"}
	if err != nil || n != 3 || !cmp.Equal(got, want) {
		t.Errorf("loadModules = %d, %v, loads %q; want 3, nil, %q", n, err, got, want)
	}

	failing := func(f *os.File, params string) error { return unix.ENOEXEC }
	if _, err := loadModules(dir, "", failing); err == nil || !strings.Contains(err.Error(), "modules: load "+dir+"/virtio.ko: exec format error") {
		t.Errorf("loadModules with a failing load = %v; want the module and the error", err)
	}
	os.WriteFile(filepath.Join(dir, "order"), []byte("missing.ko\n"), 0o644)
	if _, err := loadModules(dir, "", load); err == nil || !strings.Contains(err.Error(), "missing.ko") {
		t.Errorf("loadModules with a missing module = %v; want an error naming it", err)
	}
	if n, err := loadModules(t.TempDir(), "", load); n != 0 || err != nil {
		t.Errorf("loadModules without an order file = %d, %v; want 0, nil", n, err)
	}
}

func TestModuleParams(t *testing.T) {
	cmdline := `a.x=1 a.y a-b.z="p q" ab.w=2 a. .x=3 a=4`
	for mod, want := range map[string]string{"a": "x=1 y", "a_b": `z="p q"`, "ab": "w=2", "c": ""} {
		if got := moduleParams(cmdline, mod); got != want {
			t.Errorf("moduleParams(%q) = %q; want %q", mod, got, want)
		}
	}
}

func TestReadyLine(t *testing.T) {
	got := readyLine("switch", "dpid=0x1 ports=1=eth1", 523*time.Millisecond+999*time.Microsecond)
	if want := "ofbox: ready role=switch dpid=0x1 ports=1=eth1 in 523 ms"; got != want {
		t.Errorf("readyLine = %q; want %q", got, want)
	}
	a := sinceBoot()
	time.Sleep(2 * time.Millisecond)
	if b := sinceBoot(); a <= 0 || b-a < 2*time.Millisecond {
		t.Errorf("sinceBoot = %v, then %v 2 ms later; want a positive clock that runs", a, b)
	}
}

// TestIntegrationIfUp sets a veth in a namespace up.
func TestIntegrationIfUp(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ip")
	ns := testnet.NewNS(t, "ifup")
	ctx := context.Background()
	if out, err := ns.Exec(ctx, "ip", "link", "add", "d0", "type", "veth", "peer", "name", "d1"); err != nil {
		t.Fatalf("ip link add: %v\n%s", err, out)
	}
	for range 2 { // the second time it is up already
		if err := ns.Do(func() error { return ifUp("d0") }); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := ns.Exec(ctx, "ip", "link", "show", "d0"); err != nil || !strings.Contains(out, ",UP") {
		t.Errorf("after ifUp(d0): %v\n%s; want it UP", err, out)
	}
	if err := ns.Do(func() error { return ifUp("ofbx-missing0") }); err == nil || !strings.Contains(err.Error(), "nic ofbx-missing0: up: no such device") {
		t.Errorf("ifUp(missing) = %v; want an error naming the NIC", err)
	}
}

func TestParseClockStall(t *testing.T) {
	for _, c := range []struct {
		name, log string
		want      time.Duration
	}{
		// The minimal kernel under TCG, APIC timer calibrated: 180 ms of stall.
		{"stall", "<6>[    0.373164] x\n<6>[    0.373164] sched_clock: Marking stable (352146652, 17099791)->(532350721, -163104278)\n<6>next\n",
			532350721*time.Nanosecond - 352146652*time.Nanosecond},
		// The same kernel ticking from the i8254: 12 ms before its first
		// tick (the lag the log's timestamps keep is no part of it).
		{"pit", "sched_clock: Marking stable (168107973, 10629413)->(180354142, -1616756)", 180354142*time.Nanosecond - 168107973*time.Nanosecond},
		// Clocks that agree.
		{"none", "sched_clock: Marking stable (81573554, 22789393)->(81573554, 0)", 0},
		// A raw clock behind the kernel's is no stall.
		{"behind", "sched_clock: Marking stable (90000000, 0)->(80000000, 10000000)", 0},
		{"absent", "<6>[    0.0] Linux version 6.1\n", 0},
		{"garbled", "sched_clock: Marking stable (12, x)->(1, 2)", 0},
		{"truncated", "sched_clock: Marking stable (352146652, 1709", 0},
	} {
		if got := parseClockStall([]byte(c.log)); got != c.want {
			t.Errorf("%s: parseClockStall = %v, want %v", c.name, got, c.want)
		}
	}
}
