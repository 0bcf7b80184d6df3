package controller

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// ErrReplaced is the reason a session ends when another connection
// announces the same datapath id.
var ErrReplaced = errors.New("replaced by a new connection with the same datapath id")

// ErrGone: the datapath's session ended before the reply came.
var ErrGone = errors.New("datapath gone")

// Features are what the switch's features reply says about it.
type Features struct {
	DatapathID   uint64
	NBuffers     uint32
	NTables      uint8
	AuxiliaryID  uint8 // OpenFlow 1.3 only
	Capabilities uint32
}

// Stats are a datapath's session counters.
type Stats struct {
	PacketIns       uint64 // packet-ins handed to the apps
	PacketInDropped uint64 // packet-ins dropped by the rate limit
	BadMessages     uint64 // messages that failed to decode or convert
}

// A Datapath is one connected switch. Its methods may be called from any
// goroutine; see the package comment for Request from handlers.
type Datapath struct {
	c        *Controller
	conn     *openflow.Conn
	version  openflow.Version
	features Features
	remote   string
	kill     func(reason error) // ends the session with reason

	xid  atomic.Uint32
	done chan struct{} // closed when the session has ended and Leave ran

	packetIns, dropped, bad atomic.Uint64

	// slots is the per-app state of Slot; only the session goroutine
	// touches it.
	slots []any

	mu      sync.Mutex
	ports   []flow.PortDesc
	pending map[uint32]chan reply
	err     error // why the session ended, once it has
}

type reply struct {
	m   openflow.Message
	err error
}

// ID returns the datapath id.
func (dp *Datapath) ID() uint64 { return dp.features.DatapathID }

// Version returns the negotiated OpenFlow version.
func (dp *Datapath) Version() openflow.Version { return dp.version }

// Features returns the switch's features reply.
func (dp *Datapath) Features() Features { return dp.features }

// RemoteAddr returns the switch's address as text.
func (dp *Datapath) RemoteAddr() string { return dp.remote }

// Ports returns a copy of the switch's ports as last reported.
func (dp *Datapath) Ports() []flow.PortDesc {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	return slices.Clone(dp.ports)
}

// Stats returns the datapath's counters.
func (dp *Datapath) Stats() Stats {
	return Stats{PacketIns: dp.packetIns.Load(), PacketInDropped: dp.dropped.Load(), BadMessages: dp.bad.Load()}
}

// Done returns a channel closed once the session has ended and the leave
// handlers have run.
func (dp *Datapath) Done() <-chan struct{} { return dp.done }

// Close ends the session.
func (dp *Datapath) Close() error { return dp.conn.Close() }

func (dp *Datapath) String() string { return "dpid=" + dp.hexID() }

func (dp *Datapath) hexID() string { return fmt.Sprintf("%016x", dp.features.DatapathID) }

func (dp *Datapath) nextXid() uint32 {
	for {
		if x := dp.xid.Add(1); x != 0 {
			return x
		}
	}
}

// Send encodes m for the datapath's version and queues it. It waits while
// Config.OutputBytes are queued for the switch. m is encoded before Send
// returns, straight into the output queue (see flow.Wire): a FlowMod or
// PacketOut that outputs to ports is sent without allocating.
func (dp *Datapath) Send(m flow.Message) error {
	w, err := flow.Wire(dp.version, m)
	if err != nil {
		return fmt.Errorf("controller: send to %s: %w", dp, err)
	}
	return dp.SendRaw(w)
}

// SendRaw queues a wire message of the datapath's version.
func (dp *Datapath) SendRaw(m openflow.Message) error {
	if err := dp.conn.SendXid(dp.nextXid(), m); err != nil {
		return fmt.Errorf("controller: send to %s: %w", dp, err)
	}
	return nil
}

// Request sends m and returns the switch's reply converted to the flow
// model (a multipart reply whole, however many parts it came in). An
// OFPT_ERROR reply comes back as an error wrapping *openflow.ErrorMsg.
func (dp *Datapath) Request(ctx context.Context, m flow.Message) (flow.Message, error) {
	w, err := m.Encode(dp.version)
	if err != nil {
		return nil, fmt.Errorf("controller: request to %s: %w", dp, err)
	}
	r, err := dp.RequestRaw(ctx, w)
	if err != nil {
		return nil, err
	}
	x, err := flow.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("controller: request to %s: %w", dp, err)
	}
	return x, nil
}

