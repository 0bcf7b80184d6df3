package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// module is a kernel module for the initramfs: its file name in
// /lib/modules and its uncompressed contents.
type module struct {
	File string // "virtio_net.ko"
	Data []byte
}

// initrdDirs are the directories of the initramfs, parents first. /dev
// holds the console the kernel opens for PID 1 before anything is mounted.
var initrdDirs = []string{"dev", "proc", "sys", "tmp", "run", "lib", "lib/modules"}

// writeInitrd writes the initramfs as a newc cpio archive compressed with
// comp: the directories, /dev/console, the kernel modules with
// /lib/modules/order (their load order) when there are any, the added
// files, and the binary as /init. Every byte is a function of the inputs.
func writeInitrd(ctx context.Context, w io.Writer, binary string, mods []module, files []File, comp compression) error {
	f, err := os.Open(binary)
	if err != nil {
		return fmt.Errorf("initrd: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("initrd: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("initrd: binary %s is not a regular file", binary)
	}
	zw, err := newInitrdCompressor(ctx, w, comp)
	if err != nil {
		return fmt.Errorf("initrd: %w", err)
	}
	cw := newCPIOWriter(zw)
	var entries []cpioEntry
	for _, d := range initrdDirs[:1] {
		entries = append(entries, cpioEntry{Name: d, Mode: modeDir | 0o755})
	}
	entries = append(entries, cpioEntry{Name: "dev/console", Mode: modeChar | 0o600, Major: 5, Minor: 1})
	for _, d := range initrdDirs[1:] {
		entries = append(entries, cpioEntry{Name: d, Mode: modeDir | 0o755})
	}
	if len(mods) > 0 {
		var order strings.Builder
		for _, m := range mods {
			entries = append(entries, cpioEntry{Name: "lib/modules/" + m.File, Mode: modeReg | 0o644,
				Size: int64(len(m.Data)), Data: bytes.NewReader(m.Data)})
			order.WriteString(m.File + "\n")
		}
		entries = append(entries, cpioEntry{Name: "lib/modules/order", Mode: modeReg | 0o644,
			Size: int64(order.Len()), Data: strings.NewReader(order.String())})
	}
	added, err := fileEntries(files)
	if err != nil {
		return fmt.Errorf("initrd: %w", err)
	}
	entries = append(entries, added...)
	entries = append(entries, cpioEntry{Name: "init", Mode: modeReg | 0o755, Size: fi.Size(), Data: f})
	for _, e := range entries {
		if err := cw.Add(e); err != nil {
			return fmt.Errorf("initrd: %w", err)
		}
	}
	if err := cw.Close(); err != nil {
		return fmt.Errorf("initrd: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("initrd: compress: %w", err)
	}
	return nil
}
