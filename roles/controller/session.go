package controller

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// maxEarly bounds the messages a switch may send during setup that are
// kept to be dispatched after the join (port-status, say); more are
// dropped.
const maxEarly = 64

// setup xids; the datapath's own xids start above them.
const (
	xidFeatures uint32 = iota + 1
	xidPortDesc
	xidFirst
)

// inbound is one message read from the switch.
type inbound struct {
	h openflow.Header
	m openflow.Message
}

// ServeConn runs the session of one switch connection: handshake, join,
// dispatch of its messages to the handlers, and leave. It returns when the
// connection ends, with the reason (nil when ctx ended it). nc is closed.
func (c *Controller) ServeConn(ctx context.Context, nc net.Conn) error {
	remote := nc.RemoteAddr().String()
	cd := newSessionCodecs(newBucket(c.cfg.PacketInRate, c.cfg.PacketInBurst))
	// Only the replies to this session's requests are joined from their
	// parts: a part of any other is dispatched as it comes, not held.
	var session atomic.Pointer[Datapath]
	awaited := func(xid uint32) bool {
		if xid == xidPortDesc {
			return true
		}
		dp := session.Load()
		return dp != nil && dp.awaits(xid)
	}
	// The session reads inline: handlers run on the goroutine that reads,
	// messages are decoded only when dispatched (so packet-ins reuse one
	// value), and the replies to a read batch go out in one write.
	conn := openflow.NewConn(writeTimeoutConn{nc, c.cfg.WriteTimeout}, openflow.Config{
		Versions: c.cfg.Versions, Codecs: cd.list(), EchoInterval: c.cfg.EchoInterval,
		HandshakeTimeout: c.cfg.SetupTimeout, MaxPending: c.cfg.OutputBytes, InlineRead: true,
		Awaited: awaited,
	})
	defer conn.Close()
	dp, early, err := c.setup(ctx, conn)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		c.log.Info("switch setup failed", "remote", remote, "err", err)
		return fmt.Errorf("controller: session with %s: %w", remote, err)
	}
	dp.remote = remote
	session.Store(dp)
	var reason atomic.Pointer[error]
	stop := context.AfterFunc(ctx, func() {
		err := ctx.Err()
		reason.CompareAndSwap(nil, &err)
		conn.Close()
	})
	defer stop()
	dp.kill = func(why error) {
		reason.CompareAndSwap(nil, &why)
		conn.Close()
	}
	c.join(dp)
	err = c.run(dp, early, cd)
	if r := reason.Load(); r != nil {
		err = *r
	}
	c.leave(dp, err)
	if ctx.Err() != nil || errors.Is(err, ErrReplaced) {
		return nil
	}
	return fmt.Errorf("controller: session with %s: %w", dp, err)
}

