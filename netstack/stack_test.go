package netstack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"
)

// stackPair runs a stack over each device, with one address each, and
// closes them at the end of the test.
func stackPair(t testing.TB, da, db Device, aa, ab []netip.Prefix) (*Stack, *Stack) {
	t.Helper()
	a, err := NewStack(StackConfig{NICs: []StackNIC{{Device: da, Addrs: aa}}})
	if err != nil {
		t.Fatalf("NewStack(a): %v", err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := NewStack(StackConfig{NICs: []StackNIC{{Device: db, Addrs: ab}}})
	if err != nil {
		t.Fatalf("NewStack(b): %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

func prefixes(ss ...string) []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range ss {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}

// checkGoroutines fails the test if, after its cleanups, more goroutines
// run than before it started (given a few seconds to wind down).
func checkGoroutines(t *testing.T) {
	t.Helper()
	base := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > base {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("goroutines after Close = %d; want <= %d\n%s", runtime.NumGoroutine(), base, buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// pattern returns n pseudo-random bytes from seed.
func pattern(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// exchange sends want to c and reads len(got) bytes from it into got, at
// the same time.
func exchange(c net.Conn, send, got []byte) error {
	errc := make(chan error, 1)
	go func() {
		_, err := c.Write(send)
		errc <- err
	}()
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := <-errc; err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// testTCP connects a to b's listener at addr and moves size bytes each
// way at once, checking the content.
func testTCP(t *testing.T, a, b *Stack, network, addr string, size int) {
	t.Helper()
	ln, err := b.Listen(network, addr)
	if err != nil {
		t.Fatalf("Listen(%s, %s): %v", network, addr, err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	host, _, _ := net.SplitHostPort(addr)

	up, down := pattern(size, 1), pattern(size, 2)
	srvErr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srvErr <- fmt.Errorf("accept: %w", err)
			return
		}
		defer c.Close()
		got := make([]byte, size)
		if err := exchange(c, down, got); err != nil {
			srvErr <- fmt.Errorf("server: %w", err)
			return
		}
		if !bytes.Equal(got, up) {
			srvErr <- fmt.Errorf("server received %d bytes that differ from what the client sent", size)
			return
		}
		srvErr <- nil
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := a.Dial(ctx, network, net.JoinHostPort(host, port))
	if err != nil {
		t.Fatalf("Dial(%s, %s): %v", network, net.JoinHostPort(host, port), err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	got := make([]byte, size)
	if err := exchange(c, up, got); err != nil {
		t.Fatalf("client: %v", err)
	}
	if !bytes.Equal(got, down) {
		t.Errorf("client received %d bytes that differ from what the server sent", size)
	}
	if err := <-srvErr; err != nil {
		t.Error(err)
	}
}

const transferSize = 4 << 20

// TestStackTCPPipe moves 4 MiB each way at once between two stacks over a
// Pipe, twice: from a to b's listener and back from b to a's.
func TestStackTCPPipe(t *testing.T) {
	for _, tc := range []struct {
		name            string
		addrA, addrB    string
		network, ab, ba string
	}{
		{"ipv4", "10.0.0.1/24", "10.0.0.2/24", "tcp", "10.0.0.2:0", "10.0.0.1:6653"},
		{"ipv6", "fd00::1/64", "fd00::2/64", "tcp6", "[fd00::2]:0", "[fd00::1]:6653"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkGoroutines(t)
			da, db := Pipe()
			a, b := stackPair(t, da, db, prefixes(tc.addrA), prefixes(tc.addrB))
			testTCP(t, a, b, tc.network, tc.ab, transferSize)
			testTCP(t, b, a, tc.network, tc.ba, transferSize)
		})
	}
}

// TestStackListenAny checks that a listener on no address takes
// connections to every address of the stack, IPv4 and IPv6.
func TestStackListenAny(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, b := stackPair(t, da, db,
		prefixes("10.0.0.1/24", "fd00::1/64"), prefixes("10.0.0.2/24", "fd00::2/64"))
	ln, err := b.Listen("tcp", ":0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.Copy(c, c)
			c.Close()
		}
	}()
	for _, host := range []string{"10.0.0.2", "fd00::2"} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := a.Dial(ctx, "tcp", net.JoinHostPort(host, port))
		cancel()
		if err != nil {
			t.Fatalf("Dial(%s): %v", host, err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		msg := []byte("hello " + host)
		got := make([]byte, len(msg))
		if err := exchange(c, msg, got); err != nil || !bytes.Equal(got, msg) {
			t.Errorf("echo via %s = %q, %v; want %q", host, got, err, msg)
		}
		if la := c.LocalAddr().(*net.TCPAddr); la.IP.To4() != nil != (host == "10.0.0.2") {
			t.Errorf("Dial(%s).LocalAddr() = %v; want the same address family", host, la)
		}
		c.Close()
	}
}

// TestStackIPv4Only: a stack with IPv4 addresses alone runs no IPv6. A
// listener on no address takes IPv4 connections, and every use of IPv6
// gets an error that says why.
func TestStackIPv4Only(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, b := stackPair(t, da, db, prefixes("10.0.0.1/24"), prefixes("10.0.0.2/24"))
	if a.v6 || b.v6 {
		t.Fatalf("stacks with IPv4 addresses alone: v6 = %v, %v; want false", a.v6, b.v6)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ln, err := b.Listen("tcp", ":0")
	if err != nil {
		t.Fatalf("Listen(tcp, :0) on an IPv4-only stack: %v", err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			io.Copy(c, c)
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	conn, err := a.Dial(ctx, "tcp", net.JoinHostPort("10.0.0.2", port))
	if err != nil {
		t.Fatalf("Dial to the any-address listener: %v", err)
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, 5)
	if err := exchange(conn, []byte("hello"), got); err != nil || string(got) != "hello" {
		t.Errorf("echo = %q, %v; want hello", got, err)
	}
	conn.Close()
	for _, c := range []struct {
		what string
		err  func() error
	}{
		{"Listen tcp6", func() error { _, err := b.Listen("tcp6", ":0"); return err }},
		{"Listen [fd00::2]", func() error { _, err := b.Listen("tcp", "[fd00::2]:0"); return err }},
		{"ListenPacket udp6", func() error { _, err := b.ListenPacket("udp6", ":0"); return err }},
		{"Dial [fd00::2]", func() error { _, err := a.Dial(ctx, "tcp", "[fd00::2]:80"); return err }},
		{"Ping fd00::2", func() error { _, err := a.Ping(ctx, netip.MustParseAddr("fd00::2")); return err }},
	} {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), "no IPv6") {
			t.Errorf("%s on an IPv4-only stack: error %v; want one saying it has no IPv6", c.what, err)
		}
	}
	// An IPv6 route alone turns IPv6 on.
	dc, dd := Pipe()
	defer dd.Close()
	st, err := NewStack(StackConfig{NICs: []StackNIC{{Device: dc, Addrs: prefixes("10.0.0.3/24")}},
		Routes: []Route{{Dst: netip.MustParsePrefix("fd01::/64")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if !st.v6 {
		t.Error("a stack with an IPv6 route: v6 = false; want true")
	}
}

func TestStackPing(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, b := stackPair(t, da, db,
		prefixes("10.0.0.1/24", "fd00::1/64"), prefixes("10.0.0.2/24", "fd00::2/64"))
	for _, dst := range []string{"10.0.0.2", "fd00::2"} {
		for i := range 3 {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			rtt, err := a.Ping(ctx, netip.MustParseAddr(dst))
			cancel()
			if err != nil || rtt <= 0 {
				t.Errorf("Ping(%s) #%d = %v, %v; want a positive round trip", dst, i, rtt, err)
			}
		}
	}
	// b pings a too: either side answers.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := b.Ping(ctx, netip.MustParseAddr("10.0.0.1")); err != nil {
		t.Errorf("b.Ping(10.0.0.1): %v", err)
	}
	// Nobody has 10.0.0.9: the ping times out with the context.
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if rtt, err := a.Ping(ctx, netip.MustParseAddr("10.0.0.9")); err == nil {
		t.Errorf("Ping(10.0.0.9) = %v, nil; want an error", rtt)
	}
}

// TestStackRoutes checks a route through a gateway: a reaches 10.1.0.2
// (b's second address, off a's subnet) only through the route via b.
func TestStackRoutes(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, err := NewStack(StackConfig{
		NICs:   []StackNIC{{Device: da, Addrs: prefixes("10.0.0.1/24")}},
		Routes: []Route{{Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("10.0.0.2")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewStack(StackConfig{NICs: []StackNIC{{Device: db, Addrs: prefixes("10.0.0.2/24", "10.1.0.2/24")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Ping(ctx, netip.MustParseAddr("10.1.0.2")); err != nil {
		t.Errorf("Ping(10.1.0.2) via gateway: %v", err)
	}
}

func TestStackConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  func(d Device) StackConfig
		want string
	}{
		{"no nics", func(Device) StackConfig { return StackConfig{} }, "no NICs"},
		{"nil device", func(Device) StackConfig { return StackConfig{NICs: []StackNIC{{}}} }, "NICs[0]: no device"},
		{"bad prefix", func(d Device) StackConfig {
			return StackConfig{NICs: []StackNIC{{Device: d, Addrs: []netip.Prefix{{}}}}}
		}, "NICs[0].Addrs[0]: invalid prefix"},
		{"route nic", func(d Device) StackConfig {
			return StackConfig{NICs: []StackNIC{{Device: d}}, Routes: []Route{{Dst: netip.MustParsePrefix("0.0.0.0/0"), NIC: 1}}}
		}, "Routes[0] 0.0.0.0/0: NIC 1 out of range; want 0..0"},
		{"route family", func(d Device) StackConfig {
			return StackConfig{NICs: []StackNIC{{Device: d}}, Routes: []Route{{Dst: netip.MustParsePrefix("::/0"), Gateway: netip.MustParseAddr("10.0.0.1")}}}
		}, "gateway 10.0.0.1 is of another address family"},
		{"route dst", func(d Device) StackConfig {
			return StackConfig{NICs: []StackNIC{{Device: d}}, Routes: []Route{{}}}
		}, "Routes[0]: invalid destination"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := Pipe()
			st, err := NewStack(tc.cfg(d))
			if err == nil {
				st.Close()
				t.Fatalf("NewStack = nil error; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewStack error = %q; want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestStackAddrErrors(t *testing.T) {
	da, db := Pipe()
	a, _ := stackPair(t, da, db, prefixes("10.0.0.1/24"), prefixes("10.0.0.2/24"))
	ctx := context.Background()
	for _, tc := range []struct{ network, addr, want string }{
		{"udp", "10.0.0.2:1", "unsupported network; want tcp, tcp4 or tcp6"},
		{"tcp", "10.0.0.2", "want host:port"},
		{"tcp", "10.0.0.2:http", "not a number"},
		{"tcp", "host.example:80", "not an IP address"},
		{"tcp4", "[fd00::2]:80", "address family"},
		{"tcp6", "10.0.0.2:80", "address family"},
		{"tcp", ":80", "no host"},
	} {
		if c, err := a.Dial(ctx, tc.network, tc.addr); err == nil || !strings.Contains(err.Error(), tc.want) {
			if c != nil {
				c.Close()
			}
			t.Errorf("Dial(%s, %s) error = %v; want it to contain %q", tc.network, tc.addr, err, tc.want)
		}
	}
	if _, err := a.Listen("tcp", "10.0.0.1:99999"); err == nil || !strings.Contains(err.Error(), "not a number 0..65535") {
		t.Errorf("Listen(:99999) error = %v; want a port range error", err)
	}
	// Nobody listens on 10.0.0.2:9: the peer resets the connection.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if c, err := a.Dial(ctx, "tcp", "10.0.0.2:9"); err == nil {
		c.Close()
		t.Errorf("Dial(10.0.0.2:9) = nil error; want connection refused")
	}
}

// TestStackClose checks that Close closes the devices, ends pending
// Accepts and Reads, and is idempotent.
func TestStackClose(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, err := NewStack(StackConfig{NICs: []StackNIC{{Device: da, Addrs: prefixes("10.0.0.1/24")}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewStack(StackConfig{NICs: []StackNIC{{Device: db, Addrs: prefixes("10.0.0.2/24")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ln, err := a.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		accepted <- err
	}()
	if err := a.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	select {
	case err := <-accepted:
		if err == nil {
			t.Errorf("Accept after Close = nil error")
		}
	case <-time.After(5 * time.Second):
		t.Errorf("Accept still blocked 5s after Close")
	}
	if da.LinkUp() {
		t.Errorf("device still open after Stack.Close")
	}
}

// BenchmarkStackTCP measures one TCP stream between two stacks, over a
// Pipe and over two dgram devices on loopback.
func BenchmarkStackTCP(b *testing.B) {
	b.Run("pipe", func(b *testing.B) {
		da, db := Pipe()
		benchTCP(b, da, db)
	})
	b.Run("dgram", func(b *testing.B) {
		da, db := dgramPair(b)
		benchTCP(b, da, db)
	})
}

func benchTCP(b *testing.B, da, db Device) {
	sa, sb := stackPair(b, da, db, prefixes("10.0.0.1/24"), prefixes("10.0.0.2/24"))
	ln, err := sb.Listen("tcp", "10.0.0.2:5001")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	const chunk = 64 << 10
	received := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			received <- -1
			return
		}
		defer c.Close()
		n, _ := io.Copy(io.Discard, c)
		received <- n
	}()
	c, err := sa.Dial(context.Background(), "tcp", "10.0.0.2:5001")
	if err != nil {
		b.Fatal(err)
	}
	buf := pattern(chunk, 5)
	b.SetBytes(chunk)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	c.Close()
	if n := <-received; n < int64(b.N)*chunk {
		b.Fatalf("received %d bytes; want %d", n, int64(b.N)*chunk)
	}
	b.StopTimer()
}

// TestStackCloseUnderLoad closes both stacks while a transfer runs: Close
// must not deadlock with readers delivering packets, the connection's
// ends fail, and every goroutine ends.
func TestStackCloseUnderLoad(t *testing.T) {
	checkGoroutines(t)
	for _, devs := range []struct {
		name string
		open func(t *testing.T) (Device, Device)
	}{
		{"pipe", func(*testing.T) (Device, Device) { return Pipe() }},
		{"dgram", func(t *testing.T) (Device, Device) { return dgramPair(t) }},
	} {
		t.Run(devs.name, func(t *testing.T) {
			da, db := devs.open(t)
			a, b := stackPair(t, da, db, prefixes("10.0.0.1/24"), prefixes("10.0.0.2/24"))
			ln, err := b.Listen("tcp", "10.0.0.2:5001")
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				c, err := ln.Accept()
				if err == nil {
					io.Copy(c, c)
					c.Close()
				}
			}()
			c, err := a.Dial(context.Background(), "tcp", "10.0.0.2:5001")
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			done := make(chan error, 2)
			go func() {
				buf := pattern(64<<10, 6)
				for {
					if _, err := c.Write(buf); err != nil {
						done <- err
						return
					}
				}
			}()
			go func() {
				_, err := io.Copy(io.Discard, c)
				done <- err
			}()
			time.Sleep(100 * time.Millisecond)
			closed := make(chan struct{})
			go func() {
				b.Close()
				a.Close()
				close(closed)
			}()
			select {
			case <-closed:
			case <-time.After(10 * time.Second):
				t.Fatal("Close under load did not return in 10s")
			}
			for range 2 {
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("connection still moving data 10s after Close")
				}
			}
		})
	}
}

// TestStackUDP sends datagrams both ways between two stacks' packet
// sockets, over IPv4 and IPv6, one of them bound to every address.
func TestStackUDP(t *testing.T) {
	checkGoroutines(t)
	da, db := Pipe()
	a, b := stackPair(t, da, db,
		prefixes("10.0.0.1/24", "fd00::1/64"), prefixes("10.0.0.2/24", "fd00::2/64"))
	srv, err := b.ListenPacket("udp", ":5353")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := srv.ReadFrom(buf)
			if err != nil {
				return
			}
			srv.WriteTo(bytes.ToUpper(buf[:n]), from)
		}
	}()
	for _, tc := range []struct{ network, local, remote string }{
		{"udp4", "10.0.0.1:0", "10.0.0.2:5353"},
		{"udp6", "[fd00::1]:0", "[fd00::2]:5353"},
	} {
		c, err := a.ListenPacket(tc.network, tc.local)
		if err != nil {
			t.Fatalf("ListenPacket(%s, %s): %v", tc.network, tc.local, err)
		}
		defer c.Close()
		to, _ := net.ResolveUDPAddr("udp", tc.remote)
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.WriteTo([]byte("ping "+tc.network), to); err != nil {
			t.Fatalf("WriteTo(%s): %v", to, err)
		}
		buf := make([]byte, 2048)
		n, from, err := c.ReadFrom(buf)
		if want := "PING " + strings.ToUpper(tc.network); err != nil || string(buf[:n]) != want {
			t.Errorf("%s reply = %q, %v; want %q", tc.network, buf[:n], err, want)
		}
		if from.String() != to.String() {
			t.Errorf("%s reply from %v; want %v", tc.network, from, to)
		}
	}
	if _, err := a.ListenPacket("tcp", ":1"); err == nil || !strings.Contains(err.Error(), "want udp, udp4 or udp6") {
		t.Errorf("ListenPacket(tcp) error = %v; want unsupported network", err)
	}
}
