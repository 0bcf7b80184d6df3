package netstack

import "golang.org/x/sys/unix"

// maxPending bounds the frames a Read holds back for the next one: the GSO
// segments that did not fit the caller's batch. 512 frames (under 1 MB at
// MTU 1500) hold eleven 64 KB super-frames cut at a 1448-byte MSS; while
// GSO frames arrive, Read asks recvmmsg for only as many messages as that
// room can take (see rvlenCap).
const maxPending = 512

// finish turns the n messages recvmmsg returned into frames: drops the
// truncated and malformed, completes partial checksums, cuts GSO frames.
// It returns how many frames are in bufs; the rest wait in d.pend.
func (d *PacketDevice) finish(bufs [][]byte, sizes []int, offset, n int) int {
	simple, maxSegs := !d.rbig, 0
	for i := range n {
		m := &d.rmsgs[i]
		size := int(m.Len) - vnetHdrLen
		d.rcount[i], d.risGSO[i] = 0, false
		h := parseVnetHdr(d.rhdr[i][:])
		if m.Hdr.Flags&unix.MSG_TRUNC != 0 || size < 14 {
			if h.gsoType != gsoNone && !d.rbig {
				// A GSO frame larger than the caller's buffers: from now
				// on read into our own (see gsoSlots).
				d.gsoMode = true
			}
			d.stats.rxDropped.Add(1)
			simple = false
			continue
		}
		b := d.frameBuf(bufs, offset, i)
		if d.rtagged[i] {
			size = insertVLAN(b, size, d.rtag[i])
			if h.flags&vnetNeedsCsum != 0 || h.gsoType != gsoNone {
				h.csumStart += vlanLen
			}
		}
		d.rsize[i], sizes[i] = size, size
		f := b[:size]
		if h.gsoType != gsoNone {
			g, ok := parseGSO(f, h)
			if !ok {
				d.stats.rxDropped.Add(1)
				simple = false
				continue
			}
			d.stats.rxGSO.Add(1)
			d.stats.rxGSOSegs.Add(uint64(g.segs))
			d.rgso[i], d.rcount[i], d.risGSO[i] = g, g.segs, true
			maxSegs = max(maxSegs, g.segs)
			simple = false
			continue
		}
		if h.flags&vnetNeedsCsum != 0 {
			if completeChecksum(f, h) != nil {
				d.stats.rxDropped.Add(1)
				simple = false
				continue
			}
			d.stats.rxCsum.Add(1)
		}
		d.rcount[i] = 1
	}
	if maxSegs > 0 {
		d.rmaxSegs, d.rquiet = max(maxSegs, d.rmaxSegs), 0
	} else if d.rquiet++; d.rquiet > gsoQuiet {
		d.rmaxSegs = 0
	}
	if !simple {
		n = d.reshape(bufs, sizes, offset, n)
	}
	for i := range n {
		d.stats.rxBytes.Add(uint64(sizes[i]))
	}
	d.stats.rxFrames.Add(uint64(n))
	return n
}

// frameBuf is where message i was received: the caller's buffer, or ours
// in GSO mode.
func (d *PacketDevice) frameBuf(bufs [][]byte, offset, i int) []byte {
	if d.rbig {
		return d.big[i]
	}
	return bufs[i][offset:]
}

// reshape removes dropped frames and cuts GSO frames into their segments,
// keeping the order; frames beyond the caller's batch go to d.pend.
func (d *PacketDevice) reshape(bufs [][]byte, sizes []int, offset, n int) int {
	var total int
	if d.rbig {
		total = d.emit(bufs, sizes, offset, n)
	} else {
		total = d.expand(bufs, sizes, offset, n)
	}
	room := min(len(bufs), len(sizes))
	if lost := total - room - d.pend.tail; lost > 0 {
		d.stats.rxDropped.Add(uint64(lost)) // beyond maxPending
	}
	// Close the gaps of segments that could not be cut.
	j := 0
	for i := range min(total, room) {
		if sizes[i] < 0 {
			d.stats.rxDropped.Add(1)
			continue
		}
		if j != i {
			sizes[j] = copy(bufs[j][offset:], bufs[i][offset:offset+sizes[i]])
		}
		j++
	}
	return j
}

