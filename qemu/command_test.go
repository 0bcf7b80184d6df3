package qemu

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ofbox/ofbox/image"
)

// fakeImage writes an image directory with an empty kernel and initrd.
func fakeImage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"kernel", "initrd"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCommand(t *testing.T) {
	img := fakeImage(t)
	kernel, initrd := filepath.Join(img, "kernel"), filepath.Join(img, "initrd")
	// Every VM gets the host's TSC rate.
	tcgLine := BaseCmdline + " tsc_early_khz=" + strconv.FormatUint(TSCkHz(), 10)
	base := func(accel ...string) []string {
		line := tcgLine
		return append(append([]string{"qemu-system-x86_64", "-M", Machine}, accel...),
			"-m", "256", "-object", "memory-backend-memfd,id=ram,size=256M", "-machine", "memory-backend=ram", "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
			"-serial", "stdio", "-kernel", kernel, "-initrd", initrd, "-append", line+" ofbox.role=switch")
	}
	dgram := "dgram:127.0.0.1:5000,127.0.0.1:5001"
	for _, tc := range []struct {
		name  string
		cfg   VMConfig
		accel string
		want  []string
	}{
		{"tcg", VMConfig{Role: "switch", Image: img}, "tcg", base("-accel", "tcg", "-cpu", TCGCPU)},
		{"kvm", VMConfig{Role: "switch", Image: img}, "kvm", base("-accel", "kvm", "-cpu", "host")},
		{"memory and program", VMConfig{Role: "controller", Image: img, Memory: 512, QEMU: "/opt/qemu"}, "tcg", []string{
			"/opt/qemu", "-M", Machine, "-accel", "tcg", "-cpu", TCGCPU,
			"-m", "512", "-object", "memory-backend-memfd,id=ram,size=512M", "-machine", "memory-backend=ram", "-smp", "1", "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
			"-serial", "stdio", "-kernel", kernel, "-initrd", initrd, "-append", tcgLine + " ofbox.role=controller"}},
		{"params", VMConfig{Role: "switch", Image: img, Params: []string{"ofbox.ip=10.0.0.2/24", "ofbox.gw=", "ofbox.ports=eth1,eth2"}}, "tcg",
			append(base("-accel", "tcg", "-cpu", TCGCPU)[:26], tcgLine+" ofbox.role=switch ofbox.ip=10.0.0.2/24 ofbox.gw= ofbox.ports=eth1,eth2")},
		{"nics", VMConfig{Role: "switch", Image: img, NICs: []string{dgram, "tap:ofbx0", "dgram:localhost:7,vm2:8"}}, "kvm",
			append(base("-accel", "kvm", "-cpu", "host"),
				"-netdev", "dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=5000,remote.type=inet,remote.host=127.0.0.1,remote.port=5001",
				"-device", "virtio-net-device,netdev=n0,mac="+MAC(0, dgram),
				"-netdev", "tap,id=n1,ifname=ofbx0,script=no,downscript=no",
				"-device", "virtio-net-device,netdev=n1,mac="+MAC(1, "tap:ofbx0"),
				"-netdev", "dgram,id=n2,local.type=inet,local.host=localhost,local.port=7,remote.type=inet,remote.host=vm2,remote.port=8",
				"-device", "virtio-net-device,netdev=n2,mac="+MAC(2, "dgram:localhost:7,vm2:8"))},
	} {
		got, err := Command(tc.cfg, tc.accel)
		if err != nil {
			t.Errorf("%s: Command(%+v, %s) error %v", tc.name, tc.cfg, tc.accel, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: Command(%+v, %s) argv (-want +got):\n%s", tc.name, tc.cfg, tc.accel, diff)
		}
	}
}

// TestCommandImageParams checks that the image's own kernel parameters
// (image.json's cmdline) come before the ofbox keys.
func TestCommandImageParams(t *testing.T) {
	img := fakeImage(t)
	res := image.Result{Kernel: "debian", Cmdline: "cryptomgr.notests"}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(img, "image.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Command(VMConfig{Role: "controller", Kernel: "debian", Image: img, Params: []string{"ofbox.log=debug"}}, "tcg")
	if err != nil {
		t.Fatal(err)
	}
	want := BaseCmdline + " tsc_early_khz=" + strconv.FormatUint(TSCkHz(), 10) + " cryptomgr.notests ofbox.role=controller ofbox.log=debug"
	if line := got[len(got)-1]; line != want {
		t.Errorf("kernel command line\n got %q\nwant %q", line, want)
	}

	if err := os.WriteFile(filepath.Join(img, "image.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Command(VMConfig{Role: "controller", Kernel: "debian", Image: img}, "tcg")
	if err == nil || !strings.Contains(err.Error(), "image.json") || !strings.Contains(err.Error(), "ofbox image --kernel debian") {
		t.Errorf("Command with a broken image.json: error %v, want one naming image.json and how to rebuild", err)
	}
}

// TestCommandNoACPI: an image whose kernel boots without ACPI gets the
// machine without ACPI tables, its own parameters, and under TCG alone the
// i8254 for its timer.
func TestCommandNoACPI(t *testing.T) {
	img := fakeImage(t)
	b, err := json.Marshal(image.Result{Kernel: "minimal", Cmdline: "acpi=off reboot=t", NoACPI: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(img, "image.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	line := BaseCmdline + " tsc_early_khz=" + strconv.FormatUint(TSCkHz(), 10) + " acpi=off reboot=t"
	for accel, want := range map[string]string{
		"tcg": line + " noapictimer ofbox.role=switch",
		"kvm": line + " ofbox.role=switch",
	} {
		got, err := Command(VMConfig{Role: "switch", Image: img}, accel)
		if err != nil {
			t.Fatal(err)
		}
		if got[1] != "-M" || got[2] != MachineNoACPI {
			t.Errorf("%s: machine %q %q; want -M %q", accel, got[1], got[2], MachineNoACPI)
		}
		if got[len(got)-1] != want {
			t.Errorf("%s: kernel command line\n got %q\nwant %q", accel, got[len(got)-1], want)
		}
	}
}

// TestTSCkHz checks the measured rate against the range of real x86 TSCs.
func TestTSCkHz(t *testing.T) {
	if khz := TSCkHz(); khz < 500_000 || khz > 10_000_000 {
		t.Errorf("TSCkHz() = %d kHz, outside 0.5-10 GHz", khz)
	}
}

func TestCommandErrors(t *testing.T) {
	img := fakeImage(t)
	noInitrd := t.TempDir()
	os.WriteFile(filepath.Join(noInitrd, "kernel"), nil, 0o644)
	dirKernel := t.TempDir()
	os.Mkdir(filepath.Join(dirKernel, "kernel"), 0o755)
	os.WriteFile(filepath.Join(dirKernel, "initrd"), nil, 0o644)
	t.Chdir(t.TempDir()) // so the default image directory does not exist

	ok := VMConfig{Role: "switch", Image: img}
	with := func(f func(*VMConfig)) VMConfig { c := ok; f(&c); return c }
	for _, tc := range []struct {
		cfg   VMConfig
		accel string
		want  string // in the error
	}{
		{ok, "auto", `accel "auto": want kvm or tcg`},
		{ok, "", `accel "": want kvm or tcg`},
		{with(func(c *VMConfig) { c.Role = "" }), "tcg", "no role: want controller or switch"},
		{with(func(c *VMConfig) { c.Role = "router" }), "tcg", `role "router": want controller or switch`},
		{with(func(c *VMConfig) { c.Kernel = "alpine" }), "tcg", `kernel "alpine": want minimal or debian`},
		{with(func(c *VMConfig) { c.Accel = "hvf" }), "tcg", `accel "hvf": want auto, kvm or tcg`},
		{with(func(c *VMConfig) { c.Memory = 16 }), "tcg", "memory 16 MiB: want at least 64"},
		{with(func(c *VMConfig) { c.Memory = -1 }), "tcg", "memory -1 MiB: want at least 64"},
		{with(func(c *VMConfig) { c.Params = []string{"ip=10.0.0.2/24"} }), "tcg", `kernel parameter "ip=10.0.0.2/24": want ofbox.key=value`},
		{with(func(c *VMConfig) { c.Params = []string{"ofbox.ip"} }), "tcg", `kernel parameter "ofbox.ip": want ofbox.key=value`},
		{with(func(c *VMConfig) { c.Params = []string{"ofbox.=1"} }), "tcg", `kernel parameter "ofbox.=1": want ofbox.key=value`},
		{with(func(c *VMConfig) { c.Params = []string{"ofbox.IP=1"} }), "tcg", `kernel parameter "ofbox.IP=1": want ofbox.key=value`},
		{with(func(c *VMConfig) { c.Params = []string{"ofbox.ok=1", "ofbox.app=a b"} }), "tcg", `kernel parameter "ofbox.app=a b": want ofbox.key=value with no spaces or quotes`},
		{with(func(c *VMConfig) { c.Params = []string{`ofbox.app="x"`} }), "tcg", `no spaces or quotes`},
		{with(func(c *VMConfig) { c.Params = []string{"ofbox.role=controller"} }), "tcg", `kernel parameter "ofbox.role=controller": the role has its own setting`},
		{with(func(c *VMConfig) { c.NICs = []string{"eth0"} }), "tcg", `nic "eth0": want dgram:LOCALHOST:PORT,REMOTEHOST:PORT or tap:NAME`},
		{with(func(c *VMConfig) { c.NICs = []string{"packet:eth0"} }), "tcg", `nic "packet:eth0": want dgram:`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram:127.0.0.1:5000"} }), "tcg", `nic "dgram:127.0.0.1:5000": want dgram:`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram:127.0.0.1,127.0.0.1:5001"} }), "tcg", `local address "127.0.0.1": want HOST:PORT`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram:127.0.0.1:5000,127.0.0.1:0"} }), "tcg", `remote address "127.0.0.1:0": port "0": want 1 to 65535`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram:127.0.0.1:70000,127.0.0.1:1"} }), "tcg", `port "70000": want 1 to 65535`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram::5000,127.0.0.1:1"} }), "tcg", `local address ":5000": want an IPv4 address or host name`},
		{with(func(c *VMConfig) { c.NICs = []string{"dgram:[::1]:5000,[::1]:5001"} }), "tcg", `local address "[::1]:5000": want an IPv4 address or host name`},
		{with(func(c *VMConfig) { c.NICs = []string{"tap:"} }), "tcg", `tap name "": want an interface name of 1 to 15 characters`},
		{with(func(c *VMConfig) { c.NICs = []string{"tap:averyveryverylongname"} }), "tcg", `want an interface name of 1 to 15`},
		{with(func(c *VMConfig) { c.NICs = []string{"tap:a,script=/bin/evil"} }), "tcg", `want an interface name`},
		{VMConfig{Role: "switch"}, "tcg", "image out/image/minimal: kernel: stat out/image/minimal/kernel: no such file or directory; build the image with `ofbox image --kernel minimal`"},
		{VMConfig{Role: "switch", Kernel: "debian"}, "tcg", "image out/image/debian: kernel: stat out/image/debian/kernel: no such file or directory; build the image with `ofbox image --kernel debian`"},
		{VMConfig{Role: "switch", Image: noInitrd}, "tcg", "initrd: stat " + noInitrd + "/initrd: no such file or directory; build the image with `ofbox image --kernel minimal --out " + noInitrd + "`"},
		{VMConfig{Role: "switch", Image: dirKernel}, "tcg", "kernel: not a regular file"},
	} {
		argv, err := Command(tc.cfg, tc.accel)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "qemu: ") {
			t.Errorf("Command(%+v, %q) = %q, %v; want an error with %q", tc.cfg, tc.accel, argv, err, tc.want)
		}
	}
}

func TestCheckNICAndParam(t *testing.T) {
	for _, s := range []string{"dgram:127.0.0.1:1,127.0.0.1:65535", "dgram:localhost:5000,localhost:5001", "tap:tap0", "tap:ofbx-sw1.p1"} {
		if err := CheckNIC(s); err != nil {
			t.Errorf("CheckNIC(%q) = %v; want nil", s, err)
		}
	}
	for _, s := range []string{"", "tap", "dgram:", "tap:a b", "dgram:a:1,b:2,c:3", "udp:127.0.0.1:1,127.0.0.1:2"} {
		if err := CheckNIC(s); err == nil {
			t.Errorf("CheckNIC(%q) = nil; want an error", s)
		}
	}
	for _, s := range []string{"ofbox.ip=10.0.0.2/24", "ofbox.gw=", "ofbox.controller=tcp:10.0.0.1:6653,tls:10.0.0.3:6653", "ofbox.log=debug", "ofbox.x_y-z.1=v"} {
		if err := CheckParam(s); err != nil {
			t.Errorf("CheckParam(%q) = %v; want nil", s, err)
		}
	}
}

func TestMAC(t *testing.T) {
	mac := regexp.MustCompile(`^52:54:00(:[0-9a-f]{2}){3}$`)
	specs := []string{"dgram:127.0.0.1:5000,127.0.0.1:5001", "dgram:127.0.0.1:5002,127.0.0.1:5003", "tap:ofbx0", "tap:ofbx1"}
	seen := map[string]string{}
	for i := range 3 {
		for _, s := range specs {
			m := MAC(i, s)
			if !mac.MatchString(m) {
				t.Errorf("MAC(%d, %q) = %s; want 52:54:00:xx:xx:xx", i, s, m)
			}
			if again := MAC(i, s); again != m {
				t.Errorf("MAC(%d, %q) = %s, then %s; want the same", i, s, m, again)
			}
			key := s + " " + string(rune('0'+i))
			for k, v := range seen {
				if v == m {
					t.Errorf("MAC(%s) = MAC(%s) = %s; want them different", key, k, m)
				}
			}
			seen[key] = m
		}
	}
}
