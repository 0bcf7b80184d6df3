package netstack

import (
	"fmt"
	"hash/fnv"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	// dgramBatch is the most datagrams one recvmmsg or sendmmsg moves: as
	// packetBatch, 64 amortizes the syscall well below the per-frame copy.
	dgramBatch = 64
	// dgramMTU is the MTU of a dgram link: QEMU's virtio-net default.
	dgramMTU = 1500
	// dgramSocketBuffer is the SO_RCVBUF and SO_SNDBUF asked for: room for
	// a few thousand frames in a burst (granted up to the system limit).
	dgramSocketBuffer = 4 << 20
	// ethHeaderLen is an Ethernet header without VLAN tags: the smallest
	// plausible frame.
	ethHeaderLen = 14
)

// DgramOption configures OpenDgram.
type DgramOption func(*DgramDevice)

// DgramHWAddr sets the device's MAC address instead of the one derived
// from the local address.
func DgramHWAddr(hw [6]byte) DgramOption { return func(d *DgramDevice) { d.hw = hw } }

// DgramDevice is a UDP socket that carries one Ethernet frame per
// datagram, as QEMU's -netdev dgram (and -netdev socket,udp=) does: bound
// to a local address, connected to a remote one, so only the remote's
// datagrams are read. Reads and writes are batched with recvmmsg and
// sendmmsg. Datagrams that cannot be frames (shorter than an Ethernet
// header, longer than the MTU allows, a multicast source MAC) are dropped
// and counted in RxDropped. A remote that is not listening makes the
// kernel report ECONNREFUSED on a later send or receive; it is counted
// (Refused) and the device carries on.
type DgramDevice struct {
	name   string
	hw     [6]byte
	mtu    int
	conn   *net.UDPConn
	rc     syscall.RawConn
	closed atomic.Bool
	stats  counters

	refused atomic.Uint64

	// Read state, owned by the Read caller.
	rmsgs [dgramBatch]unix.Mmsghdr
	riov  [dgramBatch]unix.Iovec
	rvlen int
	rn    int
	rerr  syscall.Errno
	rfn   func(fd uintptr) bool

	// wmu serializes Write, which owns the write state.
	wmu   sync.Mutex
	wmsgs [dgramBatch]unix.Mmsghdr
	wiov  [dgramBatch]unix.Iovec
	wvlen int
	wn    int
	werr  syscall.Errno
	wfn   func(fd uintptr) bool
}

// OpenDgram opens a dgram device: a UDP socket bound to local and
// connected to remote (host:port each, IP literals or names).
func OpenDgram(local, remote string, opts ...DgramOption) (*DgramDevice, error) {
	laddr, err := net.ResolveUDPAddr("udp", local)
	if err != nil {
		return nil, fmt.Errorf("netstack: open dgram %s,%s: local: %w", local, remote, err)
	}
	raddr, err := net.ResolveUDPAddr("udp", remote)
	if err != nil {
		return nil, fmt.Errorf("netstack: open dgram %s,%s: remote: %w", local, remote, err)
	}
	conn, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		return nil, fmt.Errorf("netstack: open dgram %s,%s: %w", local, remote, err)
	}
	// Best effort: a smaller buffer only drops more in a burst.
	_ = conn.SetReadBuffer(dgramSocketBuffer)
	_ = conn.SetWriteBuffer(dgramSocketBuffer)
	d := &DgramDevice{
		name: "dgram:" + conn.LocalAddr().String(),
		hw:   dgramHWAddr(conn.LocalAddr().String()),
		mtu:  dgramMTU,
		conn: conn,
	}
	if d.rc, err = conn.SyscallConn(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("netstack: open dgram %s,%s: %w", local, remote, err)
	}
	for i := range dgramBatch {
		d.rmsgs[i].Hdr.Iov = &d.riov[i]
		d.rmsgs[i].Hdr.SetIovlen(1)
		d.wmsgs[i].Hdr.Iov = &d.wiov[i]
		d.wmsgs[i].Hdr.SetIovlen(1)
	}
	d.rfn, d.wfn = d.recv, d.send
	for _, o := range opts {
		o(d)
	}
	return d, nil
}

// dgramHWAddr derives a stable, locally administered unicast MAC address
// from the bound local address: 02:64 ("d") and 32 bits of its FNV hash.
func dgramHWAddr(local string) [6]byte {
	h := fnv.New32a()
	h.Write([]byte(local))
	s := h.Sum32()
	return [6]byte{0x02, 0x64, byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)}
}

