package datapath

import (
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// NumTables is how many flow tables the pipeline has: OpenFlow 1.3 table
// ids 0 to 254 are all valid, and the 64 the issue asks for already cost
// nothing while empty.
const NumTables = 255

// entry is one flow entry. It is immutable once published in a snapshot;
// its counters live in *entryStats, which a modify hands on to the entry
// that replaces it.
type entry struct {
	match    flow.Match
	priority uint16
	table    uint8
	cookie   uint64
	idle     uint16
	hard     uint16
	flags    flow.FlowModFlags
	instrs   []flow.Instruction
	prog     *program
	stats    *entryStats
}

// entryStats are the counters of a flow entry.
type entryStats struct {
	packets atomic.Uint64
	bytes   atomic.Uint64
	created time.Time

	// Idle-timeout bookkeeping, kept by the sweeper under Datapath.mu:
	// the packet count it last saw, and when that count last changed.
	seen uint64
	used time.Time
}

// subtable holds the entries of one table that share a mask: a hash map
// from the hash of the masked key to the entries, highest priority first
// (entries whose masked keys collide share a slice and are told apart by
// comparing words). This is the tuple of tuple-space search. Only the
// words the mask touches are hashed and compared, as Open vSwitch's
// miniflows do, so a lookup costs a few words, not the whole key.
type subtable struct {
	mask    flow.Key
	idx     []uint8 // the key words where mask is not zero
	maxPrio int
	flows   map[uint64][]*entry
	n       int
}

func newSubtable(mask *flow.Key) *subtable {
	st := &subtable{mask: *mask, maxPrio: -1, flows: map[uint64][]*entry{}}
	for i, w := range words(mask) {
		if w&words(&valid)[i] != 0 {
			st.idx = append(st.idx, uint8(i))
		}
	}
	return st
}

// hash hashes the words of k under the subtable's mask.
func (st *subtable) hash(k *flow.Key) uint64 {
	kw, mw := words(k), words(&st.mask)
	h := uint64(0x9e3779b97f4a7c15)
	for _, i := range st.idx {
		h ^= kw[i] & mw[i]
		h *= 0xff51afd7ed558ccd
		h ^= h >> 32
	}
	return h
}

// hit reports whether k under the subtable's mask equals e's key.
func (st *subtable) hit(k *flow.Key, e *entry) bool {
	kw, mw, ew := words(k), words(&st.mask), words(&e.match.Key)
	for _, i := range st.idx {
		if kw[i]&mw[i] != ew[i]&mw[i] {
			return false
		}
	}
	return true
}

// table is one immutable flow table: its subtables by descending highest
// priority, so that lookup stops as soon as no later subtable can win.
type table struct {
	subs []*subtable
	n    int
}

var emptyTable = &table{}

// lookup returns the highest-priority entry that matches k, or nil.
func (t *table) lookup(k *flow.Key) *entry {
	var best *entry
	for _, st := range t.subs {
		if best != nil && st.maxPrio <= int(best.priority) {
			break
		}
		for _, e := range st.flows[st.hash(k)] {
			if best != nil && e.priority <= best.priority {
				break
			}
			if st.hit(k, e) {
				best = e
				break
			}
		}
	}
	return best
}

// find returns the entry with exactly match m and priority p.
func (t *table) find(m *flow.Match, p uint16) *entry {
	for _, st := range t.subs {
		if st.mask != m.Mask {
			continue
		}
		for _, e := range st.flows[st.hash(&m.Key)] {
			if e.priority == p && e.match == *m {
				return e
			}
		}
	}
	return nil
}

// all calls fn for every entry until fn returns false.
func (t *table) all(fn func(*entry) bool) {
	for _, st := range t.subs {
		for _, es := range st.flows {
			for _, e := range es {
				if !fn(e) {
					return
				}
			}
		}
	}
}

// tableWriter changes tables copy-on-write: the first change to a table or
// subtable within one transaction copies it, later ones reuse the copy.
type tableWriter struct {
	tables *[NumTables]*table
	owned  map[any]bool
}

func (w *tableWriter) table(id uint8) *table {
	t := w.tables[id]
	if w.owned[t] {
		return t
	}
	c := &table{subs: slices.Clone(t.subs), n: t.n}
	w.owned[c] = true
	w.tables[id] = c
	return c
}

// sub returns an owned copy of t.subs[i].
func (w *tableWriter) sub(t *table, i int) *subtable {
	st := t.subs[i]
	if w.owned[st] {
		return st
	}
	c := &subtable{mask: st.mask, idx: st.idx, maxPrio: st.maxPrio, flows: maps.Clone(st.flows), n: st.n}
	w.owned[c] = true
	t.subs[i] = c
	return c
}

func (w *tableWriter) insert(e *entry) {
	t := w.table(e.table)
	i := slices.IndexFunc(t.subs, func(st *subtable) bool { return st.mask == e.match.Mask })
	var st *subtable
	if i < 0 {
		st = newSubtable(&e.match.Mask)
		w.owned[st] = true
		t.subs = append(t.subs, st)
	} else {
		st = w.sub(t, i)
	}
	h := st.hash(&e.match.Key)
	es := st.flows[h]
	j := 0
	for j < len(es) && es[j].priority >= e.priority {
		j++
	}
	st.flows[h] = slices.Insert(slices.Clip(es), j, e)
	st.n++
	t.n++
	if int(e.priority) > st.maxPrio {
		st.maxPrio = int(e.priority)
		sortSubs(t)
	}
}

// replace puts n in the place of o, which has the same match and priority.
func (w *tableWriter) replace(o, n *entry) {
	t := w.table(o.table)
	i := slices.IndexFunc(t.subs, func(st *subtable) bool { return st.mask == o.match.Mask })
	st := w.sub(t, i)
	h := st.hash(&o.match.Key)
	es := slices.Clone(st.flows[h])
	es[slices.Index(es, o)] = n
	st.flows[h] = es
}

func (w *tableWriter) remove(e *entry) {
	t := w.table(e.table)
	i := slices.IndexFunc(t.subs, func(st *subtable) bool { return st.mask == e.match.Mask })
	if i < 0 {
		return
	}
	st := w.sub(t, i)
	h := st.hash(&e.match.Key)
	es := st.flows[h]
	j := slices.Index(es, e)
	if j < 0 {
		return
	}
	if len(es) == 1 {
		delete(st.flows, h)
	} else {
		st.flows[h] = slices.Delete(slices.Clone(es), j, j+1)
	}
	st.n--
	t.n--
	if st.n == 0 {
		t.subs = slices.Delete(t.subs, i, i+1)
		return
	}
	if int(e.priority) == st.maxPrio {
		st.maxPrio = -1
		for _, es := range st.flows {
			st.maxPrio = max(st.maxPrio, int(es[0].priority))
		}
		sortSubs(t)
	}
}

func sortSubs(t *table) {
	slices.SortStableFunc(t.subs, func(a, b *subtable) int { return b.maxPrio - a.maxPrio })
}
