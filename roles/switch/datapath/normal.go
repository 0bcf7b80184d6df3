package datapath

import (
	"sync/atomic"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// macTableSize is the number of MAC learning slots: a power of two, far
// more than the hosts of the small networks fail-standalone serves.
const macTableSize = 4096

// macTable is the learning table of the NORMAL action and of
// fail-standalone: a lock-free hash of atomic words, each an address
// (high 48 bits) and a port slot + 1 (low 16 bits). Collisions overwrite:
// a forgotten address is flooded and learned again.
type macTable struct {
	slots [macTableSize]atomic.Uint64
}

func macWord(a openflow.EthAddr) uint64 {
	return uint64(a[0])<<40 | uint64(a[1])<<32 | uint64(a[2])<<24 | uint64(a[3])<<16 | uint64(a[4])<<8 | uint64(a[5])
}

func macSlot(m uint64) int {
	m *= 0x9e3779b97f4a7c15
	return int(m >> (64 - 12))
}

// learn records that address m was seen on port slot.
func (t *macTable) learn(m uint64, slot int) {
	s := &t.slots[macSlot(m)]
	v := m<<16 | uint64(slot+1)
	if s.Load() != v { // a store per frame would bounce the line between cores
		s.Store(v)
	}
}

// lookup returns the port slot address m was last seen on.
func (t *macTable) lookup(m uint64) (int, bool) {
	v := t.slots[macSlot(m)].Load()
	if v>>16 != m || v&0xffff == 0 {
		return 0, false
	}
	return int(v&0xffff) - 1, true
}

const macMulticast = 1 << 40 // the group bit of the first octet

// normal forwards p as a learning switch: learn the source, send to the
// port the destination was seen on, flood when unknown or multicast.
func (w *worker) normal(p *packet) {
	s := w.snap
	in := s.ports[p.inPort]
	if in == nil {
		return
	}
	src, dst := macWord(p.key.EthSrc), macWord(p.key.EthDst)
	if src&macMulticast == 0 {
		w.d.macs.learn(src, in.slot)
	}
	if dst&macMulticast == 0 {
		if slot, ok := w.d.macs.lookup(dst); ok {
			if ps := s.bySlot[slot]; ps != nil {
				if ps != in {
					w.emit(ps, p)
				}
				return
			}
		}
	}
	w.output(p, flow.PortFlood, 0, nil)
}

// SetStandalone turns fail-standalone forwarding on or off: while on, a
// table miss is forwarded by MAC learning (as the NORMAL action does)
// instead of being dropped or sent to the controller. The agent turns it
// on when no controller answers and off when one does; the flow tables
// are kept either way.
func (d *Datapath) SetStandalone(on bool) { d.standalone.Store(on) }
