package netstack

import (
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// packetBatch is the most frames one PacketDevice Read or sendmmsg moves:
// 64 frames amortize the syscall (about 1 µs) to well under the per-frame
// copy cost, and 64 MTU-sized frames (~100 KB) still fit in L2 cache.
const packetBatch = 64

// PacketOptions configures OpenPacket. The zero value is what a switch port
// wants.
type PacketOptions struct {
	// NoPromisc leaves the interface's promiscuous mode alone.
	NoPromisc bool
	// SocketBuffer sets SO_RCVBUF and SO_SNDBUF (forced when root) and the
	// size of the receive ring; default 4 MiB, room for a few thousand
	// frames in a burst.
	SocketBuffer int
	// NoRing receives with recvmmsg instead of a mapped TPACKET_V2 ring
	// (see packet_ring.go). Without a ring every frame costs the reader's
	// CPU an skb dequeue, copy and free.
	NoRing bool
}

// PacketDevice is an AF_PACKET socket bound to one kernel NIC (veth on a
// host, virtio-net in a VM). It receives through a TPACKET_V2 ring mapped
// into the process (packet_ring.go; recvmmsg with PacketOptions.NoRing, and
// for frames too large for a ring slot) and sends with sendmmsg, bypassing
// the host's queueing discipline. It reads with
// PACKET_VNET_HDR: frames the kernel hands over with a partial checksum
// (veth with TX checksum offload) are completed in software, and large GSO
// frames (TCP/UDP segmentation offload on the sender) are cut into
// wire-sized frames, so what Read returns can be forwarded to any NIC as it
// is. Read buffers of 64 KB (bigSize) or more after offset receive GSO
// frames in place; with smaller buffers the first GSO frame is dropped and
// the device switches to reading into its own buffers (see gsoSlots).
//
// The kernel takes the VLAN tag off every tagged frame it receives and
// keeps it aside (hardware VLAN acceleration, done in software for veth);
// Read puts it back (PACKET_AUXDATA), so frames keep their 802.1Q/802.1ad
// tag as they were on the wire. Frames the host itself sends out of the
// interface are not read (PACKET_IGNORE_OUTGOING).
type PacketDevice struct {
	name   string
	index  int
	mtu    int
	hw     [6]byte
	file   *os.File
	rc     syscall.RawConn
	closed atomic.Bool
	stats  counters

	// Read state, owned by the Read caller.
	rmsgs    [packetBatch]unix.Mmsghdr
	riov     [2 * packetBatch]unix.Iovec
	rhdr     [packetBatch][vnetHdrLen]byte
	rctl     [packetBatch][auxSpace]byte // PACKET_AUXDATA: the VLAN tag the kernel took off
	rtag     [packetBatch][vlanLen]byte  // that tag, from rctl or the ring slot
	rtagged  [packetBatch]bool
	ring     *rxRing          // nil: recvmmsg only
	rcount   [packetBatch]int // output frames per received frame
	rgso     [packetBatch]gso
	risGSO   [packetBatch]bool
	rvlen    int
	rsize    [packetBatch]int // received frame sizes
	rmaxSegs int              // most segments of a GSO frame in recent batches
	gsoMode  bool             // GSO frames seen that the caller's buffers cannot hold
	rbig     bool             // this batch is read into big
	big      [][]byte         // our own buffers for GSO mode
	rquiet   int              // batches since the last GSO frame
	rn       int
	rerr     syscall.Errno
	rfn      func(fd uintptr) bool
	rfnOnce  func(fd uintptr) bool
	pend     pending

	// wmu serializes Write: the switch's port readers all forward to every
	// port. One uncontended lock per batch, not per frame.
	wmu   sync.Mutex
	wmsgs [packetBatch]unix.Mmsghdr
	wiov  [2 * packetBatch]unix.Iovec
	whdr  [vnetHdrLen]byte // always zero: no offloads asked of the kernel
	wvlen int
	wn    int
	werr  syscall.Errno
	wfn   func(fd uintptr) bool
}

// OpenPacket opens an AF_PACKET device on the interface named iface.
func OpenPacket(iface string, opts PacketOptions) (*PacketDevice, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("netstack: open packet %s: %w", iface, err)
	}
	d := &PacketDevice{name: iface, index: ifi.Index, mtu: ifi.MTU}
	fd, err := packetSocket(ifi.Index, opts, func(fd int) (err error) {
		if !opts.NoRing {
			d.ring, err = setupRing(fd, ifi.MTU, socketBuffer(opts))
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("netstack: open packet %s: %w", iface, err)
	}
	if d.ring != nil {
		unmapOnCleanup(d)
	}
	copy(d.hw[:], ifi.HardwareAddr)
	d.file = os.NewFile(uintptr(fd), "packet:"+iface)
	if d.rc, err = d.file.SyscallConn(); err != nil {
		d.file.Close()
		return nil, fmt.Errorf("netstack: open packet %s: %w", iface, err)
	}
	for i := range packetBatch {
		d.riov[2*i].Base = &d.rhdr[i][0]
		d.riov[2*i].SetLen(vnetHdrLen)
		d.rmsgs[i].Hdr.Iov = &d.riov[2*i]
		d.rmsgs[i].Hdr.SetIovlen(2)
		d.rmsgs[i].Hdr.Control = &d.rctl[i][0]
		d.wiov[2*i].Base = &d.whdr[0]
		d.wiov[2*i].SetLen(vnetHdrLen)
		d.wmsgs[i].Hdr.Iov = &d.wiov[2*i]
		d.wmsgs[i].Hdr.SetIovlen(2)
	}
	d.rfn, d.rfnOnce, d.wfn = d.recv, d.recvOnce, d.send
	d.pend.slotSize = d.mtu + ethOverhead
	return d, nil
}

// socketBuffer is the socket buffer and ring size opts ask for.
func socketBuffer(opts PacketOptions) int {
	if opts.SocketBuffer > 0 {
		return opts.SocketBuffer
	}
	return 4 << 20
}

// packetSocket opens and binds the socket: non-blocking, vnet headers, own
// transmissions ignored, queue disciplines bypassed, promiscuous. beforeBind
// sets up what must precede the bind (the receive ring).
func packetSocket(index int, opts PacketOptions, beforeBind func(fd int) error) (int, error) {
	// Protocol 0 until bind, so no frame of another interface is queued.
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("socket: %w", err)
	}
	fail := func(op string, err error) (int, error) {
		unix.Close(fd)
		return -1, fmt.Errorf("%s: %w", op, err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VNET_HDR, 1); err != nil {
		return fail("set PACKET_VNET_HDR", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1); err != nil {
		return fail("set PACKET_AUXDATA", err)
	}
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1); err != nil {
		return fail("set PACKET_IGNORE_OUTGOING", err)
	}
	// Frames go straight to the driver: a switch port has no use for the
	// host's queueing discipline, and skipping it saves a lock per frame.
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1); err != nil {
		return fail("set PACKET_QDISC_BYPASS", err)
	}
	size := socketBuffer(opts)
	for _, o := range [][2]int{{unix.SO_RCVBUFFORCE, unix.SO_RCVBUF}, {unix.SO_SNDBUFFORCE, unix.SO_SNDBUF}} {
		if unix.SetsockoptInt(fd, unix.SOL_SOCKET, o[0], size) != nil {
			unix.SetsockoptInt(fd, unix.SOL_SOCKET, o[1], size) // best effort
		}
	}
	if err := beforeBind(fd); err != nil {
		return fail("receive ring", err)
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}
	if err := unix.Bind(fd, sa); err != nil {
		return fail("bind", err)
	}
	if !opts.NoPromisc {
		mr := &unix.PacketMreq{Ifindex: int32(index), Type: unix.PACKET_MR_PROMISC}
		if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, mr); err != nil {
			return fail("set promiscuous", err)
		}
	}
	return fd, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Read implements Device. Frames come back with complete checksums and at
// most MTU-sized payloads (GSO frames are segmented).
func (d *PacketDevice) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	if n := d.pend.drain(bufs, sizes, offset, &d.stats); n > 0 {
		return n, nil
	}
	vlen := min(len(bufs), len(sizes), packetBatch)
	if vlen == 0 {
		return 0, nil
	}
	if d.ring != nil {
		return d.readRing(bufs, sizes, offset, vlen)
	}
	return d.readSocket(bufs, sizes, offset, vlen, true)
}

