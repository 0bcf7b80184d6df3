package openflow

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// readInline is Read with Config.InlineRead: it reads, answers echoes and
// decodes in the calling goroutine.
func (c *Conn) readInline() (Header, Message, error) {
	select {
	case <-c.ready:
	default:
		select {
		case <-c.ready:
		case <-c.dead:
			return Header{}, nil, c.failure()
		}
	}
	// Between Reads the caller is busy, not the peer silent: the
	// keepalive counts that time as heard from the peer.
	c.stalled.Store(false)
	defer c.stalled.Store(true)
	v := c.Version()
	for {
		fresh := true // the frame comes from the network, not the buffer
		if c.inBatch {
			if fresh = !c.frameBuffered(); fresh {
				c.uncork() // the batch is done: write what it produced
			}
		}
		h, body, err := c.fr.ReadFrame()
		if err != nil {
			if err == io.EOF {
				err = fmt.Errorf("openflow: read: connection closed by peer: %w", err)
			}
			c.fail(err)
			c.uncork()
			return Header{}, nil, c.failure()
		}
		if fresh {
			// Once per batch: clock reads cost.
			c.lastRecv.Store(int64(time.Since(c.epoch)))
		}
		if !c.inBatch {
			c.cork()
		}
		if it, ok := c.handle(v, &c.ra, h, body); ok {
			return it.h, it.m, it.err
		}
	}
}

// failure returns why the connection ended, as Read reports it.
func (c *Conn) failure() error {
	select {
	case <-c.closing:
		return fmt.Errorf("openflow: read: %w", net.ErrClosed)
	default:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// frameBuffered reports whether a whole frame after the current one is in
// the read buffer, so that the next ReadFrame does not wait for the
// network.
func (c *Conn) frameBuffered() bool {
	n := c.fr.br.Buffered() - c.fr.used
	if n < HeaderLen {
		return false
	}
	p, err := c.fr.br.Peek(c.fr.used + HeaderLen)
	if err != nil {
		return false
	}
	return n >= int(binary.BigEndian.Uint16(p[c.fr.used+2:]))
}

// cork holds the writer until the reader has handled every frame it has
// buffered, so that the replies to a batch go out together.
func (c *Conn) cork() {
	c.inBatch = true
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork lets the writer write what the batch produced.
func (c *Conn) uncork() {
	c.inBatch = false
	c.mu.Lock()
	c.corked = false
	if len(c.pending) > 0 {
		c.wakeLocked()
	}
	c.mu.Unlock()
}
