package flow

import "bytes"

// Validate checks m as a switch checks a flow mod's match: every value
// fits its field, every mask is allowed for its field, no value bit lies
// outside its mask, and every matched field's prerequisite holds. The
// error is a *MatchError wrapping ErrBadValue, ErrBadMask,
// ErrBadWildcards or ErrBadPrereq.
func (m *Match) Validate() error {
	for f := range NumFields {
		if err := m.validateField(f); err != nil {
			return err
		}
	}
	return nil
}

func (m *Match) validateField(f Field) error {
	n := f.Len()
	var full, v, mk [16]byte
	f.fullMask(full[:])
	m.Key.Get(f, v[:])
	m.Mask.Get(f, mk[:])
	for i := range n {
		if v[i]&^full[i] != 0 {
			return &MatchError{Field: f, Err: ErrBadValue}
		}
	}
	if m.Mask.isZero(f) {
		if !m.Key.isZero(f) {
			return &MatchError{Field: f, Err: ErrBadWildcards}
		}
		return nil
	}
	for i := range n {
		if mk[i]&^full[i] != 0 {
			return &MatchError{Field: f, Err: ErrBadMask}
		}
		if v[i]&^mk[i] != 0 {
			return &MatchError{Field: f, Err: ErrBadWildcards}
		}
	}
	if !f.Maskable() && !bytes.Equal(mk[:n], full[:n]) {
		return &MatchError{Field: f, Err: ErrBadMask}
	}
	if !m.Satisfies(f.Prereq()) {
		return &MatchError{Field: f, Err: ErrBadPrereq}
	}
	return nil
}
