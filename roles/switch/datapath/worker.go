package datapath

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// maxReadBatch caps a port's read batch: 64 frames amortise a syscall
// well (wireguard-go and Open vSwitch use 32 to 128) while the batch's
// buffers stay small.
const maxReadBatch = 64

// txBatch is how many frames a worker queues for one port before it writes
// them; the queue is also flushed after every read batch.
const txBatch = 64

// maxGroupDepth bounds group chaining (a bucket that calls a group).
const maxGroupDepth = 4

// tableCounters are a worker's lookup counters for one table.
type tableCounters struct {
	lookups atomic.Uint64
	matched atomic.Uint64
}

// txQueue is a worker's pending frames for one output port.
type txQueue struct {
	ps   *portState
	bufs [txBatch][]byte
	out  [txBatch][]byte
	n    int
}

// worker is the per-goroutine state of the fast path: the snapshot it is
// working on, its cache, its action set and transmit queues. Nothing in
// it is shared except the counters, which other goroutines read
// atomically.
type worker struct {
	d      *Datapath
	snap   *snapshot
	now    int64 // nanoseconds since d.epoch, set per batch
	cache  emc
	set    actionSet
	pkt    packet
	orig   flow.Key
	clones [maxGroupDepth + 1]packet
	tx     [MaxPorts]*txQueue
	dirty  []*txQueue
	tstats [NumTables]tableCounters

	// Counters gathered during a batch and added to the shared atomics at
	// its end, so that a batch of one flow costs a few atomic adds, not
	// four per frame.
	pend   [pendSlots]pending
	npend  int
	tpend  [NumTables]struct{ lookups, matched uint64 }
	tdirty []uint8
}

// pendSlots is how many distinct flow entries a batch's counters gather
// before the oldest are flushed: a batch mostly holds a few flows.
const pendSlots = 8

type pending struct {
	e       *entry
	packets uint64
	bytes   uint64
}

// count notes a lookup in table t that found e (nil: a miss) for a frame
// of n bytes.
func (w *worker) count(t uint8, e *entry, n int) {
	tp := &w.tpend[t]
	if tp.lookups == 0 {
		w.tdirty = append(w.tdirty, t)
	}
	tp.lookups++
	if e == nil {
		return
	}
	tp.matched++
	for i := range w.npend {
		if pe := &w.pend[i]; pe.e == e {
			pe.packets++
			pe.bytes += uint64(n)
			return
		}
	}
	if w.npend == pendSlots {
		w.flushCounters()
	}
	w.pend[w.npend] = pending{e, 1, uint64(n)}
	w.npend++
}

// flushCounters adds the gathered counters to the shared ones.
func (w *worker) flushCounters() {
	for i := range w.npend {
		pe := &w.pend[i]
		pe.e.stats.packets.Add(pe.packets)
		pe.e.stats.bytes.Add(pe.bytes)
		pe.e = nil
	}
	w.npend = 0
	for _, t := range w.tdirty {
		tp := &w.tpend[t]
		w.tstats[t].lookups.Add(tp.lookups)
		w.tstats[t].matched.Add(tp.matched)
		tp.lookups, tp.matched = 0, 0
	}
	w.tdirty = w.tdirty[:0]
}

func (d *Datapath) newWorker() *worker {
	w := &worker{d: d, dirty: make([]*txQueue, 0, 16), tdirty: make([]uint8, 0, NumTables)}
	for i := range w.clones {
		w.clones[i].buf = make([]byte, Headroom+frameCap)
	}
	d.workers = append(d.workers, w)
	return w
}

// begin starts a batch: it takes the current snapshot and time.
func (w *worker) begin() {
	w.snap = w.d.snap.Load()
	w.now = int64(time.Since(w.d.epoch))
}

// readLoop reads batches from a port and forwards them until the port is
// closed.
func (d *Datapath) readLoop(ps *portState, w *worker) {
	defer d.wg.Done()
	defer close(ps.done)
	n := min(max(ps.dev.BatchSize(), 1), maxReadBatch)
	size := Headroom + max(ps.dev.MTU(), 1500) + 14 + 8 + 16
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, size)
	}
	sizes := make([]int, n)
	for {
		k, err := ps.dev.Read(bufs, sizes, Headroom)
		if err != nil {
			if ps.closing.Load() || errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, os.ErrClosed) {
				return
			}
			ps.rxErrors.Add(1)
			time.Sleep(time.Millisecond) // a failing device must not spin
			continue
		}
		w.batch(ps, bufs[:k], sizes[:k])
	}
}

