package netstack

import (
	"encoding/binary"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The receive ring. With a TPACKET_V2 ring mapped into the process, the
// kernel copies each frame into the next free slot while it still runs
// the sender's softirq, and marks it ready; Read copies frames out of the
// slots with no system call and no socket-buffer bookkeeping at all, and
// sleeps in the poller only when the ring is empty. recvmmsg, by contrast,
// queues an skb per frame and pays for dequeuing, copying and freeing it
// on the reader's CPU: about half of a forwarding core at small frames.
//
// Frames larger than a slot (GSO super-frames, jumbo frames) are marked
// TP_STATUS_COPY: the kernel also queues them whole on the socket, and
// Read takes them from there with recvmmsg in their turn, so the GSO and
// checksum handling of the socket path serves both.

// ringFrameMin is the smallest slot: the tpacket2 header, the address, the
// vnet header and an MTU-1500 frame with two VLAN tags fit in 2 KB.
const ringFrameMin = 2048

// ringHeadroom is what a slot holds before the frame: the tpacket2 header
// and sockaddr_ll, aligned, then the vnet header (the kernel puts the
// frame at about 76 bytes); 128 leaves margin.
const ringHeadroom = 128

// ringBlock is the ring's block size: 64 KB (32 slots of 2 KB) keeps each
// block a small, physically contiguous allocation for the kernel.
const ringBlock = 64 << 10

// rxRing is a mapped TPACKET_V2 receive ring. Only Read touches it.
type rxRing struct {
	mem       *ringMem
	blockSize int
	frameSize int
	perBlock  int
	frames    int
	head      int // next slot to look at
}

// ringMem is the mapping, apart from the device so that a cleanup can
// unmap it when a device is dropped without a Read ever seeing it closed.
type ringMem struct {
	once sync.Once
	gone bool // unmapped: Read must not look
	b    []byte
}

func (m *ringMem) unmap() {
	m.once.Do(func() {
		m.gone = true
		unix.Munmap(m.b)
	})
}

// setupRing asks for a receive ring of about size bytes for frames of mtu
// bytes and maps it. It must run before bind and after PACKET_VNET_HDR.
func setupRing(fd, mtu, size int) (*rxRing, error) {
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V2); err != nil {
		return nil, fmt.Errorf("set PACKET_VERSION: %w", err)
	}
	frame := max(ringFrameMin, (ringHeadroom+ethOverhead+mtu+unix.TPACKET_ALIGNMENT-1)&^(unix.TPACKET_ALIGNMENT-1))
	page := unix.Getpagesize()
	block := max(ringBlock, (frame+page-1)/page*page)
	perBlock := block / frame
	blocks := max(2, size/block)
	req := unix.TpacketReq{Block_size: uint32(block), Block_nr: uint32(blocks),
		Frame_size: uint32(frame), Frame_nr: uint32(perBlock * blocks)}
	if err := unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, fmt.Errorf("set PACKET_RX_RING: %w", err)
	}
	// Any threshold: frames that do not fit a slot are queued whole.
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_COPY_THRESH, 1); err != nil {
		return nil, fmt.Errorf("set PACKET_COPY_THRESH: %w", err)
	}
	b, err := unix.Mmap(fd, 0, block*blocks, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map the receive ring: %w", err)
	}
	return &rxRing{mem: &ringMem{b: b}, blockSize: block, frameSize: frame, perBlock: perBlock, frames: perBlock * blocks}, nil
}

// slot returns slot k and its status word. Slots do not cross blocks.
func (r *rxRing) slot(k int) ([]byte, *atomic.Uint32) {
	off := k/r.perBlock*r.blockSize + k%r.perBlock*r.frameSize
	s := r.mem.b[off : off+r.frameSize]
	return s, (*atomic.Uint32)(unsafe.Pointer(&s[0]))
}

// ready reports whether the head slot holds a frame for us.
func (r *rxRing) ready() bool {
	_, st := r.slot(r.head)
	return st.Load()&unix.TP_STATUS_USER != 0
}

