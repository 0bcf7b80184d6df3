package netstack

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// collect reads d until it is closed and hands the IPv4 frames from
// 10.9.x.1 to check, with their VLAN tag (if any) taken off.
func collect(t *testing.T, d *PacketDevice, check func(f []byte, tagged bool)) (stop func()) {
	return collectSized(t, d, 0, 65536, check)
}

// collectSized is collect with read buffers of size bytes after offset.
func collectSized(t *testing.T, d *PacketDevice, offset, size int, check func(f []byte, tagged bool)) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		bufs, sizes := batch(d.BatchSize(), offset+size)
		for {
			n, err := d.Read(bufs, sizes, offset)
			if err != nil {
				if !errors.Is(err, net.ErrClosed) {
					t.Errorf("Read = %v", err)
				}
				return
			}
			for i := range n {
				f, tagged := bufs[i][offset:offset+sizes[i]], false
				if len(f) >= 18 && binary.BigEndian.Uint16(f[12:]) == 0x8100 {
					f, tagged = slices.Concat(f[:12], f[16:]), true
				}
				if len(f) >= 34 && binary.BigEndian.Uint16(f[12:]) == 0x0800 && bytes.Equal(f[26:28], []byte{10, 9}) && f[29] == 1 {
					check(f, tagged)
				}
			}
		}
	}()
	return func() { d.Close(); wg.Wait() }
}

func TestIntegrationPacketRead(t *testing.T) {
	requireRoot(t)
	for _, tt := range []struct {
		name         string
		proto        uint8
		txCsum, vlan bool
	}{
		{"udp/offload-on", 17, true, false},
		{"udp/offload-off", 17, false, false},
		{"tcp/offload-on", 6, true, false},
		{"tcp/offload-off", 6, false, false},
		// A tagged frame with a partial checksum, injected by a packet
		// socket (no 8021q module needed): the kernel untags it on
		// receive, Read puts the tag back and completes the checksum.
		{"udp/partial/vlan", 17, true, true},
		{"tcp/partial/vlan", 6, true, true},
	} {
		for _, m := range packetModes {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				p := newVethPair(t, tt.txCsum)
				d := openWith(t, p.NSB, p.B, m.opts)
				got := make(chan error, 100)
				stop := collect(t, d, func(f []byte, tagged bool) {
					proto, payload, err := checkFrame(f)
					if err == nil && tagged != tt.vlan {
						err = fmt.Errorf("frame tagged = %v; want %v", tagged, tt.vlan)
					}
					if proto == tt.proto && (err != nil || len(payload) > 0) {
						select {
						case got <- err:
						default:
						}
					}
				})
				defer stop()
				var ln net.Listener
				// The injected frame is one shot: sent again until read,
				// as a veth may still be coming up on a loaded machine.
				resend := func() {}
				if tt.vlan {
					resend = func() { injectPartial(t, p.NSA, p.A, tt.proto) }
					resend()
				}
				inNS(t, p.NSB, func() { ln, _ = net.Listen("tcp", "10.9.0.2:5001") })
				defer ln.Close()
				go func() {
					if c, err := ln.Accept(); err == nil {
						io.Copy(io.Discard, c)
						c.Close()
					}
				}()
				inNS(t, p.NSA, func() {
					if tt.vlan {
						return
					}
					network, addr := "udp", "10.9.0.2:9999"
					if tt.proto == 6 {
						network, addr = "tcp", "10.9.0.2:5001"
					}
					c, err := net.Dial(network, addr)
					if err != nil {
						t.Errorf("dial %s from %s: %v", addr, p.NSA, err)
						return
					}
					defer c.Close()
					c.Write(frame(301, 9)) // odd length: the checksum's padding byte
				})
				tick := time.NewTicker(250 * time.Millisecond)
				defer tick.Stop()
				deadline := time.After(5 * time.Second)
			wait:
				for {
					select {
					case err := <-got:
						if err != nil {
							t.Fatalf("frame read from %s: %v", p.B, err)
						}
						break wait
					case <-tick.C:
						resend()
					case <-deadline:
						t.Fatalf("no proto %d frame with payload read from %s; stats %+v", tt.proto, p.B, d.Stats())
					}
				}
				if s := d.Stats(); tt.txCsum && s.RxChecksumCompleted == 0 {
					t.Errorf("Stats().RxChecksumCompleted = 0 with offload on; want > 0 (%+v)", s)
				}
			})
		}
	}
}