// batch forwards a batch of frames read from port in.
func (w *worker) batch(in *portState, bufs [][]byte, sizes []int) {
	w.begin()
	var bytes uint64
	for _, n := range sizes {
		bytes += uint64(n)
	}
	in.rxPackets.Add(uint64(len(bufs)))
	in.rxBytes.Add(bytes)
	if in.config.Load()&uint32(flow.PortNoRecv) != 0 {
		in.rxDropped.Add(uint64(len(bufs)))
		return
	}
	for i, b := range bufs {
		w.receive(in.no, b, Headroom, Headroom+sizes[i])
	}
	w.flush()
}

// receive runs one frame, buf[start:end], through the pipeline.
func (w *worker) receive(in flow.PortNo, buf []byte, start, end int) {
	p := &w.pkt
	p.buf, p.start, p.end, p.inPort, p.queue = buf, start, end, in, 0
	p.key = flow.Key{InPort: in}
	extract(p.frame(), &p.key, &p.l)
	w.run(p)
}

// output sends p to port, which may be a reserved port.
func (w *worker) output(p *packet, port flow.PortNo, maxLen uint16, e *entry) {
	s := w.snap
	switch port {
	case flow.PortInPort:
		if ps := s.ports[p.inPort]; ps != nil {
			w.emit(ps, p)
		}
	case flow.PortFlood, flow.PortAll:
		for _, ps := range s.plist {
			if ps.no == p.inPort || ps.no == flow.PortLocal {
				continue
			}
			if port == flow.PortFlood && ps.config.Load()&uint32(flow.PortNoFlood) != 0 {
				continue
			}
			w.emit(ps, p)
		}
	case flow.PortController:
		var cookie uint64
		var table uint8
		reason := flow.ReasonAction
		if e != nil {
			cookie, table = e.cookie, e.table
			if e.priority == 0 && e.match.Mask == (flow.Key{}) {
				reason = flow.ReasonNoMatch // the table-miss entry (OpenFlow 1.3 section 5.4)
			}
		}
		w.packetIn(p, reason, table, cookie, maxLen)
	case flow.PortTable:
		w.pipeline(p, 0, &trace{}, false)
	case flow.PortNormal:
		w.normal(p)
	default:
		if port == p.inPort {
			return // only IN_PORT sends a packet back where it came from
		}
		if ps := s.ports[port]; ps != nil {
			w.emit(ps, p)
		}
	}
}

// emit queues a copy of p's frame on port ps.
func (w *worker) emit(ps *portState, p *packet) {
	cfg := ps.config.Load()
	if cfg&uint32(flow.PortNoFwd|flow.PortDown) != 0 {
		ps.txDropped.Add(1)
		return
	}
	q := w.tx[ps.slot]
	if q == nil || q.ps != ps {
		q = w.newQueue(ps)
	}
	if q.n == 0 {
		w.dirty = append(w.dirty, q)
	}
	f := p.frame()
	b := q.bufs[q.n]
	if len(f) > len(b)-Headroom {
		ps.txDropped.Add(1)
		return
	}
	q.out[q.n] = b[:Headroom+copy(b[Headroom:], f)]
	q.n++
	if q.n == txBatch {
		w.write(q)
	}
}

// newQueue makes the transmit queue of a port slot; it allocates once per
// port and worker.
func (w *worker) newQueue(ps *portState) *txQueue {
	if q := w.tx[ps.slot]; q != nil && q.n > 0 {
		w.write(q) // the slot's old port is gone; finish what it queued
	}
	q := &txQueue{ps: ps}
	size := Headroom + max(ps.dev.MTU(), 1500) + 14 + 8 + 16
	for i := range q.bufs {
		q.bufs[i] = make([]byte, size)
	}
	w.tx[ps.slot] = q
	return q
}

// write hands a queue's frames to its port.
func (w *worker) write(q *txQueue) {
	if q.n == 0 {
		return
	}
	out := q.out[:q.n]
	n, err := q.ps.dev.Write(out, Headroom)
	var bytes uint64
	for _, b := range out[:min(max(n, 0), len(out))] {
		bytes += uint64(len(b) - Headroom)
	}
	q.ps.txPackets.Add(uint64(n))
	q.ps.txBytes.Add(bytes)
	if n < len(out) {
		q.ps.txDropped.Add(uint64(len(out) - n))
	}
	if err != nil {
		q.ps.txErrors.Add(1)
	}
	q.n = 0
}

// flush writes every queue with frames and publishes the counters.
func (w *worker) flush() {
	w.flushCounters()
	for _, q := range w.dirty {
		w.write(q)
	}
	w.dirty = w.dirty[:0]
}
