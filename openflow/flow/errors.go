package flow

import (
	"errors"
	"fmt"
)

// Conditions a match can violate. They come wrapped in a *MatchError that
// names the field; BadMatchCode maps them to OFPBMC_* codes. ErrUnsupported
// marks what a protocol version cannot express (goto_table in OpenFlow
// 1.0, say) or what the model does not hold.
var (
	ErrBadField     = errors.New("unknown field")                   // OFPBMC_BAD_FIELD
	ErrBadLen       = errors.New("bad field length")                // OFPBMC_BAD_LEN
	ErrBadValue     = errors.New("value out of range")              // OFPBMC_BAD_VALUE
	ErrBadMask      = errors.New("bad mask")                        // OFPBMC_BAD_MASK
	ErrBadWildcards = errors.New("value has bits outside its mask") // OFPBMC_BAD_WILDCARDS
	ErrBadPrereq    = errors.New("prerequisite not met")            // OFPBMC_BAD_PREREQ
	ErrDupField     = errors.New("field matched more than once")    // OFPBMC_DUP_FIELD
	ErrUnsupported  = errors.New("unsupported")                     // conversion limits
	errSyntax       = errors.New("syntax error")                    // Parse
)

// MatchError reports a field of a match that is not acceptable.
type MatchError struct {
	Field Field
	Err   error
}

func (e *MatchError) Error() string {
	if errors.Is(e.Err, ErrBadPrereq) && e.Field.Valid() {
		return fmt.Sprintf("flow: match field %s: %v (needs %s)", e.Field, e.Err, e.Field.Prereq())
	}
	return fmt.Sprintf("flow: match field %s: %v", e.Field, e.Err)
}

func (e *MatchError) Unwrap() error { return e.Err }

// OFPBMC_* codes of the OpenFlow 1.3 OFPET_BAD_MATCH error type.
const (
	BadMatchType       uint16 = 0
	BadMatchLen        uint16 = 1
	BadMatchTag        uint16 = 2
	BadMatchDLAddrMask uint16 = 3
	BadMatchNWAddrMask uint16 = 4
	BadMatchWildcards  uint16 = 5
	BadMatchField      uint16 = 6
	BadMatchValue      uint16 = 7
	BadMatchMask       uint16 = 8
	BadMatchPrereq     uint16 = 9
	BadMatchDupField   uint16 = 10
	ErrorTypeBadMatch  uint16 = 4 // OFPET_BAD_MATCH
)

// BadMatchCode returns the OFPET_BAD_MATCH code a switch answers err
// with, and false if err is not a match error.
func BadMatchCode(err error) (uint16, bool) {
	for _, c := range []struct {
		err  error
		code uint16
	}{
		{ErrBadField, BadMatchField},
		{ErrBadLen, BadMatchLen},
		{ErrBadValue, BadMatchValue},
		{ErrBadMask, BadMatchMask},
		{ErrBadWildcards, BadMatchWildcards},
		{ErrBadPrereq, BadMatchPrereq},
		{ErrDupField, BadMatchDupField},
	} {
		if errors.Is(err, c.err) {
			return c.code, true
		}
	}
	return 0, false
}
