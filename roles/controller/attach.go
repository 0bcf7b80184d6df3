package controller

import (
	"context"
	"fmt"
	"net"
)

// Attach runs a controller session on nc, a connection opened to a
// switch's passive listener (ptcp:) as ovs-ofctl opens one, and returns
// the datapath once the handshake is done: for requests such as flow stats
// from tools and tests. Closing the datapath, or ctx ending, ends the
// session.
func Attach(ctx context.Context, nc net.Conn, cfg Config) (*Datapath, error) {
	c := New(cfg)
	joined := make(chan *Datapath, 1)
	c.OnJoin(func(dp *Datapath) Verdict {
		joined <- dp
		return Stop
	})
	ended := make(chan error, 1)
	go func() { ended <- c.ServeConn(ctx, nc) }()
	select {
	case dp := <-joined:
		return dp, nil
	case err := <-ended:
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("controller: attach to %s: %w", nc.RemoteAddr(), err)
	}
}
