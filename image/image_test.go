package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/pierrec/lz4/v4"
)

// fakeBinary is a stand-in for the ofbox executable.
func fakeBinary(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ofbox")
	if err := os.WriteFile(p, bytes.Repeat([]byte("ofbox\x00"), 50001), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

var testMods = []module{{"virtio.ko", []byte("ko-a")}, {"virtio_net.ko", []byte("ko-bb")}}

// compressions are the initramfs compressions, each test runs for all.
var compressions = []compression{compressZstd, compressLZ4}

func initrd(t *testing.T, bin string, mods []module, c compression) []byte {
	t.Helper()
	if c == compressZstd {
		requireTool(t, "zstd")
	}
	var b bytes.Buffer
	if err := writeInitrd(context.Background(), &b, bin, mods, nil, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// requireTool skips t without the program name (fails it under CI, which
// installs it).
func requireTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not installed (Debian package %s)", name, name)
		}
		t.Skipf("%s not installed (Debian package %s)", name, name)
	}
}

// decompress undoes c: unlz4 as the kernel reads LZ4, the zstd program for
// zstd.
func decompress(t *testing.T, c compression, b []byte) []byte {
	t.Helper()
	if c == compressLZ4 {
		raw, err := unlz4(b)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	cmd := exec.Command("zstd", "-d", "-c", "-q")
	cmd.Stdin = bytes.NewReader(b)
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("zstd -d: %v", err)
	}
	return raw
}

// TestInitrdReproducible: two builds of the same inputs are byte for byte
// the same (nothing of the time, the host or the order of a map leaks in).
func TestInitrdReproducible(t *testing.T) {
	for _, c := range compressions {
		bin := fakeBinary(t)
		a := initrd(t, bin, testMods, c)
		now := time.Now().Add(time.Hour)
		os.Chtimes(bin, now, now)
		b := initrd(t, bin, testMods, c)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two initrd builds differ (%d and %d bytes)", c, len(a), len(b))
		}
	}
	var oa, ob bytes.Buffer
	if err := writeOCI(&oa, []byte("bin")); err != nil {
		t.Fatal(err)
	}
	writeOCI(&ob, []byte("bin"))
	if !bytes.Equal(oa.Bytes(), ob.Bytes()) {
		t.Errorf("two OCI tarballs differ")
	}
}

// TestInitrdListing lists the archive with GNU cpio, the oracle: every
// entry with its type, mode, owner and device numbers.
func TestInitrdListing(t *testing.T) {
	requireTool(t, "cpio")
	for _, c := range compressions {
		t.Run(string(c), func(t *testing.T) { testInitrdListing(t, c) })
	}
}

func testInitrdListing(t *testing.T, c compression) {
	bin := fakeBinary(t)
	raw := decompress(t, c, initrd(t, bin, testMods, c))
	cmd := exec.Command("cpio", "-itv", "--quiet", "--numeric-uid-gid")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -itv: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		// mode links uid gid [major, minor | size] date... name
		if strings.HasPrefix(f[0], "c") {
			got = append(got, strings.Join([]string{f[0], f[2], f[3], f[4] + f[5], f[len(f)-1]}, " "))
			continue
		}
		got = append(got, strings.Join([]string{f[0], f[2], f[3], f[4], f[len(f)-1]}, " "))
	}
	want := []string{
		"drwxr-xr-x 0 0 0 dev",
		"crw------- 0 0 5,1 dev/console",
		"drwxr-xr-x 0 0 0 proc",
		"drwxr-xr-x 0 0 0 sys",
		"drwxr-xr-x 0 0 0 tmp",
		"drwxr-xr-x 0 0 0 run",
		"drwxr-xr-x 0 0 0 lib",
		"drwxr-xr-x 0 0 0 lib/modules",
		"-rw-r--r-- 0 0 4 lib/modules/virtio.ko",
		"-rw-r--r-- 0 0 5 lib/modules/virtio_net.ko",
		"-rw-r--r-- 0 0 24 lib/modules/order",
		"-rwxr-xr-x 0 0 300006 init",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cpio -itv (-want +got):\n%s\n%s", diff, out)
	}
	// The contents come back too: extract /init and the order file.
	dir := t.TempDir()
	cmd = exec.Command("cpio", "-id", "--quiet", "--no-absolute-filenames", "init", "lib/modules/order")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(raw)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cpio -id: %v\n%s", err, out)
	}
	wantBin, _ := os.ReadFile(bin)
	if b, _ := os.ReadFile(filepath.Join(dir, "init")); !bytes.Equal(b, wantBin) {
		t.Errorf("extracted init differs from the binary")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "lib/modules/order")); string(b) != "virtio.ko\nvirtio_net.ko\n" {
		t.Errorf("order = %q", b)
	}
}

