package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
)

// compression is how an initramfs is compressed.
type compression string

const (
	// compressZstd is the minimal image's: zstd -19 (single-threaded,
	// so the bytes repeat) by the zstd program, which the minimal
	// kernel's build needs anyway (CONFIG_KERNEL_ZSTD). With TLS linked
	// in, the binary is 11.4 MB; LZ4 packs it into 5.3 MB and zstd into
	// 4.0 MB (3.7 at its densest; see zstdParams), which keeps kernel
	// and initramfs under the 6 MB target. It costs ~80 ms more to unpack
	// under TCG than LZ4; the zstd kernel image won about as much back
	// over gzip. zstd comes from the program rather than a Go encoder
	// because this binary is /init: a Go zstd package would run its
	// initialisation on every boot.
	compressZstd compression = "zstd"
	// compressLZ4 is the Debian image's: no size target there, and LZ4
	// unpacks fastest.
	compressLZ4 compression = "lz4"
)

// zstdLevel is the level of the minimal image's initramfs: past 19 zstd
// wants --ultra and gains nothing here.
const zstdLevel = "-19"

// zstdParams caps the match window at 1 MiB (wlog=20) and takes no match
// shorter than 6 bytes (mml=6).
//
// At -19 zstd picks an 8 MiB window for an 11 MB archive, and the
// kernel's decompressor then allocates and touches an 8 MiB buffer: under
// TCG the unpack took a median 185 ms against 174 ms at 1 MiB (6 boots
// each, from the kernel's own log), for 0.04 MB more initrd. Smaller
// windows cost size and won no time (2^17: 0.17 MB more and slower again).
//
// Fewer, longer matches are fewer sequences for the kernel to decode, and
// under TCG decoding is a good part of the boot: ready median 591 ms with
// zstd's default minimum (3 here) against 564 ms with 6, and 563 ms at
// -12 (15 boots each, interleaved, 2026-12-07). mml=6 costs 0.26 MB
// (3.70 -> 3.96 MB), -12 0.37 MB.
const zstdParams = "--zstd=wlog=20,mml=6"

func newInitrdCompressor(ctx context.Context, w io.Writer, c compression) (io.WriteCloser, error) {
	switch c {
	case compressLZ4:
		return &lz4Writer{w: w}, nil
	case compressZstd:
		if _, err := exec.LookPath("zstd"); err != nil {
			return nil, fmt.Errorf("the initramfs is zstd-compressed and zstd is not on PATH (as root: apt-get install -y zstd): %w", err)
		}
		return &zstdWriter{ctx: ctx, w: w}, nil
	}
	return nil, fmt.Errorf("compression %q: want zstd or lz4", c)
}

// zstdWriter buffers the archive and writes it through the zstd program
// on Close.
type zstdWriter struct {
	ctx context.Context
	w   io.Writer
	buf bytes.Buffer
}

func (z *zstdWriter) Write(p []byte) (int, error) { return z.buf.Write(p) }

func (z *zstdWriter) Close() error {
	cmd := exec.CommandContext(z.ctx, "zstd", zstdLevel, zstdParams, "-T1", "-q", "-c")
	cmd.Stdin = &z.buf
	cmd.Stdout = z.w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("zstd: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		}
		return fmt.Errorf("zstd: %w", err)
	}
	return nil
}
