package image

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/pierrec/lz4/v4"
)

// The Debian image's initramfs is compressed in LZ4's legacy format, the
// one the kernel's unlz4 reads: the magic, then chunks of at most 8 MiB of
// input, each a little-endian compressed length and one LZ4 block (HC
// level 9). It is on the boot's critical path, and under TCG LZ4 unpacks
// fastest. The minimal image's is zstd (zstd.go).
const (
	lz4LegacyMagic = 0x184C2102
	lz4LegacyChunk = 8 << 20
)

// lz4Writer buffers the archive and writes it compressed on Close.
type lz4Writer struct {
	w   io.Writer
	buf []byte
}

func (z *lz4Writer) Write(p []byte) (int, error) {
	z.buf = append(z.buf, p...)
	return len(p), nil
}

// Close compresses and writes every chunk.
func (z *lz4Writer) Close() error {
	out := binary.LittleEndian.AppendUint32(nil, lz4LegacyMagic)
	dst := make([]byte, lz4.CompressBlockBound(lz4LegacyChunk))
	c := lz4.CompressorHC{Level: lz4.Level9}
	for src := z.buf; len(src) > 0; {
		chunk := src[:min(len(src), lz4LegacyChunk)]
		src = src[len(chunk):]
		n, err := c.CompressBlock(chunk, dst)
		if err != nil || n == 0 {
			return fmt.Errorf("lz4: compress %d bytes: n=%d, %v", len(chunk), n, err)
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(n))
		out = append(out, dst[:n]...)
	}
	_, err := z.w.Write(out)
	return err
}