// release gives the head slot back to the kernel and moves on.
func (r *rxRing) release(st *atomic.Uint32) {
	st.Store(unix.TP_STATUS_KERNEL)
	if r.head++; r.head == r.frames {
		r.head = 0
	}
}

// take moves up to vlen ready frames from the ring into the caller's
// buffers and the per-message state finish reads (rmsgs, rhdr, rtag). It
// stops before a TP_STATUS_COPY slot unless that slot is the first: then it
// releases the slot and reports copy, and the frame is read from the socket.
func (d *PacketDevice) take(bufs [][]byte, offset, vlen int) (n int, copy bool) {
	r := d.ring
	for n < vlen {
		s, st := r.slot(r.head)
		status := st.Load()
		if status&unix.TP_STATUS_USER == 0 {
			break
		}
		if status&unix.TP_STATUS_COPY != 0 {
			if n > 0 {
				break
			}
			r.release(st)
			return 0, true
		}
		d.fromSlot(n, s, status, bufs[n][offset:])
		r.release(st)
		n++
	}
	return n, false
}

// fromSlot fills message i from a ring slot: its vnet header, VLAN tag and
// frame, marked truncated (and so dropped by finish) if the kernel or the
// caller's buffer cut it short.
func (d *PacketDevice) fromSlot(i int, s []byte, status uint32, b []byte) {
	m := &d.rmsgs[i]
	m.Hdr.Flags = 0
	wire := int(binary.NativeEndian.Uint32(s[4:]))
	snap := int(binary.NativeEndian.Uint32(s[8:]))
	mac := int(binary.NativeEndian.Uint16(s[12:]))
	if mac < vnetHdrLen || mac+snap > len(s) || snap > len(b)-vlanLen || snap < wire {
		m.Hdr.Flags = unix.MSG_TRUNC
		m.Len = uint32(vnetHdrLen)
		return
	}
	copy(d.rhdr[i][:], s[mac-vnetHdrLen:mac])
	copy(b, s[mac:mac+snap])
	m.Len = uint32(vnetHdrLen + snap)
	d.rtagged[i] = status&unix.TP_STATUS_VLAN_VALID != 0
	if d.rtagged[i] {
		tpid := uint16(0x8100)
		if status&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
			tpid = binary.NativeEndian.Uint16(s[26:])
		}
		binary.BigEndian.PutUint16(d.rtag[i][0:], tpid)
		binary.BigEndian.PutUint16(d.rtag[i][2:], binary.NativeEndian.Uint16(s[24:]))
	}
}

// readRing is Read on a ring: frames from the slots; a frame too large for
// a slot from the socket; sleep in the poller while the ring is empty.
func (d *PacketDevice) readRing(bufs [][]byte, sizes []int, offset, vlen int) (int, error) {
	if d.ring.mem.gone {
		return 0, d.closedErr("read", net.ErrClosed)
	}
	for {
		n, copied := d.take(bufs, offset, vlen)
		if n > 0 {
			d.rbig = false
			if n = d.finish(bufs, sizes, offset, n); n > 0 {
				return n, nil
			}
			continue
		}
		if copied {
			// Its whole copy is queued on the socket already: one
			// non-blocking recvmmsg of one message, through the socket
			// path's GSO handling.
			n, err := d.readSocket(bufs, sizes, offset, 1, false)
			if n > 0 || err != nil {
				return n, err
			}
			continue
		}
		if err := d.rc.Read(d.ringWait); err != nil {
			d.ring.mem.unmap()
			return 0, d.closedErr("read", err)
		}
	}
}

// ringWait is the RawConn read callback in ring mode: false (wait for the
// poller) while the head slot is the kernel's.
func (d *PacketDevice) ringWait(uintptr) bool { return d.ring.ready() }

// unmapOnCleanup unmaps d's ring when d becomes unreachable, for devices
// closed while no Read was running, or never read at all.
func unmapOnCleanup(d *PacketDevice) {
	runtime.AddCleanup(d, func(m *ringMem) { m.unmap() }, d.ring.mem)
}
