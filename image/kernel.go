package image

import (
	"bufio"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// minimalConfig is the fragment merged over `make tinyconfig`.
//
//go:embed minimal.config
var minimalConfig string

// kernelSource is the Debian package's source tarball of Linux 6.1.
const kernelSource = "/usr/src/linux-source-6.1.tar.xz"

// kernel is what a kernel build or lookup gives the image: the file QEMU
// boots and the modules the initramfs must carry.
type kernel struct {
	path    string
	version string
	mods    []module
	cmdline string      // Result.Cmdline
	noACPI  bool        // Result.NoACPI
	initrd  compression // what the initramfs is compressed with
}

// minimalCmdline is the minimal kernel's image.json cmdline. The kernel
// boots without ACPI (NoACPI): QEMU's microvm with ACPI is a
// hardware-reduced ACPI machine, whose only timer is the local APIC's,
// and that timer costs a 100 ms calibration under TCG (no TSC-deadline
// timer there). Without ACPI the kernel finds the i8254 and i8259 through
// the MP table and its NICs on the command line (QEMU adds
// virtio_mmio.device=), and the launcher can take the APIC timer away
// (noapictimer) so that the i8254 ticks: ready about 150 ms sooner under
// TCG. Without ACPI the kernel cannot power the VM off, so the appliance
// restarts it instead and QEMU, run with -no-reboot, exits; reboot=t
// makes that restart a triple fault at once (the default first polls a
// keyboard controller microvm lacks). no_timer_check spares the 16 ms
// check that the i8254's interrupt arrives: it does on every machine
// `ofbox vm` builds.
const minimalCmdline = "acpi=off reboot=t no_timer_check"

// newMinimal is the minimal kernel at path.
func newMinimal(path, version string) *kernel {
	return &kernel{path: path, version: version, cmdline: minimalCmdline, noACPI: true, initrd: compressZstd}
}

// minimalKernel returns the minimal kernel, building it once into the
// cache (os.UserCacheDir()/ofbox/kernel/KEY, KEY a hash of the source
// tarball's identity and the config fragment).
func minimalKernel(ctx context.Context, progress io.Writer) (*kernel, error) {
	st, err := os.Stat(kernelSource)
	if err != nil {
		return nil, fmt.Errorf("minimal kernel: %w (as root: apt-get install -y --no-install-recommends linux-source-6.1 gcc libc6-dev make bc bison flex libelf-dev xz-utils zstd)", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %d %d\n%s", kernelSource, st.Size(), st.ModTime().Unix(), minimalConfig)
	key := hex.EncodeToString(h.Sum(nil))[:16]
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	dir := filepath.Join(cache, "ofbox", "kernel", key)
	out := filepath.Join(dir, "bzImage")
	if b, err := os.ReadFile(filepath.Join(dir, "version")); err == nil {
		if _, err := os.Stat(out); err == nil {
			fmt.Fprintf(progress, "ofbox image: minimal kernel %s from the cache %s\n", strings.TrimSpace(string(b)), dir)
			return newMinimal(out, strings.TrimSpace(string(b))), nil
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	defer os.RemoveAll(work)
	version, err := buildKernel(ctx, work, progress)
	if err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	stage := filepath.Join(work, "out")
	if err := os.MkdirAll(stage, 0o755); err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	src := filepath.Join(work, "linux-source-6.1")
	for _, f := range [][2]string{{"arch/x86/boot/bzImage", "bzImage"}, {".config", "config"}} {
		if err := copyFile(filepath.Join(src, f[0]), filepath.Join(stage, f[1])); err != nil {
			return nil, fmt.Errorf("minimal kernel: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(stage, "version"), []byte(version+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	os.RemoveAll(dir)
	if err := os.Rename(stage, dir); err != nil {
		return nil, fmt.Errorf("minimal kernel: %w", err)
	}
	return newMinimal(out, version), nil
}

// buildKernel unpacks the source into work and builds bzImage with the
// fragment; it returns the kernel release.
func buildKernel(ctx context.Context, work string, progress io.Writer) (string, error) {
	src := filepath.Join(work, "linux-source-6.1")
	steps := []struct {
		what string
		dir  string
		argv []string
	}{
		{"unpacking " + kernelSource, work, []string{"tar", "-xJf", kernelSource}},
		{"configuring (tinyconfig + image/minimal.config)", src, []string{"make", "tinyconfig"}},
		{"", src, []string{"scripts/kconfig/merge_config.sh", "-m", ".config", filepath.Join(work, "minimal.config")}},
		{"", src, []string{"make", "olddefconfig"}},
		{fmt.Sprintf("building the kernel (make -j%d bzImage; minutes)", runtime.NumCPU()), src,
			[]string{"make", fmt.Sprintf("-j%d", runtime.NumCPU()), "bzImage"}},
	}
	if err := os.WriteFile(filepath.Join(work, "minimal.config"), []byte(minimalConfig), 0o644); err != nil {
		return "", err
	}
	logPath := filepath.Join(work, "build.log")
	for i, s := range steps {
		if s.what != "" {
			fmt.Fprintf(progress, "ofbox image: %s\n", s.what)
		}
		if err := runLogged(ctx, s.dir, logPath, progress, s.argv...); err != nil {
			return "", err
		}
		if i == 3 {
			if err := checkConfig(filepath.Join(src, ".config"), minimalConfig); err != nil {
				return "", err
			}
		}
	}
	cmd := exec.CommandContext(ctx, "make", "-s", "kernelrelease")
	cmd.Dir = src
	rel, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("make kernelrelease: %w", err)
	}
	return strings.TrimSpace(string(rel)), nil
}

// runLogged runs argv in dir with its output appended to logPath and a
// progress line every 15 s; a failure quotes the log's tail.
func runLogged(ctx context.Context, dir, logPath string, progress io.Writer, argv ...string) error {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, logf, logf
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(argv, " "), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("%s: %w\n%s", strings.Join(argv, " "), err, tail(logPath, 20))
			}
			return nil
		case <-tick.C:
			fmt.Fprintf(progress, "ofbox image:   ... %s (%s)\n", argv[0], time.Since(t0).Round(time.Second))
		}
	}
}

// tail returns the last n lines of the file at path.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// checkConfig checks that every option the fragment sets holds in the
// final .config: olddefconfig silently drops what a missing dependency
// does not allow.
func checkConfig(path, fragment string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	have := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok && strings.HasPrefix(k, "CONFIG_") {
			have[k] = v
		} else if name, ok := strings.CutPrefix(l, "# "); ok && strings.HasSuffix(name, " is not set") {
			have[strings.TrimSuffix(name, " is not set")] = "n"
		}
	}
	var missing []string
	for _, l := range strings.Split(fragment, "\n") {
		l = strings.TrimSpace(l)
		if k, v, ok := strings.Cut(l, "="); ok && strings.HasPrefix(k, "CONFIG_") {
			if have[k] != v {
				missing = append(missing, fmt.Sprintf("%s=%s (got %q)", k, v, have[k]))
			}
		} else if name, ok := strings.CutPrefix(l, "# "); ok && strings.HasSuffix(name, " is not set") {
			if v := have[strings.TrimSuffix(name, " is not set")]; v != "" && v != "n" {
				missing = append(missing, l+fmt.Sprintf(" (got %q)", v))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("kernel config: options of image/minimal.config that did not survive olddefconfig: %s", strings.Join(missing, ", "))
	}
	return nil
}

// debianModules are the modules the Debian cloud kernel needs as modules
// for microvm's NICs: virtio-mmio and virtio-net (their dependencies come
// from modules.dep).
var debianModules = []string{"kernel/drivers/virtio/virtio_mmio.ko", "kernel/drivers/net/virtio_net.ko"}

// debianCmdline is the Debian cloud kernel's image.json cmdline: it skips
// the crypto self-tests, which an appliance that loads no crypto modules
// does without (crypto_algapi_init ran them for 300 ms under TCG; ready
// 1.99 -> 1.76 s). Skipping the kprobe-events set-up as well
// (initcall_blacklist) gained nothing: a blacklist makes the kernel look
// up every initcall's name.
const debianCmdline = "cryptomgr.notests"

// debianKernel finds Debian's cloud kernel (linux-image-cloud-amd64) under
// root ("/" but for tests) and the modules it needs, dependencies first.
func debianKernel(root string) (*kernel, error) {
	vmlinuz, err := filepath.Glob(filepath.Join(root, "boot", "vmlinuz-*-cloud-amd64"))
	if err != nil || len(vmlinuz) == 0 {
		return nil, errors.New("debian kernel: no /boot/vmlinuz-*-cloud-amd64 (as root: apt-get install -y linux-image-cloud-amd64)")
	}
	sort.Strings(vmlinuz)
	path := vmlinuz[len(vmlinuz)-1] // the newest by name
	version := strings.TrimPrefix(filepath.Base(path), "vmlinuz-")
	moddir := filepath.Join(root, "lib", "modules", version)
	f, err := os.Open(filepath.Join(moddir, "modules.dep"))
	if err != nil {
		return nil, fmt.Errorf("debian kernel %s: %w", version, err)
	}
	defer f.Close()
	deps, err := parseModulesDep(f)
	if err != nil {
		return nil, fmt.Errorf("debian kernel %s: modules.dep: %w", version, err)
	}
	order, err := loadOrder(deps, debianModules)
	if err != nil {
		return nil, fmt.Errorf("debian kernel %s: %w", version, err)
	}
	k := &kernel{path: path, version: version, cmdline: debianCmdline, initrd: compressLZ4}
	for _, rel := range order {
		if !strings.HasSuffix(rel, ".ko") {
			return nil, fmt.Errorf("debian kernel %s: module %s is compressed; ofbox loads plain .ko files", version, rel)
		}
		b, err := os.ReadFile(filepath.Join(moddir, rel))
		if err != nil {
			return nil, fmt.Errorf("debian kernel %s: %w", version, err)
		}
		k.mods = append(k.mods, module{File: filepath.Base(rel), Data: b})
	}
	return k, nil
}

// parseModulesDep reads modules.dep: "MODULE: DEP DEP ...", each module's
// dependencies listed so that loading them last to first works.
func parseModulesDep(r io.Reader) (map[string][]string, error) {
	deps := map[string][]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		m, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		deps[m] = strings.Fields(rest)
	}
	return deps, sc.Err()
}

// loadOrder lists want and their dependencies, each once, dependencies
// first.
func loadOrder(deps map[string][]string, want []string) ([]string, error) {
	var order []string
	seen := map[string]bool{}
	for _, w := range want {
		ds, ok := deps[w]
		if !ok {
			return nil, fmt.Errorf("module %s is not in modules.dep (built in, or another kernel?)", w)
		}
		for i := len(ds) - 1; i >= 0; i-- {
			if !seen[ds[i]] {
				seen[ds[i]] = true
				order = append(order, ds[i])
			}
		}
		if !seen[w] {
			seen[w] = true
			order = append(order, w)
		}
	}
	return order, nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}