// Read implements Device. It blocks until at least one plausible frame is
// there.
func (d *DgramDevice) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	vlen := min(len(bufs), len(sizes), dgramBatch)
	if vlen == 0 {
		return 0, nil
	}
	for i := range vlen {
		b := bufs[i][offset:]
		d.riov[i].Base = unsafe.SliceData(b)
		d.riov[i].SetLen(len(b))
	}
	d.rvlen = vlen
	for {
		if err := d.rc.Read(d.rfn); err != nil {
			return 0, devErr("read", d.name, d.closed.Load(), err)
		}
		if d.rerr != 0 {
			if d.again(d.rerr) {
				continue
			}
			return 0, devErr("read", d.name, d.closed.Load(), d.rerr)
		}
		if n := d.keep(bufs, sizes, offset, d.rn); n > 0 {
			return n, nil
		}
	}
}

// keep moves the plausible frames among the n received to the front of
// bufs, sets their sizes and counts; it returns how many there are.
func (d *DgramDevice) keep(bufs [][]byte, sizes []int, offset, n int) int {
	k := 0
	for i := range n {
		h := &d.rmsgs[i]
		size := int(h.Len)
		f := bufs[i][offset : offset+min(size, len(bufs[i])-offset)]
		if h.Hdr.Flags&unix.MSG_TRUNC != 0 || size > d.mtu+ethOverhead || size < ethHeaderLen || f[6]&1 != 0 {
			d.stats.rxDropped.Add(1)
			continue
		}
		if k != i {
			copy(bufs[k][offset:], f)
		}
		sizes[k] = size
		d.stats.rxFrames.Add(1)
		d.stats.rxBytes.Add(uint64(size))
		k++
	}
	return k
}

// recv is the RawConn read callback: one recvmmsg, false to wait for the
// poller.
func (d *DgramDevice) recv(fd uintptr) bool {
	for i := range d.rvlen {
		d.rmsgs[i].Hdr.Flags = 0
	}
	var ok bool
	d.rn, d.rerr, ok = mmsg(unix.SYS_RECVMMSG, fd, d.rmsgs[:d.rvlen])
	return ok
}

// Write implements Device. Frames that cannot be sent (shorter than an
// Ethernet header, longer than the MTU allows, refused by the kernel) are
// dropped and counted in TxDropped, not returned as errors. Write is safe
// for concurrent use.
func (d *DgramDevice) Write(bufs [][]byte, offset int) (int, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	sent := 0
	for start := 0; start < len(bufs); {
		vlen := 0
		for start+vlen < len(bufs) && vlen < dgramBatch {
			b := bufs[start+vlen][offset:]
			if len(b) < ethHeaderLen || len(b) > d.mtu+ethOverhead {
				break
			}
			d.wiov[vlen].Base = unsafe.SliceData(b)
			d.wiov[vlen].SetLen(len(b))
			vlen++
		}
		if vlen == 0 {
			// bufs[start] is no frame.
			d.stats.txDropped.Add(1)
			start++
			continue
		}
		d.wvlen = vlen
		if err := d.rc.Write(d.wfn); err != nil {
			return sent, devErr("write", d.name, d.closed.Load(), err)
		}
		if d.werr != 0 {
			// The batch was not sent: send it again, or drop the
			// frame the kernel refuses.
			if !d.again(d.werr) {
				d.stats.txDropped.Add(1)
				start++
			}
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
func (d *DgramDevice) send(fd uintptr) bool {
	var ok bool
	d.wn, d.werr, ok = mmsg(unix.SYS_SENDMMSG, fd, d.wmsgs[:d.wvlen])
	return ok
}

// again reports whether a recvmmsg or sendmmsg that failed with errno is
// to be made again: after a signal, or when it reported the ECONNREFUSED
// of an earlier send (counted; the error is cleared by reporting it).
func (d *DgramDevice) again(errno syscall.Errno) bool {
	switch errno {
	case unix.ECONNREFUSED:
		d.refused.Add(1)
		return true
	case unix.EINTR:
		return true
	}
	return false
}

// BatchSize implements Device: dgramBatch.
func (d *DgramDevice) BatchSize() int { return dgramBatch }

// MTU implements Device: 1500, as QEMU's virtio-net.
func (d *DgramDevice) MTU() int { return d.mtu }

// Name implements Device: dgram:LOCAL, the bound address.
func (d *DgramDevice) Name() string { return d.name }

// HWAddr implements Device.
func (d *DgramDevice) HWAddr() [6]byte { return d.hw }

// LocalAddr is the bound local address (the port chosen when local asked
// for port 0).
func (d *DgramDevice) LocalAddr() *net.UDPAddr { return d.conn.LocalAddr().(*net.UDPAddr) }

// Stats returns the device's counters.
func (d *DgramDevice) Stats() Stats { return d.stats.snapshot() }

// Refused counts the ECONNREFUSED errors the kernel reported: sends that
// found nobody listening at the remote.
func (d *DgramDevice) Refused() uint64 { return d.refused.Load() }

// Close implements Device: it unblocks a pending Read or Write.
func (d *DgramDevice) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	if err := d.conn.Close(); err != nil {
		return fmt.Errorf("netstack: close %s: %w", d.name, err)
	}
	return nil
}
