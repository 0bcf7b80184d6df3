// Package qemu builds QEMU command lines for ofbox VMs and runs them: a
// `-M microvm` machine with a serial console, the image's kernel and
// initramfs, the role and its settings on the kernel command line, and
// virtio-net NICs on virtio-mmio joined to QEMU dgram sockets or TAPs.
//
// Start boots a VM, streams its console and notices the appliance's
// `ofbox: ready role=R ... in N ms` line; under Accel "auto" a boot that
// hangs under (nested) KVM is retried under TCG.
package qemu

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ofbox/ofbox/image"
)

// VMConfig describes one VM.
type VMConfig struct {
	Role    string   // controller|switch
	Image   string   // dir as image writes it; default image.DefaultDir(Kernel)
	Kernel  string   // minimal|debian; default minimal
	Accel   string   // auto|kvm|tcg; default auto
	NICs    []string // dgram:LOCAL,REMOTE | tap:NAME  (virtio-net-device on virtio-mmio)
	Params  []string // extra ofbox.key=value for the kernel command line
	Memory  int      // MiB, default 256
	Console io.Writer

	// QEMU is the program to run; default qemu-system-x86_64 on PATH.
	QEMU string
	// KVMTimeout is how long Accel "auto" waits for the ready line under
	// KVM before it kills QEMU and boots again under TCG; default 10 s.
	KVMTimeout time.Duration
	// KVMDevice is the device whose read-write open means KVM is usable;
	// default /dev/kvm.
	KVMDevice string
}

// Defaults.
const (
	DefaultMemory     = 256 // MiB
	DefaultKernel     = "minimal"
	DefaultQEMU       = "qemu-system-x86_64"
	DefaultKVMTimeout = 10 * time.Second
	DefaultKVMDevice  = "/dev/kvm"
	minMemory         = 64 // MiB: the kernel, the initramfs unpacked and the Go runtime
)

// Machine is the -M argument for a kernel that boots with ACPI (Debian's).
// microvm keeps only what an ofbox VM uses:
//   - acpi=on: the kernel powers the VM off through ACPI (without it a
//     poweroff hangs), and the Debian kernel finds the virtio-mmio devices in
//     the ACPI tables (it lacks VIRTIO_MMIO_CMDLINE_DEVICES);
//   - rtc=on: without the RTC the kernel waits 1 s for it twice (measured
//     under TCG on the Debian 6.1 cloud kernel: ready at ~1.2 s with it,
//     ~2.5 s without);
//   - pit=on: the i8254, which the kernel's early CPU calibration reads in
//     a few ms (without it the calibration spins until it gives up: 0.1 s
//     or more under TCG, before the kernel's clock starts); pic=off: the
//     local APIC and the IO-APIC do without the 8259;
//   - isa-serial=on: the console, ttyS0;
//   - x-option-roms=off: nothing to boot from but -kernel.
const Machine = "microvm,acpi=on,rtc=on,pit=on,pic=off,isa-serial=on,x-option-roms=off"

// MachineNoACPI is the -M argument for an image whose kernel boots without
// ACPI (image.Result.NoACPI: the minimal kernel). With ACPI, microvm is a
// hardware-reduced ACPI machine: the kernel ignores its i8254 and i8259,
// and its one timer is the local APIC's, which it calibrates for 100 ms
// under TCG. Without ACPI tables the kernel reads the MP table, finds the
// i8259 (pic=on) and so the legacy IRQs, and routes the i8254's IRQ 0
// through the IO-APIC; microvm puts the virtio-mmio devices on the kernel
// command line instead. The rest is as in Machine.
const MachineNoACPI = "microvm,acpi=off,rtc=on,pit=on,pic=on,isa-serial=on,x-option-roms=off"

