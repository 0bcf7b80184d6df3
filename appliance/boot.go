package appliance

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Boot is PID 1 in the VM: it mounts the kernel's file systems, loads the
// initramfs's kernel modules, reads the Config from the kernel command
// line, brings the NICs up and runs the role, printing one line
// `ofbox: ready role=R ... in N ms` on the console when it serves (N: ms
// since the kernel started). When the role ends, for an error or a
// signal, or when a boot step fails, Boot logs why, syncs and powers the VM
// off. It never returns: PID 1 must not exit.
//
// The environment and flags do not apply: the kernel command line is the
// VM's only source. See vmConfig for the VM's defaults.
func Boot() {
	var level slog.LevelVar
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: &level}))
	err := boot(log, &level)
	if err != nil {
		log.Error("ofbox stopped", "err", err)
	}
	powerOff(log)
}

// mount is one file system Boot mounts; a fatal one ends the boot.
type mount struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
	fatal                  bool
}

// mounts are the VM's file systems. /proc and /sys are fatal: Boot reads
// the command line and the NICs there. /dev is best-effort: the kernel
// opened /dev/console from the initramfs already and nothing else in /dev
// is needed; /run and /tmp are for whatever might want them.
var mounts = []mount{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", true},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", true},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755", false},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755", false},
	{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777", false},
}

// boot runs the boot steps and the role; it sets level to the configured
// log level once it has read the Config.
func boot(log *slog.Logger, level *slog.LevelVar) error {
	start := sinceBoot()
	for _, m := range mounts {
		if err := m.mount(); err != nil {
			if m.fatal {
				return err
			}
			log.Warn("mount failed", "target", m.target, "err", err)
		}
	}
	if err := console(); err != nil {
		log.Warn("console not reopened", "err", err)
	}
	go reap()
	// Ctrl-Alt-Del becomes SIGINT to PID 1 instead of an instant reboot.
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_CAD_OFF); err != nil {
		log.Warn("ctrl-alt-del not handed to ofbox", "err", err)
	}
	cmdline, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return fmt.Errorf("read kernel command line: %w", err)
	}
	t0 := time.Now()
	nmod, err := loadModules(modulesDir, string(cmdline), finitModule)
	if err != nil {
		return err
	}
	tmod := time.Since(t0)
	cfg, err := vmConfig(string(cmdline), sysNet)
	if err != nil {
		return err
	}
	level.Set(cfg.Log)
	log.Debug("modules loaded", "init_ms", start.Milliseconds(), "count", nmod, "took", tmod, "boot_ms", sinceBoot().Milliseconds())
	// The kernel's loopback serves only a role on the kernel's stack; a
	// gVisor stack has its own (bringing lo up took 3-13 ms under TCG).
	if cfg.Stack != StackGVisor {
		if err := ifUp("lo"); err != nil {
			log.Warn("loopback not up", "err", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), carrierTimeout)
	t0 = time.Now()
	err = nicsUp(ctx, sysNet, vmNICs(cfg), ifUp)
	cancel()
	if err != nil {
		return err
	}
	log.Debug("nics up", "nics", vmNICs(cfg), "took", time.Since(t0), "boot_ms", sinceBoot().Milliseconds())
	return runVM(cfg, log)
}

// runVM runs the role until it fails or a signal ends it.
func runVM(cfg Config, log *slog.Logger) error {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGPWR)
	go func() {
		sig := <-sigs
		cancel(fmt.Errorf("signal %v", sig))
	}()
	go consoleCommands(os.Stdin, cancel, log)
	cfg.Ready = func(role, details string) {
		fmt.Fprintln(os.Stdout, readyLine(role, details, sinceBoot()+clockStall()))
	}
	// The ready line says what the role's own status line would.
	if err := Run(ctx, cfg, io.Discard, os.Stderr); err != nil {
		return err
	}
	log.Info("role stopped", "why", context.Cause(ctx))
	return nil
}

func (m mount) mount() error {
	if err := os.MkdirAll(m.target, 0o755); err != nil {
		return fmt.Errorf("mount %s: %w", m.target, err)
	}
	err := unix.Mount(m.source, m.target, m.fstype, m.flags, m.data)
	if err != nil && !errors.Is(err, unix.EBUSY) { // EBUSY: mounted already
		return fmt.Errorf("mount %s on %s: %w", m.fstype, m.target, err)
	}
	return nil
}

// console makes /dev/console stdin, stdout and stderr unless the kernel
// did (it does when the initramfs has /dev/console).
func console() error {
	if _, err := unix.FcntlInt(1, unix.F_GETFD, 0); err == nil {
		return nil
	}
	fd, err := unix.Open("/dev/console", unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fmt.Errorf("open /dev/console: %w", err)
	}
	for _, to := range []int{0, 1, 2} {
		if fd != to {
			if err := unix.Dup3(fd, to, 0); err != nil {
				return fmt.Errorf("dup /dev/console: %w", err)
			}
		}
	}
	if fd > 2 {
		unix.Close(fd)
	}
	return nil
}

// reap waits for the children that end: PID 1 inherits every orphan, and
// an unreaped one stays a zombie.
func reap() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGCHLD)
	for range c {
		for {
			pid, err := unix.Wait4(-1, nil, unix.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}

// powerOff syncs and powers the VM off; QEMU then exits. Should that fail,
// PID 1 still must not exit (the kernel would panic), so it waits.
func powerOff(log *slog.Logger) {
	cmdline, _ := os.ReadFile("/proc/cmdline")
	how := powerOffCmd(string(cmdline))
	unix.Sync()
	// The serial driver sends what we wrote from a buffer: wait until it
	// is out (tcdrain), or the last lines, the why of the power-off,
	// never reach the console.
	for _, fd := range []int{1, 2} {
		unix.IoctlSetInt(fd, unix.TCSBRK, 1)
	}
	err := unix.Reboot(how)
	log.Error("power off failed", "err", err)
	for {
		time.Sleep(time.Hour)
	}
}

// powerOffCmd is the reboot(2) command that ends the VM whose kernel has
// cmdline. A kernel booted with acpi=off (the minimal image's) has no way
// to power the machine off: asked to, it halts instead, and with it PID 1,
// which panics the kernel. It restarts the VM instead, which ends it as a
// power-off does: `ofbox vm` runs QEMU with -no-reboot, and the image's
// reboot=t makes the restart immediate. Anything else powers off; in a PID
// namespace either command only ends the namespace's init. As in the
// kernel, the last acpi= counts.
func powerOffCmd(cmdline string) int {
	acpi := ""
	for _, a := range splitCmdline(cmdline) {
		if a.key == "acpi" {
			acpi = a.val
		}
	}
	if acpi == "off" {
		return unix.LINUX_REBOOT_CMD_RESTART
	}
	return unix.LINUX_REBOOT_CMD_POWER_OFF
}

// consoleCommands reads lines typed on the console: "poweroff" (or "halt")
// ends the role as SIGTERM does, so that whoever holds the serial line (QEMU's
// -serial stdio, qemu.VM.PowerOff) can shut the appliance down cleanly.
// Other lines are answered with what is understood.
func consoleCommands(r io.Reader, cancel context.CancelCauseFunc, log *slog.Logger) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		switch cmd := strings.TrimSpace(sc.Text()); cmd {
		case "":
		case "poweroff", "halt":
			cancel(fmt.Errorf("%s typed on the console", cmd))
			return
		default:
			log.Warn("console command not understood", "command", cmd, "accepted", "poweroff, halt")
		}
	}
}
