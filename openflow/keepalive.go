package openflow

import (
	"fmt"
	"time"
)

// keepalive runs when the keepalive timer fires: it sends an echo request
// after EchoInterval of silence and fails the connection with ErrPeerDead
// after EchoTimeout more. It reports whether the connection lives on.
func (c *Conn) keepalive(t *time.Timer) bool {
	now := time.Since(c.epoch)
	last := time.Duration(c.lastRecv.Load())
	if c.stalled.Load() {
		last = now // we are the slow side, not the peer
		c.lastRecv.Store(int64(now))
	}
	if c.echoAt >= 0 {
		if last < c.echoAt {
			if wait := c.echoAt + c.cfg.EchoTimeout - now; wait > 0 {
				t.Reset(wait)
				return true
			}
			c.fail(fmt.Errorf("openflow: keepalive: %w: silent for %v", ErrPeerDead, now-last))
			return false
		}
		c.echoAt = -1
	}
	if idle := now - last; idle < c.cfg.EchoInterval {
		t.Reset(c.cfg.EchoInterval - idle)
		return true
	}
	c.mu.Lock()
	if c.err == nil {
		c.pending = appendFrame(c.pending, c.Version(), TypeEchoRequest, c.nextXid(), nil)
		c.queued += HeaderLen
	}
	c.mu.Unlock()
	c.echoAt = now
	t.Reset(c.cfg.EchoTimeout)
	return true
}
