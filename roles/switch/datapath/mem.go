package datapath

import (
	"net"
	"sync"
)

// memRingSize is how many frames one direction of a mem pipe queues before
// Write drops, as a NIC's ring would.
const memRingSize = 1024

// memBatch is a MemPort's batch size: the same as the datapath's default
// read batch, so one Read fills one batch.
const memBatch = 64

// memQueue is one direction of a mem pipe: a ring of frame copies.
type memQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	frames [memRingSize][]byte
	head   int // next to read
	n      int // queued frames
	closed bool
	drops  uint64
	parked int // readers waiting in Read
}

func newMemQueue(mtu int) *memQueue {
	q := &memQueue{}
	q.cond.L = &q.mu
	for i := range q.frames {
		q.frames[i] = make([]byte, 0, mtu+18)
	}
	return q
}

func (q *memQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

// MemPort is an in-memory Port: one end of a pipe made by NewMemPipe.
// Frames written to one end are read from the other. It does not allocate
// per frame, so benchmarks and zero-allocation tests can run over it.
type MemPort struct {
	name string
	addr [6]byte
	mtu  int
	rx   *memQueue // what this end reads
	tx   *memQueue // the peer's rx
}

// NewMemPipe returns the two ends of an in-memory link with the given
// names and MTU; the hardware addresses are derived from the names.
func NewMemPipe(nameA, nameB string, mtu int) (*MemPort, *MemPort) {
	qa, qb := newMemQueue(mtu), newMemQueue(mtu)
	a := &MemPort{name: nameA, addr: memAddr(nameA), mtu: mtu, rx: qa, tx: qb}
	b := &MemPort{name: nameB, addr: memAddr(nameB), mtu: mtu, rx: qb, tx: qa}
	return a, b
}

// memAddr makes a locally administered unicast address from a name.
func memAddr(name string) [6]byte {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint32(name[i])) * 16777619
	}
	return [6]byte{0x02, 0x0f, byte(h >> 24), byte(h >> 16), byte(h >> 8), byte(h)}
}

// Read implements Port.
func (p *MemPort) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	q := p.rx
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.n == 0 && !q.closed {
		q.parked++
		q.cond.Wait()
		q.parked--
	}
	if q.n == 0 {
		return 0, net.ErrClosed
	}
	n := 0
	for n < len(bufs) && q.n > 0 {
		f := q.frames[q.head]
		sizes[n] = copy(bufs[n][offset:], f)
		q.head = (q.head + 1) % memRingSize
		q.n--
		n++
	}
	return n, nil
}

// Write implements Port. Frames that find the peer's ring full are
// dropped; the count says how many were queued.
func (p *MemPort) Write(bufs [][]byte, offset int) (int, error) {
	q := p.tx
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return 0, net.ErrClosed
	}
	n := 0
	for _, b := range bufs {
		if q.n == memRingSize {
			q.drops++
			continue
		}
		i := (q.head + q.n) % memRingSize
		q.frames[i] = append(q.frames[i][:0], b[offset:]...)
		q.n++
		n++
	}
	q.mu.Unlock()
	if n > 0 {
		q.cond.Signal()
	}
	return n, nil
}

// BatchSize implements Port.
func (p *MemPort) BatchSize() int { return memBatch }

// MTU implements Port.
func (p *MemPort) MTU() int { return p.mtu }

// Name implements Port.
func (p *MemPort) Name() string { return p.name }

// HWAddr implements Port.
func (p *MemPort) HWAddr() [6]byte { return p.addr }

// Close implements Port: both directions stop, and blocked Reads on either
// end return net.ErrClosed.
func (p *MemPort) Close() error {
	p.rx.close()
	p.tx.close()
	return nil
}

// Drops returns how many frames written to this end's peer were dropped
// because its ring was full.
func (p *MemPort) Drops() uint64 {
	p.tx.mu.Lock()
	defer p.tx.mu.Unlock()
	return p.tx.drops
}

// parkedReaders returns how many readers wait in Read for a frame; tests
// use it to know that a port's read loop has started and is idle.
func (p *MemPort) parkedReaders() int {
	p.rx.mu.Lock()
	defer p.rx.mu.Unlock()
	return p.rx.parked
}
