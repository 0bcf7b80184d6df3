package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
)

// tlvHeader checks the type-length header that actions and instructions
// share (kind names which, for errors): 8 bytes at least, a length that is
// a positive multiple of 8 and that b holds.
func tlvHeader[T interface {
	~uint16
	fmt.Stringer
}](b []byte, kind string) (T, int, error) {
	if len(b) < 8 {
		return 0, 0, fmt.Errorf("%w: %d bytes left for an 8-byte %s header", openflow.ErrTruncated, len(b), kind)
	}
	t := T(binary.BigEndian.Uint16(b))
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < 8 || n%8 != 0 {
		return t, 0, fmt.Errorf("%s: %w: length %d is not a positive multiple of 8", t, openflow.ErrBadLength, n)
	}
	if n > len(b) {
		return t, 0, fmt.Errorf("%s: %w: length %d, %d bytes left", t, openflow.ErrTruncated, n, len(b))
	}
	return t, n, nil
}

// decodeTLVs decodes b, which holds exactly a list of kind, with dec;
// capHint sizes the result.
func decodeTLVs[T any](b []byte, kind string, capHint int, dec func([]byte) (T, int, error)) ([]T, error) {
	list := make([]T, 0, capHint)
	for off := 0; off < len(b); {
		v, n, err := dec(b[off:])
		if err != nil {
			return nil, fmt.Errorf("%s at offset %d: %w", kind, off, err)
		}
		list = append(list, v)
		off += n
	}
	return list, nil
}
