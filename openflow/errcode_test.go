package openflow

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestWithErrorCode: the code attached innermost wins, the error's text
// and chain are kept, and without one ErrorCodeFor falls back on the
// error's kind.
func TestWithErrorCode(t *testing.T) {
	inner := WithErrorCode(fmt.Errorf("oxm: %w", ErrTruncated), Version13, 4, 1) // BAD_MATCH/BAD_LEN
	outer := WithErrorCode(fmt.Errorf("instruction: %w", inner), Version13, 3, 7)
	if typ, code := ErrorCodeFor(&DecodeError{Version: Version13, Err: outer}); typ != 4 || code != 1 {
		t.Errorf("ErrorCodeFor = %d/%d; want the inner 4/1", typ, code)
	}
	if !errors.Is(outer, ErrTruncated) || !strings.HasPrefix(outer.Error(), "instruction: oxm: ") {
		t.Errorf("error %q lost its chain", outer)
	}
	if typ, code := ErrorCodeFor(fmt.Errorf("x: %w", ErrBadLength)); typ != errTypeBadRequest || code != errCodeBadLen {
		t.Errorf("ErrorCodeFor(ErrBadLength) = %d/%d; want BAD_REQUEST/BAD_LEN", typ, code)
	}
	if WithErrorCode(nil, Version13, 1, 1) != nil {
		t.Error("WithErrorCode(nil) != nil")
	}
}