// TestIntegrationPacketGSO sends a bulk TCP transfer with TSO on: the
// device must hand over only wire-sized frames with valid checksums, with
// read buffers that hold a GSO frame and with the switch's smaller ones.
func TestIntegrationPacketGSO(t *testing.T) {
	requireRoot(t, "ethtool")
	for _, tt := range []struct {
		name         string
		offset, size int
	}{
		{"64k-buffers", 0, 65536},
		{"9k-buffers", 64, 9216},
	} {
		for _, m := range packetModes {
			t.Run(m.name+"/"+tt.name, func(t *testing.T) {
				p := newVethPair(t, true)
				d := openWith(t, p.NSB, p.B, m.opts)
				var mu sync.Mutex
				var frames, bad, tooBig int
				stop := collectSized(t, d, tt.offset, tt.size, func(f []byte, _ bool) {
					mu.Lock()
					defer mu.Unlock()
					frames++
					if len(f) > d.MTU()+14 {
						tooBig++
					}
					if _, _, err := checkFrame(f); err != nil {
						if bad == 0 {
							t.Errorf("frame %d: %v", frames, err)
						}
						bad++
					}
				})
				var ln net.Listener
				inNS(t, p.NSB, func() { ln, _ = net.Listen("tcp", "10.9.0.2:5001") })
				defer ln.Close()
				const total = 8 << 20
				done := make(chan int64, 1)
				go func() {
					c, err := ln.Accept()
					if err != nil {
						done <- -1
						return
					}
					n, _ := io.Copy(io.Discard, c)
					done <- n
				}()
				inNS(t, p.NSA, func() {
					c, err := net.Dial("tcp", "10.9.0.2:5001")
					if err != nil {
						t.Errorf("dial: %v", err)
						return
					}
					c.Write(make([]byte, total))
					c.Close()
				})
				if n := <-done; n != total {
					t.Errorf("received %d bytes; want %d", n, total)
				}
				time.Sleep(100 * time.Millisecond)
				stop()
				s := d.Stats()
				t.Logf("frames %d, stats %+v", frames, s)
				if s.RxGSOFrames == 0 {
					t.Errorf("Stats().RxGSOFrames = 0 with TSO on; want > 0")
				}
				if bad != 0 || tooBig != 0 {
					t.Errorf("%d of %d frames with bad checksums, %d larger than MTU", bad, frames, tooBig)
				}
			})
		}
	}
}

// TestIntegrationPacketWrite writes frames on one end and reads them on
// the other with a second PacketDevice.
func TestIntegrationPacketWrite(t *testing.T) {
	requireRoot(t)
	for _, m := range packetModes {
		t.Run(m.name, func(t *testing.T) { testPacketWrite(t, m.opts) })
	}
}

func testPacketWrite(t *testing.T, opts PacketOptions) {
	p := newVethPair(t, true)
	a, b := openIn(t, p.NSA, p.A), openWith(t, p.NSB, p.B, opts)
	const offset = 16
	var in [][]byte
	for i := range 100 {
		f := make([]byte, offset+60+i*14)
		dst, src := b.HWAddr(), a.HWAddr()
		copy(f[offset:], dst[:])
		copy(f[offset+6:], src[:])
		binary.BigEndian.PutUint16(f[offset+12:], 0x88b5)
		f[offset+14] = byte(i)
		switch i % 3 { // the kernel takes off the outer tag; Read puts it back
		case 1:
			f = slices.Insert(f, offset+12, 0x81, 0x00, 0x00, byte(i))
		case 2:
			f = slices.Insert(f, offset+12, 0x88, 0xa8, 0x20, byte(i), 0x81, 0x00, 0x00, 7)
		}
		in = append(in, f)
	}
	if n, err := a.Write(in, offset); n != len(in) || err != nil {
		t.Fatalf("Write(%d frames) = %d, %v", len(in), n, err)
	}
	bufs, sizes := batch(b.BatchSize(), 2048)
	var got [][]byte
	deadline := time.AfterFunc(5*time.Second, func() { b.Close() })
	defer deadline.Stop()
	for len(got) < len(in) {
		n, err := b.Read(bufs, sizes, offset)
		if err != nil {
			t.Fatalf("Read after %d frames = %v", len(got), err)
		}
		for i := range n {
			if f := bufs[i][offset : offset+sizes[i]]; isTestFrame(f) {
				got = append(got, bytes.Clone(f))
			}
		}
	}
	for i := range in {
		if !bytes.Equal(got[i], in[i][offset:]) {
			t.Errorf("frame %d = %x; want %x", i, got[i], in[i][offset:])
		}
	}
	if s := a.Stats(); s.TxFrames != uint64(len(in)) {
		t.Errorf("a.Stats().TxFrames = %d; want %d", s.TxFrames, len(in))
	}
	// A frame larger than the MTU is dropped and counted, not an error.
	big := make([]byte, a.MTU()+100)
	if n, err := a.Write([][]byte{big}, 0); n != 0 || err != nil {
		t.Errorf("Write(oversized) = %d, %v; want 0, nil", n, err)
	}
	if s := a.Stats(); s.TxDropped != 1 {
		t.Errorf("a.Stats().TxDropped = %d; want 1", s.TxDropped)
	}
}

