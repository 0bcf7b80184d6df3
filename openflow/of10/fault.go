package of10

import (
	"errors"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// fault is a decode failure at an offset counted from the start of the
// bytes a decoder was given. Decoders of nested structures return faults;
// callers add their own base offset with at, and Codec turns the result
// into an *openflow.DecodeError.
type fault struct {
	off int
	err error
}

func (f *fault) Error() string { return fmt.Sprintf("offset %d: %v", f.off, f.err) }
func (f *fault) Unwrap() error { return f.err }

// at returns err with base added to its offset; errors that are not faults
// are placed at base.
func at(base int, err error) error {
	if err == nil {
		return nil
	}
	var f *fault
	if errors.As(err, &f) {
		return &fault{base + f.off, f.err}
	}
	return &fault{base, err}
}

// short is the fault of a Reader that ran out of bytes.
func short(r *wire.Reader) error {
	return &fault{r.ErrOffset(), openflow.ErrTruncated}
}

// badLen is a fault for an inconsistent length at off.
func badLen(off int, format string, args ...any) error {
	return &fault{off, fmt.Errorf("%w: "+format, append([]any{openflow.ErrBadLength}, args...)...)}
}

// decodeError turns a fault from decoding the body of a message of type t
// into an *openflow.DecodeError.
func decodeError(t Type, err error) error {
	var f *fault
	off := 0
	if errors.As(err, &f) {
		off, err = f.off, f.err
	}
	return &openflow.DecodeError{Version: openflow.Version10, Type: uint8(t), Offset: openflow.HeaderLen + off, Err: err}
}

// tooLong reports a structure that does not fit its 16-bit length field.
func tooLong(what string, n int) error {
	return fmt.Errorf("%s: %w: %d bytes", what, openflow.ErrTooLong, n)
}