func TestCPIOErrors(t *testing.T) {
	w := newCPIOWriter(io.Discard)
	for _, name := range []string{"", "/init", "TRAILER!!!"} {
		if err := w.Add(cpioEntry{Name: name, Mode: modeDir}); err == nil {
			t.Errorf("Add(%q) = nil; want an error", name)
		}
	}
	if err := w.Add(cpioEntry{Name: "f", Mode: modeReg, Size: 10, Data: strings.NewReader("short")}); err == nil {
		t.Errorf("Add of a short file = nil; want an error")
	}
	if err := writeInitrd(context.Background(), io.Discard, t.TempDir(), nil, nil, compressLZ4); err == nil {
		t.Errorf("writeInitrd(a directory as binary) = nil; want an error")
	}
	if _, err := newInitrdCompressor(context.Background(), io.Discard, "xz"); err == nil || !strings.Contains(err.Error(), "want zstd or lz4") {
		t.Errorf("newInitrdCompressor(xz) = %v; want an error naming the choices", err)
	}
}

// TestOCI unpacks the layout and follows it: index → manifest → config and
// layer, every digest and size checked, the layer holding /ofbox alone.
func TestOCI(t *testing.T) {
	bin := []byte("the ofbox binary")
	var b bytes.Buffer
	if err := writeOCI(&b, bin); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	tr := tar.NewReader(&b)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(tr)
		files[h.Name] = data
	}
	if string(files["oci-layout"]) != `{"imageLayoutVersion":"1.0.0"}` {
		t.Errorf("oci-layout = %q", files["oci-layout"])
	}
	blob := func(d ociDescriptor) []byte {
		t.Helper()
		data, ok := files["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
		if !ok || digest(data) != d.Digest || int64(len(data)) != d.Size {
			t.Fatalf("blob %s (%d bytes): missing or wrong", d.Digest, d.Size)
		}
		return data
	}
	var idx ociIndex
	if err := json.Unmarshal(files["index.json"], &idx); err != nil || len(idx.Manifests) != 1 ||
		idx.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "latest" {
		t.Fatalf("index.json = %s (%v)", files["index.json"], err)
	}
	var man ociManifest
	if err := json.Unmarshal(blob(idx.Manifests[0]), &man); err != nil || len(man.Layers) != 1 || man.Layers[0].MediaType != mediaLayer {
		t.Fatalf("manifest: %+v (%v)", man, err)
	}
	var cfg ociConfig
	if err := json.Unmarshal(blob(man.Config), &cfg); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(cfg.Config.Entrypoint, []string{"/ofbox"}) || cfg.OS != "linux" || cfg.Architecture != "amd64" {
		t.Errorf("config = %+v", cfg)
	}
	zr, err := gzip.NewReader(bytes.NewReader(blob(man.Layers[0])))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if digest(raw) != cfg.RootFS.DiffIDs[0] {
		t.Errorf("diff_id %s; the layer's tar is %s", cfg.RootFS.DiffIDs[0], digest(raw))
	}
	lr := tar.NewReader(bytes.NewReader(raw))
	h, err := lr.Next()
	if err != nil || h.Name != "ofbox" || h.Mode != 0o755 || h.Uid != 0 {
		t.Fatalf("layer entry %+v, %v; want ofbox 0755 root", h, err)
	}
	if got, _ := io.ReadAll(lr); !bytes.Equal(got, bin) {
		t.Errorf("layer's ofbox = %q; want the binary", got)
	}
	if _, err := lr.Next(); err != io.EOF {
		t.Errorf("layer holds more than /ofbox: %v", err)
	}
}

