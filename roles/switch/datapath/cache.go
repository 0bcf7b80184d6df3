package datapath

import "github.com/ofbox/ofbox/openflow/flow"

// emcSize is the number of exact-match cache slots per worker: a power of
// two, large enough for the active flows of one port (OVS's EMC has 8192
// per thread) while the whole cache, about 256 bytes a slot, stays near
// the size of a core's L2 cache.
const emcSize = 2048

// maxTrace is the longest pipeline walk the cache records; longer walks
// (rare: more than eight goto_table hops) always take the classifier.
const maxTrace = 8

// trace is the flow entries a packet hit, table after table; a nil entry
// ends it with a table miss. Because the entries a packet meets depend
// only on its key (apply-actions rewrite the key the same way each time),
// replaying the trace is the same as looking the tables up again.
type trace struct {
	n int
	e [maxTrace]*entry
}

type emcSlot struct {
	gen uint64
	key flow.Key
	tr  trace
}

// emc is a worker's exact-match cache, indexed by key hash. Slots of
// an older snapshot generation are stale.
type emc struct {
	slots [emcSize]emcSlot
}

// The cache is two-way set associative: a key lives in one of the two
// slots of its set, so two hot flows that share a set do not evict each
// other.
func (c *emc) lookup(k *flow.Key, h, gen uint64) *trace {
	i := h & (emcSize - 2)
	for j := i; j < i+2; j++ {
		if s := &c.slots[j]; s.gen == gen && sameKey(&s.key, k) {
			return &s.tr
		}
	}
	return nil
}

func (c *emc) insert(k *flow.Key, h, gen uint64, tr *trace) {
	i := h & (emcSize - 2)
	s := &c.slots[i]
	if s.gen == gen { // take the stale way, else alternate by a hash bit
		if o := &c.slots[i+1]; o.gen != gen || h>>63 != 0 {
			s = o
		}
	}
	s.gen, s.key, s.tr = gen, *k, *tr
}

// sameKey compares two keys word by word, faster than == on a struct of
// forty fields.
func sameKey(a, b *flow.Key) bool {
	aw, bw, v := words(a), words(b), words(&valid)
	for i := range aw {
		if (aw[i]^bw[i])&v[i] != 0 {
			return false
		}
	}
	return true
}
