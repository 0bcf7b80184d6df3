package netstack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/testnet"
)

// TestIntegrationTAP puts a gVisor stack on a TAP in a namespace the test
// makes: the kernel side has .1 (and fd00::1), the stack .2 (fd00::2).
// The kernel pings the stack, the stack pings the kernel, and a TCP
// connection from the kernel to the stack's listener moves data both ways.
func TestIntegrationTAP(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ip", "ping")
	checkGoroutines(t)
	ns := testnet.NewNS(t, "tap")
	const name = "ofboxtap0"
	var dev *TAPDevice
	if err := ns.Do(func() (err error) {
		dev, err = OpenTAP(name)
		return err
	}); err != nil {
		t.Fatalf("OpenTAP(%s) in %s: %v", name, ns, err)
	}
	subnet := 1 + rand.IntN(250)
	kernel := fmt.Sprintf("10.77.%d.1", subnet)
	gv := fmt.Sprintf("10.77.%d.2", subnet)
	ns.AddAddr(name, kernel+"/24")
	if _, err := ns.Exec(context.Background(), "ip", "-6", "addr", "add", "fd00::1/64", "dev", name, "nodad"); err != nil {
		t.Fatal(err)
	}
	if dev.MTU() != 1500 || dev.Name() != name {
		t.Errorf("TAP MTU() = %d, Name() = %q; want 1500, %q", dev.MTU(), dev.Name(), name)
	}

	st, err := NewStack(StackConfig{NICs: []StackNIC{{Device: dev, Addrs: prefixes(gv+"/24", "fd00::2/64")}}})
	if err != nil {
		t.Fatalf("NewStack over TAP: %v", err)
	}
	defer st.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, dst := range []string{gv, "fd00::2"} {
		if out, err := ns.Exec(ctx, "ping", "-c", "3", "-i", "0.2", "-W", "2", dst); err != nil {
			t.Errorf("kernel ping %s: %v\n%s", dst, err, out)
		}
	}
	for _, dst := range []string{kernel, "fd00::1"} {
		pctx, pcancel := context.WithTimeout(ctx, 5*time.Second)
		if _, err := st.Ping(pctx, netip.MustParseAddr(dst)); err != nil {
			t.Errorf("stack Ping(%s): %v", dst, err)
		}
		pcancel()
	}

	ln, err := st.Listen("tcp", ":6653")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	defer ln.Close()
	const size = 1 << 20
	up, down := pattern(size, 3), pattern(size, 4)
	srvErr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			srvErr <- err
			return
		}
		defer c.Close()
		if ra := c.RemoteAddr().(*net.TCPAddr); ra.IP.String() != kernel {
			srvErr <- fmt.Errorf("accepted from %v; want %s", ra, kernel)
			return
		}
		got := make([]byte, size)
		if err := exchange(c, down, got); err != nil {
			srvErr <- fmt.Errorf("stack side: %w", err)
			return
		}
		if !bytes.Equal(got, up) {
			srvErr <- errors.New("stack received bytes that differ from what the kernel sent")
			return
		}
		srvErr <- nil
	}()
	var c net.Conn
	if err := ns.Do(func() (err error) {
		c, err = (&net.Dialer{Timeout: 10 * time.Second}).Dial("tcp", net.JoinHostPort(gv, "6653"))
		return err
	}); err != nil {
		t.Fatalf("kernel dial %s:6653: %v", gv, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	got := make([]byte, size)
	if err := exchange(c, up, got); err != nil {
		t.Fatalf("kernel side: %v", err)
	}
	if !bytes.Equal(got, down) {
		t.Errorf("kernel received bytes that differ from what the stack sent")
	}
	if err := <-srvErr; err != nil {
		t.Error(err)
	}
	c.Close()
	st.Close()
	if s := dev.Stats(); s.RxFrames == 0 || s.TxFrames == 0 {
		t.Errorf("TAP Stats() = %+v; want frames both ways", s)
	}
	// The interface goes with the device.
	if _, err := ns.Exec(context.Background(), "ip", "link", "show", name); err == nil {
		t.Errorf("%s still exists after Close", name)
	}
}