func TestIntegrationPacketClose(t *testing.T) {
	requireRoot(t)
	p := newVethPair(t, true)
	d := openIn(t, p.NSB, p.B)
	for i := 0; !d.LinkUp(); i++ { // carrier comes up asynchronously
		if i == 100 {
			t.Fatal("LinkUp() = false; want true")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d.MTU() != 1500 || d.HWAddr() == [6]byte{} || d.Name() != p.B {
		t.Errorf("MTU, HWAddr, Name = %d, %x, %s; want 1500, non-zero, %s", d.MTU(), d.HWAddr(), d.Name(), p.B)
	}
	run(t, "ip", "-n", p.NSA, "link", "set", p.A, "down")
	for i := 0; d.LinkUp(); i++ {
		if i == 100 {
			t.Fatal("LinkUp() = true with the peer down; want false")
		}
		time.Sleep(20 * time.Millisecond)
	}
	errc := make(chan error, 1)
	go func() {
		bufs, sizes := batch(4, 2048)
		_, err := d.Read(bufs, sizes, 0)
		errc <- err
	}()
	time.Sleep(50 * time.Millisecond)
	d.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("Read after Close = %v; want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not return after Close")
	}
}

// testFrames returns n frames of size bytes from a to b, ethertype 0x88b5.
func testFrames(a, b Device, n, size int) [][]byte {
	var in [][]byte
	for range n {
		f := make([]byte, size)
		dst, src := b.HWAddr(), a.HWAddr()
		copy(f, dst[:])
		copy(f[6:], src[:])
		binary.BigEndian.PutUint16(f[12:], 0x88b5)
		in = append(in, f)
	}
	return in
}

func TestIntegrationPacketAllocs(t *testing.T) {
	requireRoot(t)
	p := newVethPair(t, true)
	a, b := openIn(t, p.NSA, p.A), openIn(t, p.NSB, p.B)
	in := testFrames(a, b, 8, 60)
	bufs, sizes := batch(b.BatchSize(), 2048)
	allocs := testing.AllocsPerRun(500, func() {
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

func BenchmarkIntegrationPacket(b *testing.B) {
	for _, size := range []int{60, 1514} {
		b.Run(map[int]string{60: "60B", 1514: "1514B"}[size], func(b *testing.B) {
			requireRoot(b)
			p := newVethPair(b, true)
			x, y := openIn(b, p.NSA, p.A), openIn(b, p.NSB, p.B)
			in := testFrames(x, y, packetBatch, size)
			bufs, sizes := batch(y.BatchSize(), 2048)
			b.ReportAllocs()
			b.SetBytes(int64(size * len(in)))
			for b.Loop() {
				x.Write(in, 0)
				for got := 0; got < len(in); {
					n, _ := y.Read(bufs, sizes, 0)
					got += n
				}
			}
			b.ReportMetric(float64(b.N*len(in))/b.Elapsed().Seconds(), "frames/s")
			if s := y.Stats(); s.RxDropped != 0 {
				b.Logf("rx dropped %d", s.RxDropped)
			}
		})
	}
}

// BenchmarkIntegrationPacketStream runs the writer in its own goroutine,
// as a switch's ports do, and counts the frames the reader gets; b.N is
// in frames read.
func BenchmarkIntegrationPacketStream(b *testing.B) {
	requireRoot(b)
	p := newVethPair(b, true)
	x, y := openIn(b, p.NSA, p.A), openIn(b, p.NSB, p.B)
	in := testFrames(x, y, packetBatch, 60)
	bufs, sizes := batch(y.BatchSize(), 2048)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				x.Write(in, 0)
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for got := 0; got < b.N; {
		n, _ := y.Read(bufs, sizes, 0)
		got += n
	}
	b.StopTimer()
	close(stop)
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(0, "ns/op")
}

// isTestFrame reports whether f has ethertype 0x88b5 behind any VLAN tags.
func isTestFrame(f []byte) bool {
	for off := 12; off+2 <= len(f); off += 4 {
		switch binary.BigEndian.Uint16(f[off:]) {
		case 0x88b5:
			return true
		case 0x8100, 0x88a8:
		default:
			return false
		}
	}
	return false
}

// injectPartial sends, from a packet socket with vnet headers on iface in
// ns, a VLAN-tagged IPv4 frame from 10.9.2.1 whose L4 checksum is left
// partial (VIRTIO_NET_HDR_F_NEEDS_CSUM), as a stack with checksum offload
// would hand it over.
func injectPartial(t *testing.T, ns, iface string, proto uint8) {
	f := testPacket(false, proto, frame(301, 5))
	ip := f[14:34]
	copy(ip[12:16], []byte{10, 9, 2, 1})
	ip[10], ip[11] = 0, 0
	binary.BigEndian.PutUint16(ip[10:], ^csumFold(csumAdd(0, ip)))
	h := partialHdr(f, false, proto)
	l4len := len(f) - 34
	binary.BigEndian.PutUint16(f[h.csumStart+h.csumOffset:], csumFold(pseudoSum(ip, proto, l4len)))
	f = slices.Insert(f, 12, 0x81, 0x00, 0x00, 10)
	h.csumStart += 4
	msg := make([]byte, vnetHdrLen)
	h.put(msg)
	msg = append(msg, f...)
	inNS(t, ns, func() {
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			t.Errorf("inject: %v", err)
			return
		}
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			t.Errorf("inject: %v", err)
			return
		}
		defer unix.Close(fd)
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VNET_HDR, 1); err != nil {
			t.Errorf("inject: %v", err)
			return
		}
		if err := unix.Sendto(fd, msg, 0, &unix.SockaddrLinklayer{Ifindex: ifi.Index}); err != nil {
			t.Errorf("inject: sendto: %v", err)
		}
	})
}

// TestIntegrationPacketConcurrentWrite writes from several goroutines at
// once, as a switch's port readers do, while another goroutine reads.
func TestIntegrationPacketConcurrentWrite(t *testing.T) {
	requireRoot(t)
	p := newVethPair(t, true)
	a, b := openIn(t, p.NSA, p.A), openIn(t, p.NSB, p.B)
	const writers, batches = 4, 10 // 640 frames: well inside the socket buffer, no kernel drops
	in := testFrames(a, b, 16, 100)
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range batches {
				a.Write(in, 0)
			}
		}()
	}
	want := writers * batches * len(in)
	bufs, sizes := batch(b.BatchSize(), 2048)
	deadline := time.AfterFunc(10*time.Second, func() { b.Close() })
	defer deadline.Stop()
	for got := 0; got < want; {
		n, err := b.Read(bufs, sizes, 0)
		if err != nil {
			t.Fatalf("Read after %d of %d frames = %v", got, want, err)
		}
		for i := range n {
			if isTestFrame(bufs[i][:sizes[i]]) {
				got++
			}
		}
	}
	wg.Wait()
	if s := a.Stats(); s.TxFrames != uint64(want) {
		t.Errorf("a.Stats().TxFrames = %d; want %d", s.TxFrames, want)
	}
}

