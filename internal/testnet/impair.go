package testnet

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Link is an Ethernet link between two namespaces that the test process
// carries: a TAP in each, and frames relayed between them, lost, delayed
// or cut as the test says. It stands in for `tc qdisc ... netem`, which
// the kernels of these machines lack (CONFIG_NET_SCH_NETEM is not set: tc
// says "Specified qdisc kind is unknown"). The namespaces' own TCP stacks
// see real loss and delay, as they would under netem.
type Link struct {
	t        testing.TB
	loss     atomic.Uint64 // drop probability, parts per million
	delay    atomic.Int64  // nanoseconds
	cut      atomic.Bool
	passed   atomic.Uint64
	dropped  atomic.Uint64
	ends     [2]*os.File
	wg       sync.WaitGroup
	inFlight sync.WaitGroup // delayed frames not yet written
}

// NewLink creates TAP devAName in aNS and devBName in bNS (nil: the root
// namespace; names there must be unique, see IfName), sets both up and
// relays frames between them until t's cleanup, which removes them.
// Address them with AddAddr.
func NewLink(t testing.TB, aNS *NS, devAName string, bNS *NS, devBName string) *Link {
	t.Helper()
	l := &Link{t: t}
	for i, e := range []struct {
		ns  *NS
		dev string
	}{{aNS, devAName}, {bNS, devBName}} {
		var f *os.File
		err := e.ns.Do(func() error {
			var err error
			f, err = openTAP(e.dev)
			return err
		})
		if err != nil {
			t.Fatalf("testnet: link: %v", err)
		}
		l.ends[i] = f
		if e.ns.isRoot() {
			Root(t).SetUp(e.dev)
		} else {
			e.ns.SetUp(e.dev)
		}
	}
	l.wg.Add(2)
	go l.relay(l.ends[0], l.ends[1])
	go l.relay(l.ends[1], l.ends[0])
	t.Cleanup(func() {
		l.Cut()
		for _, f := range l.ends {
			f.Close() // ends the relays' reads; the TAPs go with the last fd
		}
		l.wg.Wait()
		l.inFlight.Wait()
	})
	return l
}

// SetLoss drops each frame with probability p (0 to 1), both ways.
func (l *Link) SetLoss(p float64) { l.loss.Store(uint64(p * 1e6)) }

// SetDelay holds each frame for d before passing it on, both ways.
func (l *Link) SetDelay(d time.Duration) { l.delay.Store(int64(d)) }

// Cut drops every frame until Restore, as a pulled cable.
func (l *Link) Cut() { l.cut.Store(true) }

// Restore ends a Cut.
func (l *Link) Restore() { l.cut.Store(false) }

// Counts returns how many frames passed and how many were dropped.
func (l *Link) Counts() (passed, dropped uint64) { return l.passed.Load(), l.dropped.Load() }

func (l *Link) relay(from, to *os.File) {
	defer l.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, err := from.Read(buf)
		if err != nil {
			return
		}
		if l.cut.Load() || rand.Uint64N(1e6) < l.loss.Load() {
			l.dropped.Add(1)
			continue
		}
		l.passed.Add(1)
		d := time.Duration(l.delay.Load())
		if d <= 0 {
			to.Write(buf[:n])
			continue
		}
		frame := append([]byte(nil), buf[:n]...)
		l.inFlight.Add(1)
		time.AfterFunc(d, func() {
			defer l.inFlight.Done()
			to.Write(frame) // after Close: an error, and the frame is gone, as on a cable
		})
	}
}

// openTAP creates the TAP interface name (IFF_TAP|IFF_NO_PI: one frame
// per read and write) in the calling thread's namespace.
func openTAP(name string) (*os.File, error) {
	if len(name) == 0 || len(name) >= unix.IFNAMSIZ {
		return nil, fmt.Errorf("tap %q: want a name of 1..%d bytes", name, unix.IFNAMSIZ-1)
	}
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("tap %s: open /dev/net/tun: %w", name, err)
	}
	var ifr struct {
		name  [unix.IFNAMSIZ]byte
		flags uint16
		_     [22]byte
	}
	copy(ifr.name[:], name)
	ifr.flags = unix.IFF_TAP | unix.IFF_NO_PI
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.TUNSETIFF, uintptr(unsafe.Pointer(&ifr))); errno != 0 {
		unix.Close(fd)
		return nil, fmt.Errorf("tap %s: TUNSETIFF: %w", name, errno)
	}
	return os.NewFile(uintptr(fd), "tap:"+name), nil
}
