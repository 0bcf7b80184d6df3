package netstack

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

const (
	// pipeBatch is the most frames a PipeDevice Read returns: the same as
	// PacketDevice, so tests exercise the batch sizes the real ports see.
	pipeBatch = 64
	// pipeQueue is the default frames a pipe direction holds before it
	// drops at the tail: a few batches, like a NIC's ring.
	pipeQueue = 256
	// pipeMTU is the default MTU, Ethernet's.
	pipeMTU = 1500
	// ethOverhead is the Ethernet header plus two VLAN tags: the most a
	// frame carries beyond the MTU.
	ethOverhead = 14 + 8
)

// PipeConfig configures NewPipe. Zero values take defaults.
type PipeConfig struct {
	MTU   int // default 1500
	Queue int // frames per direction before drop-tail; default 256
}

// pipeSeq numbers pipes, for unique names and MAC addresses.
var pipeSeq atomic.Uint32

// PipeDevice is one end of an in-memory device pair. Frames written to one
// end are copied into a bounded queue and read from the other; a full queue
// drops at the tail and counts TxDropped on the writer.
type PipeDevice struct {
	name string
	hw   [6]byte
	mtu  int

	rx    chan []byte // frames for this end's Read
	free  chan []byte // empty buffers of this end's rx queue
	peer  *PipeDevice
	done  chan struct{}
	close sync.Once
	stats counters
}

// Pipe returns a connected pair of in-memory devices with default settings.
func Pipe() (*PipeDevice, *PipeDevice) { return NewPipe(PipeConfig{}) }

// NewPipe returns a connected pair of in-memory devices.
func NewPipe(cfg PipeConfig) (*PipeDevice, *PipeDevice) {
	if cfg.MTU <= 0 {
		cfg.MTU = pipeMTU
	}
	if cfg.Queue <= 0 {
		cfg.Queue = pipeQueue
	}
	seq := pipeSeq.Add(1)
	a := newPipeEnd(cfg, seq, 'a')
	b := newPipeEnd(cfg, seq, 'b')
	a.peer, b.peer = b, a
	return a, b
}

func newPipeEnd(cfg PipeConfig, seq uint32, end byte) *PipeDevice {
	d := &PipeDevice{
		name: fmt.Sprintf("pipe%d%c", seq, end),
		// Locally administered unicast: 02:6f ("o") then the sequence and end.
		hw:   [6]byte{0x02, 0x6f, byte(seq >> 16), byte(seq >> 8), byte(seq), end},
		mtu:  cfg.MTU,
		rx:   make(chan []byte, cfg.Queue),
		free: make(chan []byte, cfg.Queue),
		done: make(chan struct{}),
	}
	for range cfg.Queue {
		d.free <- make([]byte, cfg.MTU+ethOverhead)
	}
	return d
}

// Read implements Device.
func (d *PipeDevice) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if len(bufs) == 0 || len(sizes) == 0 {
		return 0, nil
	}
	for {
		select {
		case f := <-d.rx:
			if n := d.drain(f, bufs, sizes, offset); n > 0 {
				return n, nil
			}
		case <-d.done:
			return 0, fmt.Errorf("netstack: read %s: %w", d.name, net.ErrClosed)
		}
	}
}

// drain copies f and then whatever else is queued into bufs, up to a batch.
func (d *PipeDevice) drain(f []byte, bufs [][]byte, sizes []int, offset int) int {
	n, max := 0, min(len(bufs), len(sizes))
	for {
		if dst := bufs[n][offset:]; len(f) <= len(dst) {
			sizes[n] = copy(dst, f)
			d.stats.rxFrames.Add(1)
			d.stats.rxBytes.Add(uint64(len(f)))
			n++
		} else {
			d.stats.rxDropped.Add(1)
		}
		d.free <- f[:cap(f)]
		if n == max {
			return n
		}
		select {
		case f = <-d.rx:
		default:
			return n
		}
	}
}

// Write implements Device. Frames the peer's queue has no room for, or
// larger than MTU plus Ethernet header, are dropped and counted.
func (d *PipeDevice) Write(bufs [][]byte, offset int) (int, error) {
	select {
	case <-d.done:
		return 0, fmt.Errorf("netstack: write %s: %w", d.name, net.ErrClosed)
	default:
	}
	p := d.peer
	n := 0
	for _, b := range bufs {
		f := b[offset:]
		var buf []byte
		select {
		case <-p.done:
		default:
			select {
			case buf = <-p.free:
			default:
			}
		}
		if buf == nil || len(f) > len(buf) {
			if buf != nil {
				p.free <- buf
			}
			d.stats.txDropped.Add(1)
			continue
		}
		p.rx <- buf[:copy(buf, f)]
		d.stats.txFrames.Add(1)
		d.stats.txBytes.Add(uint64(len(f)))
		n++
	}
	return n, nil
}

// BatchSize implements Device.
func (d *PipeDevice) BatchSize() int { return pipeBatch }

// MTU implements Device.
func (d *PipeDevice) MTU() int { return d.mtu }

// Name implements Device: pipeNa or pipeNb.
func (d *PipeDevice) Name() string { return d.name }

// HWAddr implements Device: a locally administered address unique to the end.
func (d *PipeDevice) HWAddr() [6]byte { return d.hw }

// LinkUp reports whether both ends are open.
func (d *PipeDevice) LinkUp() bool {
	select {
	case <-d.done:
		return false
	case <-d.peer.done:
		return false
	default:
		return true
	}
}

// Stats returns the end's counters.
func (d *PipeDevice) Stats() Stats { return d.stats.snapshot() }

// Close implements Device. The peer stays open; its link goes down and what
// it writes is dropped.
func (d *PipeDevice) Close() error {
	d.close.Do(func() { close(d.done) })
	return nil
}
