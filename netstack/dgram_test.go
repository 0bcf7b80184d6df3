package netstack

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
)

// udpPorts reserves n free loopback UDP ports: it binds and releases
// them, so a test can give both ends of a dgram link their addresses
// before opening either.
func udpPorts(t testing.TB, n int) []string {
	t.Helper()
	var addrs []string
	var conns []*net.UDPConn
	for range n {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		addrs = append(addrs, c.LocalAddr().String())
	}
	for _, c := range conns {
		c.Close()
	}
	return addrs
}

// dgramPair opens two dgram devices on loopback that talk to each other.
func dgramPair(t testing.TB) (*DgramDevice, *DgramDevice) {
	t.Helper()
	p := udpPorts(t, 2)
	a, err := OpenDgram(p[0], p[1])
	if err != nil {
		t.Fatalf("OpenDgram(%s, %s): %v", p[0], p[1], err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := OpenDgram(p[1], p[0])
	if err != nil {
		t.Fatalf("OpenDgram(%s, %s): %v", p[1], p[0], err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// ethFrame is frame(n, seed) with a unicast source MAC address, as a
// dgram device wants.
func ethFrame(n int, seed byte) []byte {
	f := frame(n, seed)
	f[6] &^= 1
	return f
}

// readFrames reads from d until it has n frames or a second passes.
func readFrames(t *testing.T, d Device, n int) [][]byte {
	t.Helper()
	bufs, sizes := batch(d.BatchSize(), 2048)
	var got [][]byte
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(got) < n {
			k, err := d.Read(bufs, sizes, 0)
			if err != nil {
				return
			}
			for i := range k {
				got = append(got, bytes.Clone(bufs[i][:sizes[i]]))
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		d.Close()
		<-done
		t.Fatalf("read %d frames in 2s; want %d", len(got), n)
	}
	return got
}

func TestDgramRoundTrip(t *testing.T) {
	a, b := dgramPair(t)
	var frames [][]byte
	for i := range 100 {
		frames = append(frames, ethFrame(60+i*14, byte(i)))
	}
	// Offset 4: the frames start past a prefix the device must skip.
	bufs := make([][]byte, len(frames))
	for i, f := range frames {
		bufs[i] = append([]byte{9, 9, 9, 9}, f...)
	}
	if n, err := a.Write(bufs, 4); n != len(frames) || err != nil {
		t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(frames))
	}
	got := readFrames(t, b, len(frames))
	for i := range frames {
		if !bytes.Equal(got[i], frames[i]) {
			t.Fatalf("frame %d = % x; want % x", i, got[i][:16], frames[i][:16])
		}
	}
	if s := a.Stats(); s.TxFrames != 100 || s.TxDropped != 0 {
		t.Errorf("a.Stats() = %+v; want 100 frames sent, none dropped", s)
	}
	if s := b.Stats(); s.RxFrames != 100 || s.RxDropped != 0 {
		t.Errorf("b.Stats() = %+v; want 100 frames received, none dropped", s)
	}
	if a.HWAddr() == b.HWAddr() || a.HWAddr()[0] != 0x02 {
		t.Errorf("HWAddr() = %x, %x; want two distinct locally administered addresses", a.HWAddr(), b.HWAddr())
	}
	if a.Name() != "dgram:"+a.LocalAddr().String() {
		t.Errorf("Name() = %q; want dgram:%s", a.Name(), a.LocalAddr())
	}
}

// TestDgramHWAddrStable checks that the MAC address follows from the
// local address alone, and that the option overrides it.
func TestDgramHWAddrStable(t *testing.T) {
	p := udpPorts(t, 2)
	a, err := OpenDgram(p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	hw := a.HWAddr()
	a.Close()
	a, err = OpenDgram(p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	if a.HWAddr() != hw {
		t.Errorf("reopened HWAddr() = %x; want %x", a.HWAddr(), hw)
	}
	a.Close()
	want := [6]byte{0x02, 1, 2, 3, 4, 5}
	a, err = OpenDgram(p[0], p[1], DgramHWAddr(want))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.HWAddr() != want {
		t.Errorf("HWAddr() with option = %x; want %x", a.HWAddr(), want)
	}
}

// TestDgramBogus sends datagrams that cannot be frames, from the remote
// address itself, and checks that they are dropped and counted while the
// good frames around them get through.
func TestDgramBogus(t *testing.T) {
	p := udpPorts(t, 2)
	d, err := OpenDgram(p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	laddr, _ := net.ResolveUDPAddr("udp", p[1])
	raddr, _ := net.ResolveUDPAddr("udp", p[0])
	peer, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	good := ethFrame(100, 1)
	multicastSrc := ethFrame(100, 2)
	multicastSrc[6] |= 1
	for _, dgram := range [][]byte{
		[]byte("hi"), good, make([]byte, 13), multicastSrc, make([]byte, 4000), good,
	} {
		if _, err := peer.Write(dgram); err != nil {
			t.Fatal(err)
		}
	}
	got := readFrames(t, d, 2)
	if len(got) != 2 || !bytes.Equal(got[0], good) || !bytes.Equal(got[1], good) {
		t.Errorf("read %d frames; want the 2 good ones", len(got))
	}
	if s := d.Stats(); s.RxDropped != 4 || s.RxFrames != 2 {
		t.Errorf("Stats() = %+v; want RxFrames 2, RxDropped 4", s)
	}
	// Datagrams from anyone but the remote never reach the device.
	other, err := net.DialUDP("udp", nil, raddr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.Write(good)
	peer.Write(ethFrame(80, 3))
	if got := readFrames(t, d, 1); len(got[0]) != 80 {
		t.Errorf("read a %d-byte frame; want the remote's 80-byte one", len(got[0]))
	}
	// Bad frames on the way out are dropped too.
	if n, err := d.Write([][]byte{make([]byte, 5), good, make([]byte, 3000)}, 0); n != 1 || err != nil {
		t.Errorf("Write(short, good, long) = %d, %v; want 1, nil", n, err)
	}
	if s := d.Stats(); s.TxDropped != 2 {
		t.Errorf("Stats().TxDropped = %d; want 2", s.TxDropped)
	}
}

// TestDgramRemoteDown writes to a remote nobody listens on: the kernel's
// ECONNREFUSED is counted, Write and Read go on working, and frames flow
// once the remote is there.
func TestDgramRemoteDown(t *testing.T) {
	p := udpPorts(t, 2)
	a, err := OpenDgram(p[0], p[1])
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f := ethFrame(64, 7)
	for i := range 20 {
		if _, err := a.Write([][]byte{f, f}, 0); err != nil {
			t.Fatalf("Write #%d to a remote that is down: %v", i, err)
		}
	}
	if a.Refused() == 0 {
		t.Errorf("Refused() = 0 after writing to a closed port; want the ECONNREFUSEDs counted")
	}
	b, err := OpenDgram(p[1], p[0])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n, err := a.Write([][]byte{f}, 0); n != 1 || err != nil {
		t.Fatalf("Write after the remote came up = %d, %v", n, err)
	}
	if got := readFrames(t, b, 1); !bytes.Equal(got[0], f) {
		t.Errorf("b read % x; want % x", got[0], f)
	}
	// And a's Read, which may see the pending error, still gets frames.
	b.Write([][]byte{f}, 0)
	if got := readFrames(t, a, 1); !bytes.Equal(got[0], f) {
		t.Errorf("a read % x; want % x", got[0], f)
	}
}

func TestDgramClose(t *testing.T) {
	a, _ := dgramPair(t)
	errc := make(chan error, 1)
	go func() {
		bufs, sizes := batch(4, 2048)
		_, err := a.Read(bufs, sizes, 0)
		errc <- err
	}()
	time.Sleep(10 * time.Millisecond)
	a.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read after Close = %v; want net.ErrClosed", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Read still blocked 2s after Close")
	}
	if _, err := a.Write([][]byte{ethFrame(60, 1)}, 0); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close = %v; want net.ErrClosed", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close = %v; want nil", err)
	}
}

func TestStackTCPDgram(t *testing.T) {
	checkGoroutines(t)
	da, db := dgramPair(t)
	a, b := stackPair(t, da, db, prefixes("10.0.0.1/24", "fd00::1/64"), prefixes("10.0.0.2/24", "fd00::2/64"))
	testTCP(t, a, b, "tcp", "10.0.0.2:0", transferSize)
	testTCP(t, b, a, "tcp6", "[fd00::1]:0", transferSize)
	t.Logf("a: %+v refused %d", da.Stats(), da.Refused())
	t.Logf("b: %+v refused %d", db.Stats(), db.Refused())
}

func TestOpenNICErrors(t *testing.T) {
	p := udpPorts(t, 1)
	for _, tc := range []struct{ spec, want string }{
		{"", `nic "": want tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE`},
		{"eth0", `nic "eth0": want tap:NAME`},
		{"tap:", `nic "tap:": want tap:NAME`},
		{"vde:sw", `nic "vde:sw": unknown kind "vde"; want tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE`},
		{"dgram:127.0.0.1:1", `nic "dgram:127.0.0.1:1": dgram wants LOCAL,REMOTE`},
		{"dgram:,127.0.0.1:1", `dgram wants LOCAL,REMOTE`},
		{"dgram:127.0.0.1:1,", `dgram wants LOCAL,REMOTE`},
		{"dgram:a:1,b:2,c:3", `dgram wants LOCAL,REMOTE`},
		{"dgram:127.0.0.1:x,127.0.0.1:1", `nic "dgram:127.0.0.1:x,127.0.0.1:1": netstack: open dgram 127.0.0.1:x,127.0.0.1:1: local:`},
		{"dgram:127.0.0.1:1,127.0.0.1", `remote:`},
		{"packet:ofbox-nonesuch0", `nic "packet:ofbox-nonesuch0": netstack: open packet ofbox-nonesuch0`},
		{"tap:" + string(bytes.Repeat([]byte("x"), 16)), `want an interface name of 1..15 bytes`},
	} {
		d, err := OpenNIC(tc.spec)
		if err == nil {
			d.Close()
			t.Errorf("OpenNIC(%q) = %s, nil; want an error containing %q", tc.spec, d.Name(), tc.want)
			continue
		}
		if !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
			t.Errorf("OpenNIC(%q) error = %q; want it to contain %q", tc.spec, err, tc.want)
		}
	}
	d, err := OpenNIC("dgram:" + p[0] + ",127.0.0.1:" + strconv.Itoa(9))
	if err != nil {
		t.Fatalf("OpenNIC(dgram) = %v", err)
	}
	defer d.Close()
	if _, ok := d.(*DgramDevice); !ok || d.Name() != "dgram:"+p[0] {
		t.Errorf("OpenNIC(dgram:%s,...) = %T %s; want *DgramDevice dgram:%s", p[0], d, d.Name(), p[0])
	}
}

func TestDgramAllocs(t *testing.T) {
	a, b := dgramPair(t)
	in := [][]byte{ethFrame(60, 0), ethFrame(1514, 2)}
	bufs, sizes := batch(dgramBatch, 2048)
	allocs := testing.AllocsPerRun(1000, func() {
		a.Write(in, 0)
		for got := 0; got < len(in); {
			n, _ := b.Read(bufs, sizes, 0)
			got += n
		}
	})
	if allocs != 0 {
		t.Errorf("Write+Read allocs = %v; want 0", allocs)
	}
}

// BenchmarkDgram moves batches of small frames between two dgram devices
// on loopback: the per-frame cost of the recvmmsg/sendmmsg path.
func BenchmarkDgram(b *testing.B) {
	x, y := dgramPair(b)
	in := make([][]byte, 32)
	for i := range in {
		in[i] = ethFrame(60, byte(2*i))
	}
	bufs, sizes := batch(dgramBatch, 2048)
	b.ReportAllocs()
	for b.Loop() {
		x.Write(in, 0)
		for got := 0; got < len(in); {
			n, _ := y.Read(bufs, sizes, 0)
			got += n
		}
	}
	b.ReportMetric(float64(b.N*len(in))/b.Elapsed().Seconds(), "frames/s")
}