// RequestRaw sends a wire message and returns the wire reply with the same
// xid, as Request does.
func (dp *Datapath) RequestRaw(ctx context.Context, m openflow.Message) (openflow.Message, error) {
	name := openflow.TypeName(m.Version(), m.MsgType())
	xid := dp.nextXid()
	ch := make(chan reply, 1)
	dp.mu.Lock()
	if dp.err != nil {
		err := dp.err
		dp.mu.Unlock()
		return nil, fmt.Errorf("controller: request %s to %s: %w: %w", name, dp, ErrGone, err)
	}
	dp.pending[xid] = ch
	dp.mu.Unlock()
	if err := dp.conn.SendXid(xid, m); err != nil {
		dp.forget(xid)
		return nil, fmt.Errorf("controller: request %s to %s: %w", name, dp, err)
	}
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, fmt.Errorf("controller: request %s to %s: %w", name, dp, r.err)
		}
		return r.m, nil
	case <-ctx.Done():
		dp.forget(xid)
		return nil, fmt.Errorf("controller: request %s to %s: %w", name, dp, ctx.Err())
	}
}

// Barrier returns once the switch has processed every message sent before
// it.
func (dp *Datapath) Barrier(ctx context.Context) error {
	_, err := dp.Request(ctx, &flow.BarrierRequest{})
	return err
}

func (dp *Datapath) forget(xid uint32) {
	dp.mu.Lock()
	delete(dp.pending, xid)
	dp.mu.Unlock()
}

// answer hands a message to the Request waiting for its xid, and reports
// whether there was one.
// awaits reports whether a Request waits for the reply with xid.
func (dp *Datapath) awaits(xid uint32) bool {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	_, ok := dp.pending[xid]
	return ok
}

func (dp *Datapath) answer(xid uint32, m openflow.Message) bool {
	dp.mu.Lock()
	ch, ok := dp.pending[xid]
	if ok {
		delete(dp.pending, xid)
	}
	dp.mu.Unlock()
	if !ok {
		return false
	}
	if em, isErr := m.(*openflow.ErrorMsg); isErr {
		ch <- reply{err: em}
	} else {
		ch <- reply{m: m}
	}
	return true
}

// end records why the session ended and fails every waiting Request.
func (dp *Datapath) end(reason error) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if dp.err != nil {
		return
	}
	dp.err = reason
	for xid, ch := range dp.pending {
		ch <- reply{err: fmt.Errorf("%w: %w", ErrGone, reason)}
		delete(dp.pending, xid)
	}
}

// updatePort applies a port-status message to the port list.
func (dp *Datapath) updatePort(ps *flow.PortStatus) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	i := slices.IndexFunc(dp.ports, func(p flow.PortDesc) bool { return p.PortNo == ps.Desc.PortNo })
	switch {
	case ps.Reason == flow.PortDelete && i >= 0:
		dp.ports = slices.Delete(dp.ports, i, i+1)
	case ps.Reason == flow.PortDelete:
	case i >= 0:
		dp.ports[i] = ps.Desc
	default:
		dp.ports = append(dp.ports, ps.Desc)
	}
}

// A Slot is per-datapath state of type T that an app keeps without locks:
// Get returns the datapath's *T, a zero T made on first use. Call Get only
// from handlers, which run on the datapath's session goroutine.
type Slot[T any] struct{ i int }

var slots atomic.Int64

// NewSlot returns a new slot, usually held in a package variable or an
// app's struct.
func NewSlot[T any]() Slot[T] { return Slot[T]{int(slots.Add(1))} }

// Get returns dp's value of the slot.
func (s Slot[T]) Get(dp *Datapath) *T {
	if s.i == 0 {
		panic("controller: Slot not made by NewSlot")
	}
	if s.i >= len(dp.slots) {
		dp.slots = append(dp.slots, make([]any, s.i+1-len(dp.slots))...)
	}
	p, _ := dp.slots[s.i].(*T)
	if p == nil {
		p = new(T)
		dp.slots[s.i] = p
	}
	return p
}