// setup runs the handshake, the features exchange, the switch
// configuration and, in OpenFlow 1.3, the port description request.
func (c *Controller) setup(ctx context.Context, conn *openflow.Conn) (*Datapath, []inbound, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.SetupTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	v, err := conn.Handshake(ctx)
	if err != nil {
		return nil, nil, err
	}
	dp := &Datapath{c: c, conn: conn, version: v, done: make(chan struct{}), pending: make(map[uint32]chan reply)}
	dp.xid.Store(xidFirst)
	var early []inbound
	// read returns the reply with xid, keeping what comes before it.
	read := func(xid uint32, what string) (openflow.Message, error) {
		for {
			h, m, err := conn.Read()
			switch {
			case err != nil && h.Length >= openflow.HeaderLen:
				dp.bad.Add(1)
				continue
			case err != nil && ctx.Err() != nil:
				return nil, fmt.Errorf("%s: %w (%w)", what, ctx.Err(), err)
			case err != nil:
				return nil, fmt.Errorf("%s: %w", what, err)
			case h.Xid == xid && !async(m):
				if em, ok := m.(*openflow.ErrorMsg); ok {
					return nil, fmt.Errorf("%s: %w", what, em)
				}
				return m, nil
			case len(early) < maxEarly:
				early = append(early, inbound{h, m})
			}
		}
	}
	var features, config, portDesc openflow.Message
	if v == openflow.Version10 {
		features = &of10.FeaturesRequest{}
		config = &of10.SetConfig{MissSendLen: c.cfg.MissSendLen}
	} else {
		features = &of13.FeaturesRequest{}
		config = &of13.SetConfig{SwitchConfig: of13.SwitchConfig{MissSendLen: c.cfg.MissSendLen}}
		portDesc = &of13.PortDescRequest{}
	}
	if err := conn.SendXid(xidFeatures, features); err != nil {
		return nil, nil, err
	}
	m, err := read(xidFeatures, "features")
	if err != nil {
		return nil, nil, err
	}
	switch f := m.(type) {
	case *of10.FeaturesReply:
		dp.features = Features{DatapathID: f.DatapathID, NBuffers: f.NBuffers, NTables: f.NTables, Capabilities: uint32(f.Capabilities)}
		dp.ports = flow.PortsFrom10(f.Ports)
	case *of13.FeaturesReply:
		dp.features = Features{DatapathID: f.DatapathID, NBuffers: f.NBuffers, NTables: f.NTables, AuxiliaryID: f.AuxiliaryID, Capabilities: uint32(f.Capabilities)}
	default:
		return nil, nil, fmt.Errorf("features: got %s, want OFPT_FEATURES_REPLY", openflow.TypeName(m.Version(), m.MsgType()))
	}
	if err := dp.SendRaw(config); err != nil {
		return nil, nil, err
	}
	if portDesc != nil {
		if err := conn.SendXid(xidPortDesc, portDesc); err != nil {
			return nil, nil, err
		}
		m, err := read(xidPortDesc, "port description")
		var em *openflow.ErrorMsg
		switch {
		case errors.As(err, &em):
			c.log.Warn("port description refused", "dpid", dp.hexID(), "err", err)
		case err != nil:
			return nil, nil, err
		default:
			if r, err := flow.DecodeAs[*flow.PortDescReply](m); err == nil {
				dp.ports = r.Ports
			}
		}
	}
	return dp, early, nil
}

// async reports whether m is a message a switch sends on its own, whose
// xid (the switch's) says nothing about our requests.
func async(m openflow.Message) bool {
	switch m.(type) {
	case *of13.PacketIn, *of10.PacketIn, *of13.FlowRemoved, *of10.FlowRemoved, *of13.PortStatus, *of10.PortStatus:
		return true
	}
	return false
}

// join registers dp, ending the session of an older connection of the
// same datapath first, and runs the join handlers.
func (c *Controller) join(dp *Datapath) {
	c.mu.Lock()
	old := c.datapaths[dp.ID()]
	c.datapaths[dp.ID()] = dp
	c.mu.Unlock()
	if old != nil {
		c.log.Warn("datapath reconnected", "dpid", dp.hexID(), "old", old.remote, "new", dp.remote)
		old.kill(ErrReplaced)
		<-old.done
	}
	c.log.Info("datapath joined", "dpid", dp.hexID(), "version", dp.version.String(), "remote", dp.remote, "ports", len(dp.ports))
	for _, h := range c.handlers.load().join {
		if h(dp) == Stop {
			break
		}
	}
}

// leave unregisters dp, fails its requests and runs the leave handlers.
func (c *Controller) leave(dp *Datapath, reason error) {
	dp.end(reason)
	c.mu.Lock()
	if c.datapaths[dp.ID()] == dp {
		delete(c.datapaths, dp.ID())
	}
	c.mu.Unlock()
	c.log.Info("datapath left", "dpid", dp.hexID(), "reason", reason)
	for _, h := range c.handlers.load().leave {
		if h(dp, reason) == Stop {
			break
		}
	}
	close(dp.done)
}

// writeTimeoutConn ends a connection whose peer leaves written bytes
// unread for too long, so that a stuck switch cannot hold its senders
// forever.
type writeTimeoutConn struct {
	net.Conn
	timeout time.Duration
}

func (w writeTimeoutConn) Write(b []byte) (int, error) {
	if err := w.Conn.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil {
		return 0, err
	}
	return w.Conn.Write(b)
}