// TestIntegrationPacketKernelDrops: frames the kernel drops because the
// reader fell behind (a full ring or socket buffer) are counted, and what
// did fit is still read in order.
func TestIntegrationPacketKernelDrops(t *testing.T) {
	requireRoot(t)
	for _, m := range packetModes {
		t.Run(m.name, func(t *testing.T) {
			p := newVethPair(t, true)
			opts := m.opts
			opts.SocketBuffer = 128 << 10 // a 64-slot ring; a few hundred small frames of socket buffer
			a, b := openIn(t, p.NSA, p.A), openWith(t, p.NSB, p.B, opts)
			const sent = 4000
			var in [][]byte
			for i := range sent {
				f := make([]byte, 60)
				dst, src := b.HWAddr(), a.HWAddr()
				copy(f, dst[:])
				copy(f[6:], src[:])
				binary.BigEndian.PutUint16(f[12:], 0x88b5)
				f[14] = 1 // isTestFrame
				binary.BigEndian.PutUint16(f[16:], uint16(i))
				in = append(in, f)
			}
			if n, err := a.Write(in, 0); n != sent || err != nil {
				t.Fatalf("Write(%d frames) = %d, %v", sent, n, err)
			}
			bufs, sizes := batch(b.BatchSize(), 2048)
			got, last := 0, -1
			for {
				done := time.AfterFunc(300*time.Millisecond, func() { b.Close() })
				n, err := b.Read(bufs, sizes, 0)
				done.Stop()
				if err != nil {
					break
				}
				for i := range n {
					f := bufs[i][:sizes[i]]
					if !isTestFrame(f) {
						continue
					}
					seq := int(binary.BigEndian.Uint16(f[16:]))
					if seq <= last {
						t.Errorf("frame %d after frame %d", seq, last)
					}
					last = seq
					got++
				}
			}
			s := b.Stats()
			t.Logf("read %d of %d; stats %+v", got, sent, s)
			if got == 0 || s.RxKernelDropped == 0 || uint64(got)+s.RxKernelDropped < sent {
				t.Errorf("read %d, kernel dropped %d of %d frames; want some of each, adding up to at least %d", got, s.RxKernelDropped, sent, sent)
			}
			if b.RxDrops() < s.RxKernelDropped {
				t.Errorf("RxDrops() = %d; want at least the kernel's %d", b.RxDrops(), s.RxKernelDropped)
			}
		})
	}
}
