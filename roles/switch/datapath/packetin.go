package datapath

import (
	"fmt"
	"sync"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// bufferKeep is how long a buffered packet is safe from being overwritten
// (Open vSwitch's OVERWRITE_MSECS): a controller that answers later finds
// its buffer id unknown.
const bufferKeep = 5 * time.Second

// slotBits is how many low bits of a buffer id name its slot; the rest is
// a sequence number, so that a stale id never finds a newer packet.
const slotBits = 12

// bufferPool keeps packets sent to the controller truncated, until a
// packet-out or flow mod names their buffer id. It is the slow path and
// takes a lock.
type bufferPool struct {
	mu    sync.Mutex
	slots []pktBuf
	next  int
	seq   uint32
}

type pktBuf struct {
	id     uint32 // flow.NoBuffer when free
	inPort flow.PortNo
	stored time.Time
	data   []byte
}

func newBufferPool(n int) *bufferPool {
	n = min(n, 1<<slotBits)
	p := &bufferPool{slots: make([]pktBuf, n)}
	for i := range p.slots {
		p.slots[i].id = flow.NoBuffer
	}
	return p
}

func (p *bufferPool) size() int { return len(p.slots) }

// store keeps a copy of frame and returns its buffer id, or flow.NoBuffer
// when every slot holds a packet younger than bufferKeep.
func (p *bufferPool) store(frame []byte, in flow.PortNo, now time.Time) uint32 {
	if len(p.slots) == 0 {
		return flow.NoBuffer
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	i := p.next
	s := &p.slots[i]
	if s.id != flow.NoBuffer && now.Sub(s.stored) < bufferKeep {
		return flow.NoBuffer
	}
	p.next = (i + 1) % len(p.slots)
	p.seq = (p.seq + 1) & (1<<(32-slotBits) - 1)
	id := p.seq<<slotBits | uint32(i)
	if id == flow.NoBuffer {
		p.seq = 0
		id = uint32(i)
	}
	s.id, s.inPort, s.stored = id, in, now
	s.data = append(s.data[:0], frame...)
	return id
}

// take removes and returns the packet with buffer id. The error is
// OFPBRC_BUFFER_UNKNOWN for an id never given or overwritten, and
// OFPBRC_BUFFER_EMPTY for one already used.
func (p *bufferPool) take(id uint32, dst []byte) (int, flow.PortNo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := int(id & (1<<slotBits - 1))
	if i >= len(p.slots) {
		return 0, 0, ofError(ErrTypeBadRequest, BadRequestBufferUnknown)
	}
	s := &p.slots[i]
	if s.id != id {
		if s.id == flow.NoBuffer {
			return 0, 0, ofError(ErrTypeBadRequest, BadRequestBufferEmpty)
		}
		return 0, 0, ofError(ErrTypeBadRequest, BadRequestBufferUnknown)
	}
	s.id = flow.NoBuffer
	return copy(dst, s.data), s.inPort, nil
}

// packetIn hands p to the controller callback. Unless maxLen asks for no
// buffering, the packet is buffered (if a buffer is free) and only maxLen
// bytes go to the controller, as Open vSwitch's classic pktbuf does.
func (w *worker) packetIn(p *packet, reason flow.PacketInReason, table uint8, cookie uint64, maxLen uint16) {
	d := w.d
	fn := d.cfg.PacketIn
	if fn == nil {
		return
	}
	if ps := w.snap.ports[p.inPort]; ps != nil && ps.config.Load()&uint32(flow.PortNoPacketIn) != 0 {
		return
	}
	if d.pinLimit != nil && !d.pinLimit.admit(int64(time.Since(d.epoch)), 0, true) {
		d.pinDrops.Add(1)
		return
	}
	f := p.frame()
	id := flow.NoBuffer
	n := len(f)
	if maxLen != flow.ControllerMaxLenNoBuffer {
		if id = d.bufs.store(f, p.inPort, time.Now()); id != flow.NoBuffer {
			n = min(n, int(maxLen))
		}
	}
	pi := &flow.PacketIn{BufferID: id, TotalLen: uint16(len(f)), Reason: reason, TableID: table,
		Cookie: cookie, Data: append([]byte(nil), f[:n]...)}
	pi.Match.SetInPort(p.inPort)
	if p.key.Metadata != 0 {
		pi.Match.SetMetadata(p.key.Metadata, ^uint64(0))
	}
	if p.key.TunnelID != 0 {
		pi.Match.SetTunnelID(p.key.TunnelID, ^uint64(0))
	}
	fn(pi)
}

// PacketOut sends a packet, given or buffered, through po.Actions; output
// to flow.PortTable runs it through the pipeline from table 0. Packet-outs
// are serialised with each other but not with forwarding.
func (d *Datapath) PacketOut(po *flow.PacketOut) error {
	d.pktMu.Lock()
	defer d.pktMu.Unlock()
	w := d.ctl
	w.begin()
	ops, err := compileActions(po.Actions, w.snap, false)
	if err != nil {
		return err
	}
	p := &w.pkt
	if p.buf == nil {
		p.buf = make([]byte, Headroom+frameCap)
	}
	in := po.InPort
	n := 0
	if po.BufferID != flow.NoBuffer {
		var bin flow.PortNo
		if n, bin, err = d.bufs.take(po.BufferID, p.buf[Headroom:]); err != nil {
			return err
		}
		if in == flow.PortAny || in == flow.PortController {
			in = bin
		}
	} else {
		if len(po.Data) > frameCap {
			return fmt.Errorf("datapath: packet out of %d bytes: %w", len(po.Data), ofError(ErrTypeBadRequest, BadRequestBadPacket))
		}
		n = copy(p.buf[Headroom:], po.Data)
	}
	p.start, p.end, p.inPort, p.queue = Headroom, Headroom+n, in, 0
	p.key = flow.Key{InPort: in}
	extract(p.frame(), &p.key, &p.l)
	w.set.reset()
	w.applyList(p, ops, nil, 0)
	w.flush()
	return nil
}