// tcgNoACPIParams are added to the command line of a kernel without ACPI
// under TCG: it ticks from the i8254 instead of its local APIC timer, so
// it skips that timer's 100 ms calibration (TCG has no TSC-deadline mode,
// which needs none). Measured under TCG, 10 boots each, interleaved:
// ready median 765 -> 608 ms, launch to ready 961 -> 811 ms, against ACPI
// and the APIC timer. Under KVM the APIC timer has its TSC-deadline mode
// and stays.
const tcgNoACPIParams = "noapictimer"

// BaseCmdline starts every VM's kernel command line. tsc_early_khz (added
// by Cmdline: the host's rate) and tsc=reliable spare TCG a clock
// calibration that can hang; trust_cpu with RDRAND (-cpu host, or -cpu max
// under TCG) spares Go a 1 s entropy stall.
const BaseCmdline = "console=ttyS0 quiet panic=-1 tsc=reliable random.trust_cpu=on"

// TCGCPU is the -cpu of TCG: every feature TCG has (RDRAND among them) but
// ERMS. With ERMS the kernel and Go copy and clear memory with `rep movsb`
// and `rep stosb`, which TCG runs a byte at a time; without it they move 8
// bytes a step (measured: 35 ms sooner to ready, of 370).
const TCGCPU = "max,-erms"

// fallbackTSCkHz is the guest's TSC rate where the host's cannot be
// measured (a host without a readable time-stamp counter).
const fallbackTSCkHz = 2600000

// TSCkHz is the rate of the host's time-stamp counter in kHz, measured once;
// the VM's kernel gets it as tsc_early_khz. Under TCG the guest's RDTSC
// reads the host's counter: told any other rate, the guest's clock, and so
// the boot time a VM reports, is off by the ratio (2.6 GHz on a 2.3 GHz
// host read 12% short).
var TSCkHz = sync.OnceValue(func() uint64 {
	if khz, ok := hostTSCkHz(); ok && khz > 100000 {
		return khz
	}
	return fallbackTSCkHz
})

// cmdline returns the kernel command line of a VM of role under accel:
// BaseCmdline, the host's TSC rate, the image's own parameters
// (image.Result.Cmdline, and tcgNoACPIParams where they apply) and then
// params.
func cmdline(role, accel string, img image.Result, params []string) string {
	s := BaseCmdline + " tsc_early_khz=" + strconv.FormatUint(TSCkHz(), 10)
	if img.Cmdline != "" {
		s += " " + img.Cmdline
	}
	if img.NoACPI && accel == "tcg" {
		s += " " + tcgNoACPIParams
	}
	s += " ofbox.role=" + role
	for _, p := range params {
		s += " " + p
	}
	return s
}

// Command returns the QEMU argv (program first) for cfg under accel, kvm or
// tcg. It checks the configuration and that the image's kernel and initrd
// exist.
func Command(cfg VMConfig, accel string) ([]string, error) {
	var accelArgs []string
	switch accel {
	case "kvm":
		accelArgs = []string{"-accel", "kvm", "-cpu", "host"}
	case "tcg":
		accelArgs = []string{"-accel", "tcg", "-cpu", TCGCPU}
	default:
		return nil, fmt.Errorf("qemu: accel %q: want kvm or tcg", accel)
	}
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	kernel, initrd, img, err := imageFiles(cfg)
	if err != nil {
		return nil, err
	}
	for _, p := range cfg.Params {
		if err := CheckParam(p); err != nil {
			return nil, fmt.Errorf("qemu: kernel parameter %q: %w", p, err)
		}
	}
	cmdline := cmdline(cfg.Role, accel, img, cfg.Params)
	machine := Machine
	if img.NoACPI {
		machine = MachineNoACPI
	}
	argv := []string{cfg.QEMU, "-M", machine}
	argv = append(argv, accelArgs...)
	argv = append(argv,
		"-m", strconv.Itoa(cfg.Memory), "-object", ramBackend(cfg.Memory), "-machine", "memory-backend=ram", "-smp", "1",
		"-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
		"-serial", "stdio",
		"-kernel", kernel, "-initrd", initrd, "-append", cmdline)
	for i, spec := range cfg.NICs {
		netdev, err := netdevArg(i, spec)
		if err != nil {
			return nil, fmt.Errorf("qemu: nic %q: %w", spec, err)
		}
		argv = append(argv, "-netdev", netdev,
			"-device", fmt.Sprintf("virtio-net-device,netdev=n%d,mac=%s", i, MAC(i, spec)))
	}
	return argv, nil
}