// readSocket reads up to vlen messages with recvmmsg: blocking until at
// least one frame is there, or one attempt only (a frame the ring said was
// queued) when block is false.
func (d *PacketDevice) readSocket(bufs [][]byte, sizes []int, offset, vlen int, block bool) (int, error) {
	vlen = min(vlen, d.rvlenCap(vlen))
	d.rbig = d.gsoMode && len(bufs[0])-offset < bigSize
	if d.rbig {
		vlen = min(vlen, gsoSlots)
		if d.big == nil {
			d.big = make([][]byte, gsoSlots)
			for i := range d.big {
				d.big[i] = make([]byte, bigSize)
			}
		}
	}
	for i := range vlen {
		// Leave room to put back a VLAN tag the kernel took off.
		b := d.frameBuf(bufs, offset, i)
		d.riov[2*i+1].Base = unsafe.SliceData(b)
		d.riov[2*i+1].SetLen(max(0, len(b)-vlanLen))
		d.rmsgs[i].Hdr.SetControllen(auxSpace)
	}
	d.rvlen = vlen
	fn := d.rfn
	if !block {
		fn = d.rfnOnce
	}
	for {
		if err := d.rc.Read(fn); err != nil {
			return 0, d.closedErr("read", err)
		}
		switch d.rerr {
		case 0:
		case unix.ENETDOWN, unix.EINTR, unix.EAGAIN:
			// The link went down (reported once) or a signal: wait again.
			if !block {
				return 0, nil
			}
			continue
		default:
			return 0, fmt.Errorf("netstack: read %s: %w", d.name, d.rerr)
		}
		for i := range d.rn {
			d.rtag[i], d.rtagged[i] = d.auxVLAN(i)
		}
		if n := d.finish(bufs, sizes, offset, d.rn); n > 0 || !block {
			return n, nil
		}
	}
}

