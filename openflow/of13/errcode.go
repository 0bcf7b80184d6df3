package of13

import (
	"errors"

	"github.com/ofbox/ofbox/openflow"
)

// The OFPT_ERROR that answers a message whose match, actions,
// instructions, buckets or meter bands do not decode names the structure
// (OFPET_BAD_MATCH/OFPBMC_BAD_LEN rather than OFPBRC_BAD_LEN), as the
// specification's error types do and Open vSwitch answers. The decoders
// of those structures attach it to their errors; openflow.ErrorCodeFor
// finds it, the innermost first (an action's code inside an instruction:
// openflow.WithErrorCode keeps a code already attached).

// errCodes is how one structure's decode errors map to an error type and
// code.
type errCodes struct {
	typ     uint16
	length  uint16 // for ErrTruncated, ErrBadLength and ErrTooLong
	byErr   []errCode
	another uint16 // for anything else
}

type errCode struct {
	err  error
	code uint16
}

// Error types and codes of OpenFlow 1.3 (ofp_error_type and its codes).
var (
	matchCodes = errCodes{typ: 4, length: 1, another: 6, // OFPET_BAD_MATCH: BAD_LEN, BAD_FIELD
		byErr: []errCode{{ErrBadMatchType, 0}, {ErrNotMaskable, 8}}} // BAD_TYPE, BAD_MASK
	actionCodes = errCodes{typ: 2, length: 1, another: 5, // OFPET_BAD_ACTION: BAD_LEN, BAD_ARGUMENT
		byErr: []errCode{{ErrUnknownAction, 0}}} // BAD_TYPE
	instructionCodes = errCodes{typ: 3, length: 7, another: 0, // OFPET_BAD_INSTRUCTION: BAD_LEN, UNKNOWN_INST
		byErr: []errCode{{ErrUnknownInstruction, 0}}}
	bucketCodes = errCodes{typ: 6, length: 12, another: 12} // OFPET_GROUP_MOD_FAILED: BAD_BUCKET
	bandCodes   = errCodes{typ: 12, length: 8, another: 8}  // OFPET_METER_MOD_FAILED: BAD_BAND
)

// withCode attaches to err the error type and code cs gives it, unless an
// inner structure attached one already.
func withCode(err error, cs errCodes) error {
	code := cs.another
	switch {
	case errors.Is(err, openflow.ErrTruncated), errors.Is(err, openflow.ErrBadLength), errors.Is(err, openflow.ErrTooLong):
		code = cs.length
	default:
		for _, e := range cs.byErr {
			if errors.Is(err, e.err) {
				code = e.code
				break
			}
		}
	}
	return openflow.WithErrorCode(err, openflow.Version13, cs.typ, code)
}
