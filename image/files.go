package image

import (
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

// File is a file Build adds to the initramfs: Src on this machine, Dst its
// absolute path in the VM. It is how a VM gets what the kernel command
// line can only name, such as TLS certificates and keys
// (ofbox.cert=/etc/ofbox/sw1-cert.pem).
type File struct {
	Src, Dst string
}

// ParseFile reads SRC=DST, as `ofbox image --file` takes it, and checks
// DST.
func ParseFile(s string) (File, error) {
	src, dst, ok := strings.Cut(s, "=")
	if !ok || src == "" || dst == "" {
		return File{}, fmt.Errorf("--file %q: want SRC=DST, DST an absolute path in the VM (/etc/ofbox/cert.pem)", s)
	}
	f := File{Src: src, Dst: dst}
	return f, f.check()
}

// check refuses destinations the image owns or the boot mounts over.
func (f File) check() error {
	if !path.IsAbs(f.Dst) || path.Clean(f.Dst) != f.Dst || f.Dst == "/" {
		return fmt.Errorf("--file %s=%s: DST must be a clean absolute path such as /etc/ofbox/cert.pem", f.Src, f.Dst)
	}
	top := strings.SplitN(f.Dst[1:], "/", 2)[0]
	switch {
	case f.Dst == "/init", top == "dev", top == "proc", top == "sys", top == "lib":
		return fmt.Errorf("--file %s=%s: /init, /dev, /proc, /sys and /lib belong to the image or are mounted over at boot; use /etc or another directory", f.Src, f.Dst)
	}
	return nil
}

// fileEntries returns the cpio entries of files, sorted by destination,
// with the directories they need that the image does not have; each file
// keeps its source's permissions (a private key stays 0600).
func fileEntries(files []File) ([]cpioEntry, error) {
	files = append([]File(nil), files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Dst < files[j].Dst })
	have := map[string]bool{}
	for _, d := range initrdDirs {
		have[d] = true
	}
	var entries []cpioEntry
	for i, f := range files {
		if err := f.check(); err != nil {
			return nil, err
		}
		if i > 0 && files[i-1].Dst == f.Dst {
			return nil, fmt.Errorf("--file: two files for %s", f.Dst)
		}
		b, err := os.ReadFile(f.Src)
		if err != nil {
			return nil, fmt.Errorf("--file %s=%s: %w", f.Src, f.Dst, err)
		}
		fi, err := os.Stat(f.Src)
		if err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("--file %s=%s: not a regular file", f.Src, f.Dst)
		}
		name := f.Dst[1:]
		var parents []string
		for d := path.Dir(name); d != "." && !have[d]; d = path.Dir(d) {
			parents = append(parents, d)
			have[d] = true
		}
		for k := len(parents) - 1; k >= 0; k-- {
			entries = append(entries, cpioEntry{Name: parents[k], Mode: modeDir | 0o755})
		}
		entries = append(entries, cpioEntry{Name: name, Mode: modeReg | uint32(fi.Mode().Perm()),
			Size: int64(len(b)), Data: strings.NewReader(string(b))})
	}
	return entries, nil
}
