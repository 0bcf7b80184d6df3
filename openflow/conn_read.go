package openflow

import (
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// Read returns the next message in the order the peer sent it; a
// multipart reply sent in parts comes back whole (its Header.Length
// saturates at MaxLen), at the position of its last part. Echo requests are
// answered and echo replies consumed without showing up here.
//
// A message that fails to decode is answered with an OFPT_ERROR carrying
// its first 64 bytes, and Read returns its header with an error wrapping a
// *DecodeError; the connection stays usable. So it does for a message of
// another version than the negotiated one (ErrBadVersion). Any other error
// is final: the connection has ended, and errors.Is(err, ErrPeerDead),
// io.EOF (the peer closed) or net.ErrClosed (Close was called) tell why.
func (c *Conn) Read() (Header, Message, error) {
	select {
	case <-c.closing:
		return Header{}, nil, fmt.Errorf("openflow: read: %w", net.ErrClosed)
	default:
	}
	if c.cfg.InlineRead {
		return c.readInline()
	}
	select {
	case it, ok := <-c.in:
		if !ok {
			c.mu.Lock()
			defer c.mu.Unlock()
			return Header{}, nil, c.err
		}
		return it.h, it.m, it.err
	case <-c.closing:
		return Header{}, nil, fmt.Errorf("openflow: read: %w", net.ErrClosed)
	}
}

// readLoop is the reader goroutine of a connection that speaks v.
func (c *Conn) readLoop(v Version) {
	defer c.wg.Done()
	defer close(c.in)
	ra := reassembler{max: c.cfg.MaxMultipart, awaited: c.cfg.Awaited}
	for {
		h, body, err := c.fr.ReadFrame()
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("openflow: read: connection closed by peer: %w", err)
			}
			c.fail(err)
			return
		}
		c.lastRecv.Store(int64(time.Since(c.epoch)))
		it, ok := c.handle(v, &ra, h, body)
		if ok && !c.deliver(it) {
			return
		}
	}
}

// deliver queues it for Read, and reports false if the connection ended
// first.
func (c *Conn) deliver(it inbound) bool {
	select {
	case c.in <- it:
		return true
	default:
	}
	c.stalled.Store(true)
	defer func() {
		c.lastRecv.Store(int64(time.Since(c.epoch)))
		c.stalled.Store(false)
	}()
	select {
	case c.in <- it:
		return true
	case <-c.dead:
		return false
	}
}

// handle turns a frame into what Read returns, if anything.
func (c *Conn) handle(v Version, ra *reassembler, h Header, body []byte) (inbound, bool) {
	if h.Version != v {
		if h.Type == TypeError {
			// Never answer an error; pass it on if it makes sense.
			if em, err := DecodeErrorMsg(h.Version, body); err == nil {
				return inbound{h: h, m: em}, true
			}
		}
		err := &DecodeError{Version: h.Version, Type: h.Type, Offset: 0,
			Err: fmt.Errorf("%w: %s on a %s connection", ErrBadVersion, h.Version, v)}
		return c.reject(v, h, body, err), true
	}
	switch h.Type {
	case TypeEchoRequest:
		c.control(func(b []byte) []byte { return appendFrame(b, v, TypeEchoReply, h.Xid, body) })
		return inbound{}, false
	case TypeEchoReply:
		return inbound{}, false
	}
	joined, done, err := ra.add(v, h, body)
	if err != nil {
		return c.reject(v, h, body, err), true
	}
	if !done {
		return inbound{}, false
	}
	body = joined
	h.Length = uint16(min(HeaderLen+len(body), MaxLen))
	m, err := c.decode(h, body)
	if err != nil {
		return c.reject(v, h, body, err), true
	}
	return inbound{h: h, m: m}, true
}

// decode decodes a body with the codec of the connection.
func (c *Conn) decode(h Header, body []byte) (Message, error) {
	if c.codec == nil {
		return &Unknown{Ver: h.Version, Type: h.Type, Body: append([]byte(nil), body...)}, nil
	}
	m, err := c.codec.Decode(h, body)
	switch {
	case err != nil:
		// Only here: de escapes, and would cost every message an
		// allocation.
		var de *DecodeError
		if !errors.As(err, &de) {
			err = &DecodeError{Version: h.Version, Type: h.Type, Offset: HeaderLen, Err: err}
		}
	case m == nil:
		err = &DecodeError{Version: h.Version, Type: h.Type, Offset: HeaderLen, Err: errors.New("codec returned no message")}
	}
	return m, err
}

// reject answers the offending message h with body with the OFPT_ERROR
// that fits err (unless it is an error itself) and returns err for Read.
func (c *Conn) reject(v Version, h Header, body []byte, err error) inbound {
	if h.Type != TypeError {
		typ, code := ErrorCodeFor(err)
		data, _ := h.AppendBinary(make([]byte, 0, 64))
		data = append(data, body[:min(len(body), 64-HeaderLen)]...)
		c.sendControl(h.Xid, &ErrorMsg{Ver: v, Type: typ, Code: code, Data: data})
	}
	return inbound{h: h, err: fmt.Errorf("openflow: read: %w", err)}
}

// rejectError is a decode condition that says which OFPT_ERROR answers
// it.
type rejectError struct {
	typ, code uint16
	err       error
}

func (e *rejectError) Error() string { return e.err.Error() }
func (e *rejectError) Unwrap() error { return e.err }

// WithErrorCode returns err carrying the OFPT_ERROR type and code of
// version v that answer it, for ErrorCodeFor to find, unless err carries
// an *ErrorMsg already: a codec attaches codes as it unwinds a nested
// structure, and the innermost, which names the problem best, wins.
func WithErrorCode(err error, v Version, typ, code uint16) error {
	var em *ErrorMsg
	if err == nil || errors.As(err, &em) {
		return err
	}
	return &codedError{err: err, em: ErrorMsg{Ver: v, Type: typ, Code: code}}
}

// codedError is an error with the OFPT_ERROR that answers it.
type codedError struct {
	err error
	em  ErrorMsg
}

func (c *codedError) Error() string   { return c.err.Error() }
func (c *codedError) Unwrap() []error { return []error{c.err, &c.em} }

// ErrorCodeFor picks the ofp_error_type and code that answer a message
// that failed to decode with err: what a codec chose by wrapping an
// *ErrorMsg, BAD_REQUEST/BAD_LEN for lengths, BAD_REQUEST/BAD_TYPE
// otherwise. The codes are the same in OpenFlow 1.0 and 1.3.
func ErrorCodeFor(err error) (typ, code uint16) {
	var re *rejectError
	var em *ErrorMsg
	switch {
	case errors.As(err, &re):
		return re.typ, re.code
	case errors.As(err, &em):
		return em.Type, em.Code
	case errors.Is(err, ErrBadVersion):
		return errTypeBadRequest, errCodeBadVersion
	case errors.Is(err, ErrTruncated), errors.Is(err, ErrBadLength), errors.Is(err, ErrTooLong):
		return errTypeBadRequest, errCodeBadLen
	}
	return errTypeBadRequest, errCodeBadType
}
