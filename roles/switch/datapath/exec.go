package datapath

import (
	"github.com/ofbox/ofbox/openflow/flow"
)

// packet is a frame in flight: buf[start:end] with headroom before start.
type packet struct {
	buf    []byte
	start  int
	end    int
	inPort flow.PortNo
	queue  uint32
	key    flow.Key
	l      layout
}

func (p *packet) frame() []byte { return p.buf[p.start:p.end] }

// reparse refreshes the packet fields of the key and the layout after a
// push or pop, keeping the pipeline fields.
func (p *packet) reparse() {
	k := &p.key
	in, phy, md, tun := k.InPort, k.InPhyPort, k.Metadata, k.TunnelID
	*k = flow.Key{InPort: in, InPhyPort: phy, Metadata: md, TunnelID: tun}
	extract(p.frame(), k, &p.l)
}

// run sends p through the pipeline from table 0, using and filling the
// worker's exact-match cache.
func (w *worker) run(p *packet) {
	s := w.snap
	h := hashKey(&p.key)
	if tr := w.cache.lookup(&p.key, h, s.gen); tr != nil {
		w.pipeline(p, 0, tr, true)
		return
	}
	w.orig = p.key
	var tr trace
	if w.pipeline(p, 0, &tr, false) && tr.n > 0 {
		w.cache.insert(&w.orig, h, s.gen, &tr)
	}
}

// pipeline runs the tables from table start. With replay set it takes the
// entries from tr instead of looking them up; otherwise it records them in
// tr. It reports whether the walk is worth caching: complete, and not cut
// short by a meter or a TTL.
func (w *worker) pipeline(p *packet, start uint8, tr *trace, replay bool) bool {
	s := w.snap
	w.set.reset()
	t := start
	for step := 0; ; step++ {
		var e *entry
		if replay && step < tr.n {
			e = tr.e[step]
		} else {
			e = s.tables[t].lookup(&p.key)
			if !replay {
				if tr.n == maxTrace {
					tr.n = 0 // too long to cache; keep going uncached
					replay = true
				} else {
					tr.e[tr.n] = e
					tr.n++
				}
			}
		}
		w.count(t, e, p.end-p.start)
		if e == nil {
			w.miss(p, t)
			return true
		}
		pr := e.prog
		if pr.meter != 0 && !w.meter(pr.meter, p) {
			return false
		}
		if len(pr.apply) > 0 && !w.applyList(p, pr.apply, e, 0) {
			return false
		}
		if pr.clear {
			w.set.reset()
		}
		if pr.write != nil {
			w.set.merge(pr.write)
		}
		if pr.writeMeta {
			p.key.Metadata = p.key.Metadata&^pr.metaMask | pr.meta
		}
		if pr.gotoTable < 0 {
			w.execSet(p, e)
			return true
		}
		t = uint8(pr.gotoTable)
	}
}

// miss handles a table miss: MAC learning in fail-standalone, to the
// controller when the datapath is told so (OpenFlow 1.0), otherwise drop,
// as OpenFlow 1.3 has it.
func (w *worker) miss(p *packet, t uint8) {
	if w.d.standalone.Load() {
		w.normal(p)
		return
	}
	if w.d.missToController.Load() {
		w.packetIn(p, flow.ReasonNoMatch, t, 0, uint16(w.d.missSendLen.Load()))
	}
}

// applyList runs a list of actions in order. It reports false when the
// packet was dropped (TTL expired).
func (w *worker) applyList(p *packet, ops []op, e *entry, depth int) bool {
	for i := range ops {
		o := &ops[i]
		switch o.kind {
		case opOutput:
			w.output(p, o.port, o.maxLen, e)
		case opGroup:
			w.group(p, o.id, e, depth)
		case opSetQueue:
			p.queue = o.id
		default:
			if !w.modify(p, o) {
				return false
			}
		}
	}
	return true
}

// Action set slots, in the order OpenFlow 1.3 §5.10 executes them; the
// set-field actions run between slotSetNWTTL and slotQueue.
const (
	slotCopyTTLIn = iota
	slotPopVLAN
	slotPopMPLS
	slotPushMPLS
	slotPushVLAN
	slotCopyTTLOut
	slotDecMPLSTTL
	slotDecNWTTL
	slotSetMPLSTTL
	slotSetNWTTL
	slotQueue
	slotGroup
	slotOutput
	numSlots
)

var slotOf = [...]int{
	opOutput: slotOutput, opCopyTTLOut: slotCopyTTLOut, opCopyTTLIn: slotCopyTTLIn,
	opSetMPLSTTL: slotSetMPLSTTL, opDecMPLSTTL: slotDecMPLSTTL, opPushVLAN: slotPushVLAN,
	opPopVLAN: slotPopVLAN, opPushMPLS: slotPushMPLS, opPopMPLS: slotPopMPLS,
	opSetQueue: slotQueue, opGroup: slotGroup, opSetNWTTL: slotSetNWTTL, opDecNWTTL: slotDecNWTTL,
}

// actionSet is the OpenFlow action set: at most one action of each type,
// one set-field per field. Resetting it costs two stores.
type actionSet struct {
	slots  uint32
	fields uint64
	ops    [numSlots]*op
	sets   [flow.NumFields]*op
}

func (a *actionSet) reset() { a.slots, a.fields = 0, 0 }

func (a *actionSet) merge(ops []op) {
	for i := range ops {
		o := &ops[i]
		if o.kind == opSetField {
			a.fields |= 1 << o.field
			a.sets[o.field] = o
			continue
		}
		s := slotOf[o.kind]
		a.slots |= 1 << s
		a.ops[s] = o
	}
}

// execSet executes the action set at the end of the pipeline.
func (w *worker) execSet(p *packet, e *entry) {
	a := &w.set
	if a.slots == 0 && a.fields == 0 {
		return
	}
	for s := range slotQueue {
		if a.slots&(1<<s) != 0 && !w.modify(p, a.ops[s]) {
			return
		}
	}
	for f := range flow.NumFields {
		if a.fields&(1<<f) != 0 && !w.modify(p, a.sets[f]) {
			return
		}
	}
	if a.slots&(1<<slotQueue) != 0 {
		p.queue = a.ops[slotQueue].id
	}
	switch {
	case a.slots&(1<<slotGroup) != 0:
		w.group(p, a.ops[slotGroup].id, e, 0)
	case a.slots&(1<<slotOutput) != 0:
		o := a.ops[slotOutput]
		w.output(p, o.port, o.maxLen, e)
	}
}