// TestLoadOrder: dependencies first, each module once, in the order
// modules.dep's lists load (last to first).
func TestLoadOrder(t *testing.T) {
	dep := `kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/core/failover.ko:
`
	deps, err := parseModulesDep(strings.NewReader(dep))
	if err != nil {
		t.Fatal(err)
	}
	got, err := loadOrder(deps, debianModules)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko", "kernel/drivers/virtio/virtio_mmio.ko",
		"kernel/net/core/failover.ko", "kernel/drivers/net/net_failover.ko", "kernel/drivers/net/virtio_net.ko"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("loadOrder (-want +got):\n%s", diff)
	}
	if _, err := loadOrder(deps, []string{"kernel/none.ko"}); err == nil {
		t.Errorf("loadOrder of a module not in modules.dep = nil error")
	}
}

// TestDebianKernel reads a fake /boot and /lib/modules tree.
func TestDebianKernel(t *testing.T) {
	root := t.TempDir()
	if _, err := debianKernel(root); err == nil || !strings.Contains(err.Error(), "linux-image-cloud-amd64") {
		t.Errorf("debianKernel(empty) = %v; want the package to install", err)
	}
	ver := "6.1.0-9-cloud-amd64"
	for p, data := range map[string]string{
		"boot/vmlinuz-" + ver:                                          "bzImage",
		"lib/modules/" + ver + "/modules.dep":                          "kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko\nkernel/drivers/net/virtio_net.ko: kernel/drivers/virtio/virtio.ko\n",
		"lib/modules/" + ver + "/kernel/drivers/virtio/virtio_mmio.ko": "mmio",
		"lib/modules/" + ver + "/kernel/drivers/virtio/virtio.ko":      "virtio",
		"lib/modules/" + ver + "/kernel/drivers/net/virtio_net.ko":     "net",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755)
		if err := os.WriteFile(filepath.Join(root, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k, err := debianKernel(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range k.mods {
		got = append(got, m.File+"="+string(m.Data))
	}
	if want := []string{"virtio.ko=virtio", "virtio_mmio.ko=mmio", "virtio_net.ko=net"}; k.version != ver || !cmp.Equal(got, want) {
		t.Errorf("debianKernel = %s %v; want %s %v", k.version, got, ver, want)
	}
}

// TestCheckConfig: an option the fragment sets that olddefconfig dropped is
// named.
func TestCheckConfig(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".config")
	os.WriteFile(p, []byte("CONFIG_NET=y\n# CONFIG_MODULES is not set\nCONFIG_PACKET=m\n"), 0o644)
	if err := checkConfig(p, "CONFIG_NET=y\n# CONFIG_MODULES is not set\n"); err != nil {
		t.Errorf("checkConfig of a kept fragment = %v", err)
	}
	err := checkConfig(p, "CONFIG_NET=y\nCONFIG_PACKET=y\nCONFIG_VIRTIO=y\n")
	if err == nil || !strings.Contains(err.Error(), "CONFIG_PACKET=y") || !strings.Contains(err.Error(), "CONFIG_VIRTIO=y") {
		t.Errorf("checkConfig of dropped options = %v; want both named", err)
	}
}

// TestBuildErrors: bad options are named; a dynamically linked binary is
// refused (neither image has a loader).
func TestBuildErrors(t *testing.T) {
	if _, err := Build(t.Context(), Options{Kernel: "tiny"}); err == nil || !strings.Contains(err.Error(), `"tiny": want minimal or debian`) {
		t.Errorf("Build(kernel tiny) = %v", err)
	}
	if _, err := Build(t.Context(), Options{Kernel: KernelDebian, Binary: fakeBinary(t)}); err == nil {
		t.Errorf("Build(not an ELF binary) = nil error")
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if err := checkStatic(sh); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
			t.Errorf("checkStatic(%s) = %v; want dynamically linked", sh, err)
		}
	}
}

// unlz4 reads LZ4's legacy format as the kernel does.
func unlz4(b []byte) ([]byte, error) {
	if len(b) < 4 || binary.LittleEndian.Uint32(b) != lz4LegacyMagic {
		return nil, fmt.Errorf("no lz4 legacy magic")
	}
	var out []byte
	dst := make([]byte, lz4LegacyChunk)
	for b = b[4:]; len(b) > 0; {
		if len(b) < 4 {
			return nil, fmt.Errorf("truncated chunk header")
		}
		n := int(binary.LittleEndian.Uint32(b))
		if 4+n > len(b) {
			return nil, fmt.Errorf("chunk of %d bytes, %d left", n, len(b)-4)
		}
		m, err := lz4.UncompressBlock(b[4:4+n], dst)
		if err != nil {
			return nil, err
		}
		out = append(out, dst[:m]...)
		b = b[4+n:]
	}
	return out, nil
}

// TestLZ4Chunks: an archive larger than one 8 MiB chunk comes back whole.
func TestLZ4Chunks(t *testing.T) {
	in := make([]byte, lz4LegacyChunk+12345)
	for i := range in {
		in[i] = byte(i * 7 / 13)
	}
	var b bytes.Buffer
	w, _ := newInitrdCompressor(context.Background(), &b, compressLZ4)
	w.Write(in[:100])
	w.Write(in[100:])
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := unlz4(b.Bytes())
	if err != nil || !bytes.Equal(out, in) {
		t.Fatalf("round trip of %d bytes: %d bytes back, %v", len(in), len(out), err)
	}
}

// TestCheckStaticOfbox: the binary as it ships passes the check.
func TestCheckStaticOfbox(t *testing.T) {
	if err := checkStatic(ofboxbin.Path(t)); err != nil {
		t.Errorf("checkStatic(ofbox) = %v; want nil", err)
	}
	short := filepath.Join(t.TempDir(), "short")
	os.WriteFile(short, []byte("\x7fELF\x02\x01"), 0o755)
	if err := checkStatic(short); err == nil {
		t.Errorf("checkStatic(a truncated ELF) = nil")
	}
}

// TestInitrdFiles: --file adds files at their paths in the VM, with the
// directories they need and their source's permissions, in the same
// order whatever the order given; bad destinations are refused by name.
func TestInitrdFiles(t *testing.T) {
	requireTool(t, "cpio")
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "sw1-cert.pem"), filepath.Join(dir, "sw1-privkey.pem")
	os.WriteFile(cert, []byte("CERT"), 0o644)
	os.WriteFile(key, []byte("PRIVATE KEY"), 0o600)
	os.Chmod(key, 0o600)
	files := []File{{key, "/etc/ofbox/sw1-privkey.pem"}, {cert, "/etc/ofbox/sw1-cert.pem"}}
	bin := fakeBinary(t)
	var a, b bytes.Buffer
	if err := writeInitrd(context.Background(), &a, bin, nil, files, compressLZ4); err != nil {
		t.Fatal(err)
	}
	if err := writeInitrd(context.Background(), &b, bin, nil, []File{files[1], files[0]}, compressLZ4); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the order of --file changes the initramfs")
	}
	raw := decompress(t, compressLZ4, a.Bytes())
	cmd := exec.Command("cpio", "-itv", "--quiet", "--numeric-uid-gid")
	cmd.Stdin = bytes.NewReader(raw)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cpio -itv: %v\n%s", err, out)
	}
	for _, want := range []string{
		`drwxr-xr-x .* etc\n`, `drwxr-xr-x .* etc/ofbox\n`,
		`-rw-r--r-- .* 4 .* etc/ofbox/sw1-cert.pem\n`, `-rw------- .* 11 .* etc/ofbox/sw1-privkey.pem\n`,
	} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("cpio -itv has no line like %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"x", "x=etc/a", "x=/init", "x=/dev/a", "x=/proc/a", "x=/lib/modules/a", "x=/etc/../a", "=/etc/a"} {
		if _, err := ParseFile(bad); err == nil {
			t.Errorf("ParseFile(%q) = nil error", bad)
		}
	}
	if f, err := ParseFile(cert + "=/etc/ofbox/c.pem"); err != nil || f.Dst != "/etc/ofbox/c.pem" {
		t.Errorf("ParseFile(good) = %+v, %v", f, err)
	}
	if err := writeInitrd(context.Background(), io.Discard, bin, nil, []File{{filepath.Join(dir, "missing"), "/etc/a"}}, compressLZ4); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("a missing source: %v; want an error naming it", err)
	}
}
