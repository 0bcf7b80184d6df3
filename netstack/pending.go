package netstack

// pending holds frames cut from GSO frames that did not fit the caller's
// batch; the next Read returns them before reading the socket. Its slots
// grow on demand up to maxPending and are then reused.
type pending struct {
	slotSize   int
	slots      [][]byte
	lens       []int // -1: dropped
	head, tail int
}

// reset empties the queue and makes room for n frames.
func (p *pending) reset(n int) {
	p.head, p.tail = 0, min(n, maxPending)
	for len(p.slots) < p.tail {
		p.slots = append(p.slots, make([]byte, p.slotSize))
		p.lens = append(p.lens, 0)
	}
}

// slot returns slot k's buffer, nil beyond the bound.
func (p *pending) slot(k int) []byte {
	if k >= p.tail {
		return nil
	}
	return p.slots[k]
}

func (p *pending) setLen(k, l int) {
	if k < p.tail {
		p.lens[k] = l
	}
}

// drain copies queued frames into bufs and returns how many; frames that
// were dropped while cutting (-1) or do not fit are counted and skipped.
func (p *pending) drain(bufs [][]byte, sizes []int, offset int, c *counters) int {
	n, room := 0, min(len(bufs), len(sizes))
	for ; p.head < p.tail && n < room; p.head++ {
		l := p.lens[p.head]
		dst := bufs[n][offset:]
		if l < 0 || l > len(dst) {
			c.rxDropped.Add(1)
			continue
		}
		sizes[n] = copy(dst, p.slots[p.head][:l])
		c.rxFrames.Add(1)
		c.rxBytes.Add(uint64(l))
		n++
	}
	return n
}