// ramBackend is the -object that holds a VM's RAM of mib MiB: a memfd,
// that is shared memory, which the host backs with 4 KiB pages. QEMU asks
// for transparent huge pages for the RAM it allocates itself, and a huge
// page must be a free 2 MiB block: on a host that hands such blocks back
// to its own hypervisor when they sit free (free page reporting, as on the
// cloud VMs this is measured on), every one the guest touches first is
// faulted back in from there. Measured under TCG on the minimal kernel, 8
// boots each after a 4 s pause: ready median 685 ms with QEMU's own RAM,
// 625 ms with a memfd; back to back 626 and 569 ms (Debian's kernel 1778
// and 1558 ms): the memfd also ends the spread between boots.
func ramBackend(mib int) string {
	return "memory-backend-memfd,id=ram,size=" + strconv.Itoa(mib) + "M"
}

// withDefaults fills in cfg's defaults and checks its scalar fields.
func withDefaults(cfg VMConfig) (VMConfig, error) {
	switch cfg.Role {
	case "controller", "switch":
	case "":
		return cfg, errors.New("qemu: no role: want controller or switch")
	default:
		return cfg, fmt.Errorf("qemu: role %q: want controller or switch", cfg.Role)
	}
	if cfg.Kernel == "" {
		cfg.Kernel = DefaultKernel
	}
	if cfg.Kernel != "minimal" && cfg.Kernel != "debian" {
		return cfg, fmt.Errorf("qemu: kernel %q: want minimal or debian", cfg.Kernel)
	}
	if cfg.Image == "" {
		cfg.Image = image.DefaultDir(cfg.Kernel)
	}
	if cfg.Accel == "" {
		cfg.Accel = "auto"
	}
	if cfg.Accel != "auto" && cfg.Accel != "kvm" && cfg.Accel != "tcg" {
		return cfg, fmt.Errorf("qemu: accel %q: want auto, kvm or tcg", cfg.Accel)
	}
	if cfg.Memory == 0 {
		cfg.Memory = DefaultMemory
	}
	if cfg.Memory < minMemory {
		return cfg, fmt.Errorf("qemu: memory %d MiB: want at least %d", cfg.Memory, minMemory)
	}
	if cfg.QEMU == "" {
		cfg.QEMU = DefaultQEMU
	}
	if cfg.KVMTimeout <= 0 {
		cfg.KVMTimeout = DefaultKVMTimeout
	}
	if cfg.KVMDevice == "" {
		cfg.KVMDevice = DefaultKVMDevice
	}
	if cfg.Console == nil {
		cfg.Console = io.Discard
	}
	return cfg, nil
}

// imageFiles returns the image's kernel, initrd and image.json (the zero
// Result for an image from before image.json), or an error that says how
// to build the image.
func imageFiles(cfg VMConfig) (kernel, initrd string, img image.Result, err error) {
	build := "ofbox image --kernel " + cfg.Kernel
	if cfg.Image != image.DefaultDir(cfg.Kernel) {
		build += " --out " + cfg.Image
	}
	kernel, initrd = filepath.Join(cfg.Image, "kernel"), filepath.Join(cfg.Image, "initrd")
	for _, f := range []string{kernel, initrd} {
		st, err := os.Stat(f)
		if err == nil && !st.Mode().IsRegular() {
			err = errors.New("not a regular file")
		}
		if err != nil {
			return "", "", img, fmt.Errorf("qemu: image %s: %s: %w; build the image with `%s`",
				cfg.Image, filepath.Base(f), err, build)
		}
	}
	res, err := image.ReadResult(cfg.Image)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return kernel, initrd, img, nil // an image from before image.json
	case err != nil:
		return "", "", img, fmt.Errorf("qemu: %w; build the image again with `%s`", err, build)
	}
	return kernel, initrd, *res, nil
}

