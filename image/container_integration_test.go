package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// TestIntegrationContainer runs the scratch image as an OCI container under
// crun: the bundle's rootfs is what the image's one layer holds (the
// binary alone), the process is `ofbox switch` between two veths in the
// container's network namespace, and h1 pings h2 through it.
//
// crun 1.8 refuses this host's hybrid cgroup layout (cgroup2 mounted at
// /sys/fs/cgroup/unified beside v1): crun runs in a private mount
// namespace with that mount removed, and with --cgroup-manager=disabled.
func TestIntegrationContainer(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "crun", "unshare", "ping", "ethtool")
	bin, err := os.ReadFile(ofboxbin.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	bundle := t.TempDir()
	rootfs := filepath.Join(bundle, "rootfs")
	if err := unpackLayer(bin, rootfs); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(rootfs); len(ents) != 1 || ents[0].Name() != "ofbox" {
		t.Fatalf("rootfs holds %v; want the binary alone", ents)
	}

	sw := testnet.NewNS(t, "ctr")
	h := testnet.Hosts(t, sw, 2, false)
	cfg := containerConfig([]string{"/ofbox", "switch", "--ports", h[0].Port + "," + h[1].Port, "--fail-mode", "standalone"},
		"/run/netns/"+sw.Name())
	if err := os.WriteFile(filepath.Join(bundle, "config.json"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	id := "ofbox-test-" + filepath.Base(bundle)
	script := "umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b " + bundle + " " + id
	p := testnet.StartCmd(t, exec.Command("unshare", "-m", "sh", "-c", script))
	t.Cleanup(func() {
		exec.Command("crun", "kill", id, "KILL").Run()
		exec.Command("crun", "delete", "-f", id).Run()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.WaitOutput(ctx, "ofbox switch: ready"); err != nil {
		t.Fatal(err)
	}
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
		t.Fatalf("h1 ping h2 through ofbox switch in a scratch container: %v\n%s", err, p.Output())
	}
}

// unpackLayer writes the files of the image's layer (as writeOCI makes it
// from bin) under dir.
func unpackLayer(bin []byte, dir string) error {
	_, gz, err := layerTar(bin)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return err
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.Clean("/"+h.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, b, os.FileMode(h.Mode)); err != nil {
			return err
		}
	}
}

// containerConfig is a minimal OCI runtime config: args as root with
// CAP_NET_RAW and CAP_NET_ADMIN only, the network namespace at netns, its
// own pid, mount, ipc and uts namespaces, /dev, /proc and /sys mounted.
func containerConfig(args []string, netns string) []byte {
	caps := []string{"CAP_NET_RAW", "CAP_NET_ADMIN"}
	cfg := map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"args": args, "cwd": "/", "env": []string{"PATH=/"},
			"user":            map[string]int{"uid": 0, "gid": 0},
			"capabilities":    map[string][]string{"bounding": caps, "effective": caps, "permitted": caps},
			"noNewPrivileges": true,
		},
		"root": map[string]any{"path": "rootfs"},
		"mounts": []map[string]any{
			{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "mode=755", "size=1m"}},
			{"destination": "/proc", "type": "proc", "source": "proc"},
			{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": []string{"ro", "nosuid", "noexec", "nodev"}},
		},
		"linux": map[string]any{"namespaces": []map[string]string{
			{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts"}, {"type": "network", "path": netns},
		}},
	}
	b, _ := json.Marshal(cfg)
	return b
}
