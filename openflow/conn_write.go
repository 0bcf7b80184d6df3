package openflow

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"
)

// maxSpare is the largest write buffer the writer keeps for reuse; a
// burst that grew it beyond this gives the memory back.
const maxSpare = 4 << 20

// Send queues m with a new xid and returns the xid. It blocks while
// Config.MaxPending bytes wait for the writer. A multipart reply longer
// than a frame is split into parts with the same xid; any other message
// that does not fit a frame fails with ErrTooLong. Send returns once m is
// queued; errors of the write itself end the connection and show up in
// later calls.
func (c *Conn) Send(m Message) (uint32, error) {
	return c.send(m, 0, true)
}

// SendXid queues m with the given xid, as a reply to the request that
// carried it. It blocks as Send does.
func (c *Conn) SendXid(xid uint32, m Message) error {
	_, err := c.send(m, xid, false)
	return err
}

func (c *Conn) send(m Message, xid uint32, alloc bool) (uint32, error) {
	v := c.Version()
	if v == 0 {
		return 0, fmt.Errorf("openflow: send %s: %w", TypeName(m.Version(), m.MsgType()), errNotReady)
	}
	if m.Version() != v {
		return 0, fmt.Errorf("openflow: send %s: %w: %s on a %s connection", TypeName(m.Version(), m.MsgType()), ErrBadVersion, m.Version(), v)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil && len(c.pending) >= c.cfg.MaxPending {
		c.wakeLocked() // even while corked: the batch cannot end
		c.cond.Wait()
	}
	if c.err != nil {
		return 0, c.err
	}
	if alloc {
		xid = c.nextXid()
	}
	if err := c.appendLocked(v, xid, m); err != nil {
		return 0, err
	}
	return xid, nil
}

// appendLocked encodes m with xid into pending, splitting a long
// multipart reply. On failure pending is left as it was. c.mu must be
// held.
func (c *Conn) appendLocked(v Version, xid uint32, m Message) error {
	start := len(c.pending)
	b := append(c.pending, uint8(v), m.MsgType(), 0, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[start+4:], xid)
	b, err := m.AppendBinary(b)
	if err != nil {
		return fmt.Errorf("openflow: send %s: %w", TypeName(v, m.MsgType()), err)
	}
	if n := len(b) - start; n <= MaxLen {
		binary.BigEndian.PutUint16(b[start+2:], uint16(n))
	} else if typ, _, _ := multipartReply(v); m.MsgType() == typ {
		body := append([]byte(nil), b[start+HeaderLen:]...)
		if b, err = appendMultipartSplit(b[:start], v, xid, body); err != nil {
			return err
		}
	} else {
		return fmt.Errorf("openflow: send %s: %w: %d bytes", TypeName(v, m.MsgType()), ErrTooLong, n)
	}
	c.pending = b
	c.queueLocked(len(b) - start)
	return nil
}

// queueLocked counts n bytes just appended to pending and wakes the
// writer. c.mu must be held.
func (c *Conn) queueLocked(n int) {
	c.queued += uint64(n)
	if !c.corked {
		c.wakeLocked()
	}
}

// wakeLocked wakes the writer. c.mu must be held.
func (c *Conn) wakeLocked() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// sendControl queues a message the connection itself sends (HELLO_FAILED,
// error replies, echo replies) without blocking: the reader must not wait
// for a peer that is itself waiting for us to read. A peer that makes us
// queue far more than Config.MaxPending without reading ends the
// connection.
func (c *Conn) sendControl(xid uint32, m Message) {
	c.control(func(b []byte) []byte {
		if nb, err := Append(b, xid, m); err == nil {
			return nb
		}
		return b
	})
}

// control appends to pending with add, under the rules of sendControl.
func (c *Conn) control(add func([]byte) []byte) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if len(c.pending) > 2*c.cfg.MaxPending+2*MaxLen {
		c.mu.Unlock()
		c.fail(fmt.Errorf("openflow: write: %d bytes queued: the peer is not reading", len(c.pending)))
		return
	}
	start := len(c.pending)
	c.pending = add(c.pending)
	c.queueLocked(len(c.pending) - start)
	c.mu.Unlock()
}

// Flush waits until everything queued before the call is written, the
// connection ends, or ctx is done.
func (c *Conn) Flush(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.queued
	if c.written < target {
		c.wakeLocked() // even while corked
	}
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	for c.written < target && c.err == nil && ctx.Err() == nil {
		c.cond.Wait()
	}
	switch {
	case c.written >= target:
		return nil
	case c.err != nil:
		return c.err
	}
	return fmt.Errorf("openflow: flush: %w", ctx.Err())
}

// writeLoop is the writer goroutine: it writes everything pending with one
// Write per wake-up, and runs the keepalive.
func (c *Conn) writeLoop() {
	defer c.wg.Done()
	ready := c.ready
	var timer *time.Timer
	var tick <-chan time.Time
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-c.dead:
			return
		case <-ready:
			ready = nil
			if c.cfg.EchoInterval > 0 {
				timer = time.NewTimer(c.cfg.EchoInterval)
				tick = timer.C
			}
			continue
		case <-tick:
			if !c.keepalive(timer) {
				return
			}
		case <-c.wake:
		}
		c.mu.Lock()
		buf := c.pending
		c.pending, c.spare = c.spare, nil
		c.cond.Broadcast()
		c.mu.Unlock()
		if len(buf) == 0 {
			continue
		}
		_, err := c.nc.Write(buf)
		c.mu.Lock()
		c.written += uint64(len(buf))
		if cap(buf) <= maxSpare {
			c.spare = buf[:0]
		}
		c.cond.Broadcast()
		c.mu.Unlock()
		if err != nil {
			c.fail(fmt.Errorf("openflow: write: %w", err))
			return
		}
	}
}

// appendFrame appends a frame with the given header fields and body, which
// must fit.
func appendFrame(b []byte, v Version, typ uint8, xid uint32, body []byte) []byte {
	b = append(b, uint8(v), typ)
	b = binary.BigEndian.AppendUint16(b, uint16(HeaderLen+len(body)))
	b = binary.BigEndian.AppendUint32(b, xid)
	return append(b, body...)
}