// emit copies or cuts the frames from our own buffers (GSO mode) into the
// caller's, left to right, and returns how many frames it produced.
func (d *PacketDevice) emit(bufs [][]byte, sizes []int, offset, n int) int {
	total, room := 0, min(len(bufs), len(sizes))
	for i := range n {
		total += d.rcount[i]
	}
	d.pend.reset(max(0, total-room))
	p := 0
	for i := range n {
		f := d.big[i][:d.rsize[i]]
		if d.rcount[i] == 0 {
			continue
		}
		if !d.risGSO[i] {
			d.place(bufs, sizes, offset, p, room, f)
			p++
			continue
		}
		d.cut(bufs, sizes, offset, p, room, f, &d.rgso[i])
		p += d.rcount[i]
	}
	return total
}

// expand works in the caller's buffers: it closes the gaps of dropped
// frames, then cuts GSO frames right to left (every frame's first output
// slot is at or after its own, so nothing is overwritten before it is
// read). It returns how many frames it produced.
func (d *PacketDevice) expand(bufs [][]byte, sizes []int, offset, n int) int {
	j := 0
	for i := range n {
		if d.rcount[i] == 0 {
			continue
		}
		if j != i {
			dst := bufs[j][offset:]
			if d.rsize[i] > len(dst) {
				d.stats.rxDropped.Add(1)
				continue
			}
			copy(dst, bufs[i][offset:offset+d.rsize[i]])
			d.rsize[j], d.rcount[j], d.rgso[j], d.risGSO[j] = d.rsize[i], d.rcount[i], d.rgso[i], d.risGSO[i]
		}
		j++
	}
	n = j
	total, room := 0, min(len(bufs), len(sizes))
	for i := range n {
		total += d.rcount[i]
	}
	d.pend.reset(max(0, total-room))
	pos := total
	for i := n - 1; i >= 0; i-- {
		pos -= d.rcount[i]
		f := bufs[i][offset : offset+d.rsize[i]]
		if !d.risGSO[i] {
			d.place(bufs, sizes, offset, pos, room, f)
			continue
		}
		d.cut(bufs, sizes, offset, pos, room, f, &d.rgso[i])
	}
	return total
}

// cut writes the segments of GSO frame f to output positions p onwards,
// last first (so that segment 0 may be cut in place).
func (d *PacketDevice) cut(bufs [][]byte, sizes []int, offset, p, room int, f []byte, g *gso) {
	for s := g.segs - 1; s >= 0; s-- {
		dst := d.target(bufs, offset, p+s, room)
		l := -1
		if dst != nil {
			l = g.segment(dst, f, s)
		}
		d.setSize(sizes, p+s, room, l)
	}
}

// target is where output frame p goes: the caller's buffer or a pending slot.
func (d *PacketDevice) target(bufs [][]byte, offset, p, room int) []byte {
	if p < room {
		return bufs[p][offset:]
	}
	return d.pend.slot(p - room)
}

func (d *PacketDevice) setSize(sizes []int, p, room, l int) {
	if p < room {
		sizes[p] = l
		return
	}
	d.pend.setLen(p-room, l)
}

// place moves an ordinary frame f to output position p.
func (d *PacketDevice) place(bufs [][]byte, sizes []int, offset, p, room int, f []byte) {
	dst := d.target(bufs, offset, p, room)
	l := -1
	if dst != nil && len(f) <= len(dst) {
		l = copy(dst, f)
	}
	d.setSize(sizes, p, room, l)
}

// gsoSlots is how many messages a Read takes in GSO mode, when the
// caller's buffers are too small for GSO frames and Read receives into its
// own 64 KB buffers instead (1 MB per device, allocated on the first GSO
// frame), then copies or cuts from them. A device enters GSO mode when the
// first GSO frame is truncated (and dropped): from then on its sender is
// known to use segmentation offload.
const gsoSlots = 16

// bigSize is the size of those buffers: the largest GSO frame (64 KB)
// plus the Ethernet header and a VLAN tag put back.
const bigSize = 65536 + 64

// gsoQuiet is how many batches without GSO frames Read waits before it
// asks recvmmsg for full batches again: bulk TCP interleaves super-frames
// with small frames, and a full batch of super-frames overflows the pending
// queue.
const gsoQuiet = 1024

// rvlenCap is how many messages the next recvmmsg may take when room
// frames fit the caller's batch: all of them, unless recent batches held GSO
// frames, then as many as cut into room plus the pending queue.
func (d *PacketDevice) rvlenCap(room int) int {
	if d.rmaxSegs <= 1 {
		return room
	}
	return max(1, (room+maxPending)/d.rmaxSegs)
}
