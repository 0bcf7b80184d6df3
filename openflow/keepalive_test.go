package openflow

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"
)

// TestConnKeepalive checks echo requests on silence and ErrPeerDead when
// they go unanswered.
func TestConnKeepalive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, p := newTestConn(t, Config{EchoInterval: 5 * time.Second, EchoTimeout: 3 * time.Second}, mustHello(t, Version13))
		start := time.Now()
		// Answer two echo requests; they come after 5s of silence.
		for i := range 2 {
			f := p.next(t)
			if f.h.Type != TypeEchoRequest {
				t.Fatalf("frame %v; want an echo request", f.h)
			}
			if d, want := time.Since(start), time.Duration(5*(i+1))*time.Second; d != want {
				t.Errorf("echo request #%d after %v; want %v", i, d, want)
			}
			p.write(t, raw(Version13, TypeEchoReply, f.h.Xid, nil))
		}
		// Other traffic also keeps the peer alive.
		time.Sleep(4 * time.Second)
		go p.write(t, raw(Version13, 20, 1, nil))
		readMsg(t, c)
		f := p.next(t)
		if d := time.Since(start); f.h.Type != TypeEchoRequest || d != 19*time.Second {
			t.Errorf("echo request %v after %v; want one after 19s", f.h, d)
		}
		// Now stay silent.
		_, _, err := c.Read()
		if !errors.Is(err, ErrPeerDead) || time.Since(start) != 22*time.Second {
			t.Errorf("Read() = %v after %v; want ErrPeerDead after 22s", err, time.Since(start))
		}
	})
}

func TestConnKeepaliveDisabled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, p := newTestConn(t, Config{EchoInterval: -1}, mustHello(t, Version13))
		time.Sleep(time.Hour)
		synctest.Wait()
		select {
		case f := <-p.frames:
			t.Errorf("peer got %v; want nothing with the keepalive off", f.h)
		default:
		}
		if _, err := c.Send(&Unknown{Ver: Version13, Type: 20}); err != nil {
			t.Errorf("Send() = %v", err)
		}
	})
}

// TestConnSlowReader checks that a full read queue does not make the peer
// look dead.
func TestConnSlowReader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, p := newTestConn(t, Config{ReadQueue: 1, EchoInterval: time.Second}, mustHello(t, Version13))
		go func() {
			for i := range 3 {
				p.nc.Write(raw(Version13, 20, uint32(i+1), nil))
			}
		}()
		time.Sleep(time.Minute)
		for i := range 3 {
			if h, _ := readMsg(t, c); h.Xid != uint32(i+1) {
				t.Errorf("Read() = %v; want xid %d", h, i+1)
			}
		}
		go func() {
			for range p.frames { // swallow echo requests
			}
		}()
		if _, _, err := c.Read(); !errors.Is(err, ErrPeerDead) {
			t.Errorf("Read() = %v; want ErrPeerDead once the peer is silent", err)
		}
	})
}
