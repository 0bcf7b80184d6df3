package netstack

import (
	"fmt"
	"hash/fnv"
	"os"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/songgao/water"
	"golang.org/x/sys/unix"
)

// tapBatch is the most frames one TAPDevice Read returns. A TAP has no
// recvmmsg: Read drains the frames already queued with one read(2) each,
// so the batch saves wake-ups, not syscalls; 64 as the other devices.
const tapBatch = 64

// TAPDevice is a TAP interface (IFF_TAP|IFF_NO_PI) opened with
// songgao/water. The kernel side is the interface; the frames this device
// reads are the ones the kernel sends out of it.
type TAPDevice struct {
	name   string
	hw     [6]byte
	mtu    int
	ifce   *water.Interface
	rc     syscall.RawConn
	closed atomic.Bool
	stats  counters

	// Read state, owned by the Read caller.
	rbufs  [][]byte
	rsizes []int
	roff   int
	rn     int
	rerr   error
	rfn    func(fd uintptr) bool

	// wmu serializes Write, which owns the write state.
	wmu   sync.Mutex
	wbufs [][]byte
	woff  int
	wn    int // frames done (sent or dropped)
	wsent int
	werr  error
	wfn   func(fd uintptr) bool
}

// OpenTAP opens (creating if needed) the TAP interface name and sets it
// up. The device's HWAddr is not the interface's: it is a stable, locally
// administered address derived from name, for the stack or switch on this
// side of the TAP, so the kernel sees a neighbour and not itself.
func OpenTAP(name string) (*TAPDevice, error) {
	if name == "" || len(name) >= unix.IFNAMSIZ {
		return nil, fmt.Errorf("netstack: open tap %q: want an interface name of 1..%d bytes", name, unix.IFNAMSIZ-1)
	}
	ifce, err := water.New(water.Config{
		DeviceType:             water.TAP,
		PlatformSpecificParams: water.PlatformSpecificParams{Name: name},
	})
	if err != nil {
		return nil, fmt.Errorf("netstack: open tap %s: %w", name, err)
	}
	d := &TAPDevice{name: ifce.Name(), ifce: ifce}
	if err := d.setup(); err != nil {
		ifce.Close()
		return nil, fmt.Errorf("netstack: open tap %s: %w", name, err)
	}
	h := fnv.New32a()
	h.Write([]byte(d.name))
	s := h.Sum32()
	d.hw = [6]byte{0x02, 0x74, byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)}
	d.rfn, d.wfn = d.recv, d.send
	return d, nil
}

// setup sets the interface up and learns its MTU and the raw connection.
func (d *TAPDevice) setup() error {
	f, ok := d.ifce.ReadWriteCloser.(*os.File)
	if !ok {
		return fmt.Errorf("water returned %T, not a file", d.ifce.ReadWriteCloser)
	}
	var err error
	if d.rc, err = f.SyscallConn(); err != nil {
		return err
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(d.name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get flags: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFMTU, ifr); err != nil {
		return fmt.Errorf("get mtu: %w", err)
	}
	d.mtu = int(ifr.Uint32())
	return nil
}

// Read implements Device: it waits for a frame, then reads the ones
// already queued, up to a batch.
func (d *TAPDevice) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	n := min(len(bufs), len(sizes), tapBatch)
	if n == 0 {
		return 0, nil
	}
	d.rbufs, d.rsizes, d.roff = bufs[:n], sizes, offset
	defer func() { d.rbufs, d.rsizes = nil, nil }()
	for {
		d.rn, d.rerr = 0, nil
		if err := d.rc.Read(d.rfn); err != nil {
			return 0, devErr("read", d.name, d.closed.Load(), err)
		}
		if d.rn > 0 {
			return d.rn, nil
		}
		if d.rerr != nil {
			return 0, devErr("read", d.name, d.closed.Load(), d.rerr)
		}
	}
}

// recv is the RawConn read callback: read(2) until the queue is empty or
// the batch full; false to wait for the poller.
func (d *TAPDevice) recv(fd uintptr) bool {
	for d.rn < len(d.rbufs) {
		b := d.rbufs[d.rn][d.roff:]
		m, err := unix.Read(int(fd), b)
		switch {
		case err == unix.EAGAIN:
			return d.rn > 0
		case err == unix.EINTR:
			continue
		case err != nil:
			d.rerr = err
			return true
		case m < ethHeaderLen:
			// Not a frame; a full buffer may also mean a truncated one.
			d.stats.rxDropped.Add(1)
			continue
		}
		d.rsizes[d.rn] = m
		d.stats.rxFrames.Add(1)
		d.stats.rxBytes.Add(uint64(m))
		d.rn++
	}
	return true
}

// Write implements Device: one write(2) per frame. Frames the kernel
// refuses are dropped and counted in TxDropped. Write is safe for
// concurrent use.
func (d *TAPDevice) Write(bufs [][]byte, offset int) (int, error) {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	d.wbufs, d.woff, d.wn, d.wsent, d.werr = bufs, offset, 0, 0, nil
	defer func() { d.wbufs = nil }()
	for d.wn < len(bufs) {
		if err := d.rc.Write(d.wfn); err != nil {
			return d.wsent, devErr("write", d.name, d.closed.Load(), err)
		}
		if d.werr != nil {
			return d.wsent, devErr("write", d.name, d.closed.Load(), d.werr)
		}
	}
	return d.wsent, nil
}

// send is the RawConn write callback: write(2) the frames from d.wn on;
// false to wait for the poller.
func (d *TAPDevice) send(fd uintptr) bool {
	for d.wn < len(d.wbufs) {
		b := d.wbufs[d.wn][d.woff:]
		_, err := unix.Write(int(fd), b)
		switch err {
		case nil:
			d.stats.txFrames.Add(1)
			d.stats.txBytes.Add(uint64(len(b)))
			d.wsent++
		case unix.EAGAIN:
			return false
		case unix.EINTR:
			continue
		case unix.EBADF:
			d.werr = err
			return true
		default:
			d.stats.txDropped.Add(1)
		}
		d.wn++
	}
	return true
}

// BatchSize implements Device: tapBatch.
func (d *TAPDevice) BatchSize() int { return tapBatch }

// MTU implements Device: the interface's MTU when it was opened.
func (d *TAPDevice) MTU() int { return d.mtu }

// Name implements Device: the interface name.
func (d *TAPDevice) Name() string { return d.name }

// HWAddr implements Device: this side's address (see OpenTAP).
func (d *TAPDevice) HWAddr() [6]byte { return d.hw }

// Stats returns the device's counters.
func (d *TAPDevice) Stats() Stats { return d.stats.snapshot() }

// Close implements Device: it unblocks a pending Read or Write. The
// interface goes away unless it was made persistent elsewhere.
func (d *TAPDevice) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	if err := d.ifce.Close(); err != nil {
		return fmt.Errorf("netstack: close %s: %w", d.name, err)
	}
	return nil
}