// recv is the RawConn read callback: one recvmmsg, false to wait for the
// poller.
func (d *PacketDevice) recv(fd uintptr) bool {
	var ok bool
	d.rn, d.rerr, ok = mmsg(unix.SYS_RECVMMSG, fd, d.rmsgs[:d.rvlen])
	return ok
}

// recvOnce is recv that never waits: EAGAIN comes back in rerr.
func (d *PacketDevice) recvOnce(fd uintptr) bool {
	if !d.recv(fd) {
		d.rn, d.rerr = 0, unix.EAGAIN
	}
	return true
}

// Write implements Device. Each frame goes out with a zero vnet header (no
// offload asked of the kernel). Frames the kernel refuses (too large, link
// down, no buffer space) are dropped and counted in Stats.TxDropped, not
// returned as errors; Write blocks while the socket's send buffer is full.
// Write is safe for concurrent use; concurrent batches go out one after
// the other.
func (d *PacketDevice) Write(bufs [][]byte, offset int) (int, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	sent := 0
	for start := 0; start < len(bufs); {
		vlen := min(len(bufs)-start, packetBatch)
		for i := range vlen {
			b := bufs[start+i][offset:]
			d.wiov[2*i+1].Base = unsafe.SliceData(b)
			d.wiov[2*i+1].SetLen(len(b))
		}
		d.wvlen = vlen
		if err := d.rc.Write(d.wfn); err != nil {
			return sent, d.closedErr("write", err)
		}
		if d.werr != 0 {
			if d.werr == unix.EBADF {
				return sent, fmt.Errorf("netstack: write %s: %w", d.name, d.werr)
			}
			d.stats.txDropped.Add(1)
			start++
			continue
		}
		for i := range d.wn {
			d.stats.txBytes.Add(uint64(len(bufs[start+i]) - offset))
		}
		d.stats.txFrames.Add(uint64(d.wn))
		sent += d.wn
		start += d.wn
	}
	return sent, nil
}

// send is the RawConn write callback: one sendmmsg, false to wait for the
// poller.
func (d *PacketDevice) send(fd uintptr) bool {
	var ok bool
	d.wn, d.werr, ok = mmsg(unix.SYS_SENDMMSG, fd, d.wmsgs[:d.wvlen])
	return ok
}

func (d *PacketDevice) closedErr(op string, err error) error {
	return devErr(op, d.name, d.closed.Load(), err)
}

// BatchSize implements Device: packetBatch.
func (d *PacketDevice) BatchSize() int { return packetBatch }

// MTU implements Device: the interface's MTU when it was opened.
func (d *PacketDevice) MTU() int { return d.mtu }

// Name implements Device: the interface name.
func (d *PacketDevice) Name() string { return d.name }

// HWAddr implements Device: the interface's MAC address when it was opened.
func (d *PacketDevice) HWAddr() [6]byte { return d.hw }

// Index is the interface index.
func (d *PacketDevice) Index() int { return d.index }

// Stats returns the device's counters.
func (d *PacketDevice) Stats() Stats {
	d.foldKernelStats()
	return d.stats.snapshot()
}

// foldKernelStats adds the kernel's drop count to ours: its counters reset
// on every read, and cannot be read once the socket is closed.
func (d *PacketDevice) foldKernelStats() {
	d.rc.Control(func(fd uintptr) {
		if ks, err := unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS); err == nil {
			d.stats.rxKernelDropped.Add(uint64(ks.Drops))
		}
	})
}

// RxDrops is how many received frames never reached the reader: dropped
// by the kernel (full ring or socket buffer) or by Read (truncated,
// malformed).
func (d *PacketDevice) RxDrops() uint64 {
	s := d.Stats()
	return s.RxDropped + s.RxKernelDropped
}

// LinkUp reports whether the interface is up with carrier (IFF_UP and
// IFF_RUNNING).
func (d *PacketDevice) LinkUp() bool {
	var flags uint16
	var err error
	cerr := d.rc.Control(func(fd uintptr) {
		var ifr *unix.Ifreq
		if ifr, err = unix.NewIfreq(d.name); err == nil {
			if err = unix.IoctlIfreq(int(fd), unix.SIOCGIFFLAGS, ifr); err == nil {
				flags = ifr.Uint16()
			}
		}
	})
	const want = unix.IFF_UP | unix.IFF_RUNNING
	return cerr == nil && err == nil && flags&want == want
}

// Close implements Device: it unblocks a pending Read or Write.
func (d *PacketDevice) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	d.foldKernelStats()
	if err := d.file.Close(); err != nil {
		return fmt.Errorf("netstack: close %s: %w", d.name, err)
	}
	return nil
}