// CheckParam checks one extra kernel parameter: ofbox.KEY=VALUE with a
// key of lower-case letters, digits, '_', '-' and '.', and a value without
// spaces or quotes. The role has its own field.
func CheckParam(p string) error {
	key, value, ok := strings.Cut(p, "=")
	name, isOfbox := strings.CutPrefix(key, "ofbox.")
	switch {
	case !ok || !isOfbox || name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789_-.") != "":
		return errors.New("want ofbox.key=value")
	case strings.ContainsAny(value, " \t\n\"'"):
		return errors.New("want ofbox.key=value with no spaces or quotes in the value")
	case key == "ofbox.role":
		return errors.New("the role has its own setting (--role, VMConfig.Role)")
	}
	return nil
}

// CheckNIC checks a NIC spec: dgram:LOCAL,REMOTE (HOST:PORT each) or
// tap:NAME.
func CheckNIC(spec string) error {
	_, err := netdevArg(0, spec)
	return err
}

// nicForms names the NIC specs Command accepts, for errors.
const nicForms = "want dgram:LOCALHOST:PORT,REMOTEHOST:PORT or tap:NAME"

// netdevArg returns the -netdev argument, id nI, for a NIC spec.
func netdevArg(i int, spec string) (string, error) {
	kind, rest, _ := strings.Cut(spec, ":")
	switch kind {
	case "dgram":
		local, remote, ok := strings.Cut(rest, ",")
		if !ok {
			return "", errors.New(nicForms)
		}
		lh, lp, err := inetAddr(local)
		if err != nil {
			return "", fmt.Errorf("local %w; %s", err, nicForms)
		}
		rh, rp, err := inetAddr(remote)
		if err != nil {
			return "", fmt.Errorf("remote %w; %s", err, nicForms)
		}
		return fmt.Sprintf("dgram,id=n%d,local.type=inet,local.host=%s,local.port=%s,remote.type=inet,remote.host=%s,remote.port=%s",
			i, lh, lp, rh, rp), nil
	case "tap":
		if rest == "" || len(rest) > 15 || strings.ContainsAny(rest, " \t\n/,=:") {
			return "", fmt.Errorf("tap name %q: want an interface name of 1 to 15 characters; %s", rest, nicForms)
		}
		return fmt.Sprintf("tap,id=n%d,ifname=%s,script=no,downscript=no", i, rest), nil
	}
	return "", errors.New(nicForms)
}

// inetAddr splits HOST:PORT for a dgram socket.
func inetAddr(s string) (host, port string, err error) {
	host, port, err = net.SplitHostPort(s)
	if err != nil {
		return "", "", fmt.Errorf("address %q: want HOST:PORT", s)
	}
	if host == "" || strings.ContainsAny(host, ", \t\n=:") {
		// QEMU 7.2's dgram netdev resolves hosts with gethostbyname: IPv4 only.
		return "", "", fmt.Errorf("address %q: want an IPv4 address or host name", s)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", "", fmt.Errorf("address %q: port %q: want 1 to 65535", s, port)
	}
	return host, port, nil
}

// MAC returns the guest MAC of the i-th NIC with spec: QEMU's 52:54:00
// prefix and three bytes hashed from the index and the spec. It is the same
// on every boot, and VMs on one network differ because their specs name
// different sockets or TAPs.
func MAC(i int, spec string) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%d %s", i, spec)
	s := h.Sum32()
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", byte(s>>16), byte(s>>8), byte(s))
}
