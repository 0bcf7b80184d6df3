// Package image builds ofbox's VM image and its scratch container image
// from the running executable: a kernel (a minimal one built once from
// Debian's linux-source-6.1, or Debian's own cloud kernel), an initramfs
// whose /init is this binary (newc cpio, gzip, reproducible), an OCI image
// layout tarball with the binary alone (FROM scratch) and a Dockerfile.
//
// The directory Build writes:
//
//	kernel         what QEMU's -kernel boots (bzImage)
//	initrd         the initramfs: /init, /dev/console, the mount points and,
//	               for the Debian kernel, /lib/modules/*.ko with
//	               /lib/modules/order (load order, dependencies first)
//	ofbox-oci.tar  the OCI image layout (tag latest)
//	Dockerfile     the same image for users with Docker (FROM scratch)
//	ofbox          the binary, for the Dockerfile's build context
//	image.json     what was built: kernel kind, release, file sizes
package image

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Kernels are the kernel kinds Build takes.
const (
	KernelMinimal = "minimal"
	KernelDebian  = "debian"
)

// Options configures Build.
type Options struct {
	Kernel   string    // KernelMinimal or KernelDebian
	Out      string    // default DefaultDir(Kernel)
	Binary   string    // default os.Executable()
	Progress io.Writer // progress lines for the long steps; default io.Discard
	Files    []File    // added to the initramfs (TLS certificates and keys, say)
}

// Result is what Build wrote: image.json's content.
type Result struct {
	Dir           string   `json:"-"`
	Kernel        string   `json:"kernel"`
	KernelVersion string   `json:"kernel_version"`
	Modules       []string `json:"modules,omitempty"`
	// Cmdline is what the kernel's command line should carry besides the
	// console and the ofbox keys: settings that make this kernel boot fast
	// in a VM. `ofbox vm` passes it; so should other launchers.
	Cmdline string `json:"cmdline,omitempty"`
	// NoACPI says the kernel boots without ACPI (Cmdline has acpi=off): the
	// machine must have no ACPI tables but an i8254 and i8259 (QEMU's
	// microvm with acpi=off,pit=on,pic=on), and the kernel finds its
	// virtio-mmio NICs on the command line, which microvm writes when its
	// ACPI is off. Such a kernel cannot power the VM off: the appliance
	// restarts it, and the launcher runs QEMU with -no-reboot.
	NoACPI bool `json:"no_acpi,omitempty"`
	// InitrdCompression is how the initramfs is compressed: zstd for the
	// minimal kernel (the size target), lz4 for Debian's (faster to
	// unpack).
	InitrdCompression string `json:"initrd_compression"`
	// Added are the paths in the VM of the files Options.Files added.
	Added []string         `json:"added,omitempty"`
	Files map[string]int64 `json:"files"`
}

// ReadResult reads the image.json Build wrote into dir.
func ReadResult(dir string) (*Result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "image.json"))
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("image: %s: %w", filepath.Join(dir, "image.json"), err)
	}
	r.Dir = dir
	return &r, nil
}

// DefaultDir is where Build writes without Options.Out, and where
// `ofbox vm` looks without --image: out/image/KERNEL.
func DefaultDir(kernel string) string { return filepath.Join("out", "image", kernel) }

// Build writes the image for o.Kernel into o.Out.
func Build(ctx context.Context, o Options) (*Result, error) {
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Kernel != KernelMinimal && o.Kernel != KernelDebian {
		return nil, fmt.Errorf("image: kernel %q: want minimal or debian", o.Kernel)
	}
	if o.Out == "" {
		o.Out = DefaultDir(o.Kernel)
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("image: %w", err)
		}
		o.Binary = exe
	}
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	if err := checkStatic(o.Binary); err != nil {
		return nil, err
	}
	var k *kernel
	if o.Kernel == KernelMinimal {
		k, err = minimalKernel(ctx, o.Progress)
	} else {
		k, err = debianKernel("/")
	}
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	kb, err := os.ReadFile(k.path)
	if err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	var initrd, oci bytes.Buffer
	fmt.Fprintf(o.Progress, "ofbox image: initramfs (%.1f MB binary, %d modules)\n", float64(len(bin))/1e6, len(k.mods))
	if err := writeInitrd(ctx, &initrd, o.Binary, k.mods, o.Files, k.initrd); err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	if err := writeOCI(&oci, bin); err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	res := &Result{Dir: o.Out, Kernel: o.Kernel, KernelVersion: k.version, Cmdline: k.cmdline, NoACPI: k.noACPI,
		InitrdCompression: string(k.initrd), Files: map[string]int64{}}
	for _, f := range o.Files {
		res.Added = append(res.Added, f.Dst)
	}
	sort.Strings(res.Added)
	for _, m := range k.mods {
		res.Modules = append(res.Modules, m.File)
	}
	files := map[string][]byte{
		"kernel":        kb,
		"initrd":        initrd.Bytes(),
		"ofbox-oci.tar": oci.Bytes(),
		"ofbox":         bin,
		"Dockerfile":    []byte(dockerfile),
	}
	for name, b := range files {
		res.Files[name] = int64(len(b))
	}
	meta, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return nil, err
	}
	files["image.json"] = append(meta, '\n')
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("image: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		mode := os.FileMode(0o644)
		if n == "ofbox" {
			mode = 0o755
		}
		if err := writeAtomic(filepath.Join(o.Out, n), files[n], mode); err != nil {
			return nil, fmt.Errorf("image: %w", err)
		}
	}
	return res, nil
}

// dockerfile builds the same image as ofbox-oci.tar with Docker, from the
// image directory as the context.
const dockerfile = `# The ofbox scratch image: the static binary alone.
# docker build -t ofbox out/image/minimal && docker run --rm --cap-add NET_ADMIN --cap-add NET_RAW ofbox
FROM scratch
COPY ofbox /ofbox
ENTRYPOINT ["/ofbox"]
CMD ["controller", "--listen", "tcp::6653"]
`

// checkStatic refuses a dynamically linked binary: neither the initramfs
// nor a scratch image has a dynamic loader. It reads the ELF64 program
// headers itself (a PT_INTERP entry names the loader): debug/elf would put
// its package initialisation on the VM's boot path, this binary being /init.
func checkStatic(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("image: %w", err)
	}
	const ptInterp = 3
	if len(b) < 64 || string(b[:4]) != "\x7fELF" || b[4] != 2 || b[5] != 1 {
		return fmt.Errorf("image: %s is not a 64-bit little-endian ELF executable", path)
	}
	phoff, phentsize, phnum := binary.LittleEndian.Uint64(b[32:]), int(binary.LittleEndian.Uint16(b[54:])), int(binary.LittleEndian.Uint16(b[56:]))
	if phentsize < 56 || phoff > uint64(len(b)) || uint64(phnum*phentsize) > uint64(len(b))-phoff {
		return fmt.Errorf("image: %s: bad ELF program headers", path)
	}
	for i := range phnum {
		if binary.LittleEndian.Uint32(b[int(phoff)+i*phentsize:]) == ptInterp {
			return fmt.Errorf("image: %s is dynamically linked; build it with CGO_ENABLED=0 (make build)", path)
		}
	}
	return nil
}

// writeAtomic writes b to path through a temporary file and a rename.
func writeAtomic(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
