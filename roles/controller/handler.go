package controller

import (
	"sync"
	"sync/atomic"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// Verdict is what a handler returns: whether the handlers registered after
// it see the event too.
type Verdict bool

const (
	// Continue passes the event on to the next handler of the chain.
	Continue Verdict = false
	// Stop ends the chain: later handlers do not see the event.
	Stop Verdict = true
)

// Handler signatures, one per event kind.
type (
	// JoinHandler runs when a datapath has finished its handshake.
	JoinHandler func(dp *Datapath) Verdict
	// LeaveHandler runs once when a joined datapath's session ends, with
	// the reason: io.EOF wrapped for a close by the switch,
	// openflow.ErrPeerDead, a framing error, ErrReplaced, or the context's
	// error.
	LeaveHandler func(dp *Datapath, reason error) Verdict
	// PacketInHandler runs for each packet-in. pi and pi.Data are valid
	// only until the handler returns.
	PacketInHandler func(dp *Datapath, pi *flow.PacketIn) Verdict
	// FlowRemovedHandler runs for each flow-removed message.
	FlowRemovedHandler func(dp *Datapath, fr *flow.FlowRemoved) Verdict
	// PortStatusHandler runs for each port-status message, after the
	// datapath's port list has been updated.
	PortStatusHandler func(dp *Datapath, ps *flow.PortStatus) Verdict
	// ErrorHandler runs for each OFPT_ERROR that answers no Request.
	ErrorHandler func(dp *Datapath, xid uint32, e *openflow.ErrorMsg) Verdict
	// MessageHandler runs for every other message the switch sends
	// unasked: replies to Send (not Request), experimenter messages, and
	// the header of messages that failed to decode (m nil, err set).
	MessageHandler func(dp *Datapath, h openflow.Header, m openflow.Message, err error) Verdict
)

// chains holds the handlers of every event kind. It is replaced whole on
// registration, so that dispatch reads it without a lock.
type chains struct {
	join        []JoinHandler
	leave       []LeaveHandler
	packetIn    []PacketInHandler
	flowRemoved []FlowRemovedHandler
	portStatus  []PortStatusHandler
	errors      []ErrorHandler
	messages    []MessageHandler
}

type handlers struct {
	mu  sync.Mutex // serialises registrations
	cur atomic.Pointer[chains]
}

func (h *handlers) load() *chains {
	if c := h.cur.Load(); c != nil {
		return c
	}
	return &chains{}
}

// update registers a handler by changing a copy of the chains.
func (h *handlers) update(f func(c *chains)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := *h.load()
	f(&c)
	h.cur.Store(&c)
}

// add appends to a chain without sharing the old backing array.
func add[T any](s []T, v T) []T { return append(s[:len(s):len(s)], v) }

// OnJoin registers h for datapaths joining.
func (c *Controller) OnJoin(h JoinHandler) {
	c.handlers.update(func(cs *chains) { cs.join = add(cs.join, h) })
}

// OnLeave registers h for datapaths leaving.
func (c *Controller) OnLeave(h LeaveHandler) {
	c.handlers.update(func(cs *chains) { cs.leave = add(cs.leave, h) })
}

// OnPacketIn registers h for packet-ins.
func (c *Controller) OnPacketIn(h PacketInHandler) {
	c.handlers.update(func(cs *chains) { cs.packetIn = add(cs.packetIn, h) })
}

// OnFlowRemoved registers h for flow-removed messages.
func (c *Controller) OnFlowRemoved(h FlowRemovedHandler) {
	c.handlers.update(func(cs *chains) { cs.flowRemoved = add(cs.flowRemoved, h) })
}

// OnPortStatus registers h for port-status messages.
func (c *Controller) OnPortStatus(h PortStatusHandler) {
	c.handlers.update(func(cs *chains) { cs.portStatus = add(cs.portStatus, h) })
}

// OnError registers h for error messages that answer no Request.
func (c *Controller) OnError(h ErrorHandler) {
	c.handlers.update(func(cs *chains) { cs.errors = add(cs.errors, h) })
}

// OnMessage registers h for the messages no other kind covers.
func (c *Controller) OnMessage(h MessageHandler) {
	c.handlers.update(func(cs *chains) { cs.messages = add(cs.messages, h) })
}

// An App is a set of handlers that registers itself on a controller.
type App interface {
	Register(c *Controller)
}

// Use registers every app in order.
func (c *Controller) Use(apps ...App) {
	for _, a := range apps {
		a.Register(c)
	}
}
