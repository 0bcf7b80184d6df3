package image

import (
	"fmt"
	"io"
	"strings"
)

// Mode type bits of a cpio entry (the st_mode values of stat(2)).
const (
	modeType = 0o170000
	modeDir  = 0o040000
	modeReg  = 0o100000
	modeChar = 0o020000
)

// cpioEntry is one file of a newc archive. Data is read for regular files
// only and must yield exactly Size bytes.
type cpioEntry struct {
	Name       string // relative, without a leading slash: "dev/console"
	Mode       uint32 // type bits | permissions
	Size       int64
	Data       io.Reader
	Major      uint32 // device number of a character device
	Minor      uint32
	linkCount  uint32
	inodeValue uint32
}

// cpioWriter writes the "newc" (SVR4, no checksum) cpio format that the
// kernel unpacks into its initramfs. Everything that could vary between two
// builds is fixed: owner root, mtime 0, inode numbers counting from 1 in
// the order entries are written, no device number for the archive itself.
type cpioWriter struct {
	w   io.Writer
	n   int64 // bytes written, for the 4-byte alignment
	ino uint32
}

func newCPIOWriter(w io.Writer) *cpioWriter { return &cpioWriter{w: w} }

// Add writes one entry.
func (c *cpioWriter) Add(e cpioEntry) error {
	if e.Name == "" || strings.HasPrefix(e.Name, "/") || e.Name == "TRAILER!!!" {
		return fmt.Errorf("cpio: bad entry name %q", e.Name)
	}
	typ := e.Mode & modeType
	if typ != modeReg {
		e.Size = 0 // only regular files carry data
	}
	c.ino++
	e.inodeValue, e.linkCount = c.ino, 1
	if typ == modeDir {
		e.linkCount = 2
	}
	if err := c.header(e); err != nil {
		return err
	}
	if e.Size > 0 {
		n, err := io.Copy(c.w, io.LimitReader(e.Data, e.Size))
		c.n += n
		if err != nil {
			return fmt.Errorf("cpio: %s: %w", e.Name, err)
		}
		if n != e.Size {
			return fmt.Errorf("cpio: %s: %d bytes, want %d", e.Name, n, e.Size)
		}
	}
	return c.pad()
}

// Close writes the trailer entry. It does not close the underlying writer.
func (c *cpioWriter) Close() error {
	if err := c.header(cpioEntry{Name: "TRAILER!!!", linkCount: 1}); err != nil {
		return err
	}
	return c.pad()
}

// header writes the 110-byte header, the name with its NUL and the padding
// to a multiple of 4.
func (c *cpioWriter) header(e cpioEntry) error {
	if e.Size > 0xffffffff {
		return fmt.Errorf("cpio: %s: %d bytes is too large for newc", e.Name, e.Size)
	}
	h := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		e.inodeValue, e.Mode, 0, 0, e.linkCount, 0, e.Size,
		0, 0, e.Major, e.Minor, len(e.Name)+1, 0)
	n, err := io.WriteString(c.w, h+e.Name+"\x00")
	c.n += int64(n)
	if err != nil {
		return fmt.Errorf("cpio: %s: %w", e.Name, err)
	}
	return c.pad()
}

func (c *cpioWriter) pad() error {
	k := (4 - c.n%4) % 4
	n, err := c.w.Write(make([]byte, k))
	c.n += int64(n)
	if err != nil {
		return fmt.Errorf("cpio: %w", err)
	}
	return nil
}
