package openflow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// writeCounter counts the Writes to a net.Conn.
type writeCounter struct {
	net.Conn
	writes atomic.Int32
}

func (w *writeCounter) Write(b []byte) (int, error) {
	w.writes.Add(1)
	return w.Conn.Write(b)
}

// newInlineConn returns a Conn with InlineRead that has completed the
// handshake with a raw peer speaking v, and its write counter, reset.
func newInlineConn(t *testing.T, cfg Config, v Version) (*Conn, *peer, *writeCounter) {
	t.Helper()
	a, b := net.Pipe()
	wc := &writeCounter{Conn: a}
	cfg.InlineRead = true
	cfg.Codecs = fakeCodecs
	c := NewConn(wc, cfg)
	p := startPeer(b)
	t.Cleanup(func() {
		c.Close()
		b.Close()
	})
	go b.Write(mustHello(t, v))
	if _, err := c.Handshake(context.Background()); err != nil {
		t.Fatalf("Handshake() = %v", err)
	}
	if f := p.next(t); f.h.Type != TypeHello {
		t.Fatalf("first frame = %v; want a hello", f.h)
	}
	wc.writes.Store(0)
	return c, p, wc
}

// TestConnInlineBatch checks that with InlineRead the replies to a batch
// of messages, echo replies included, go out in one write once the batch
// is read.
func TestConnInlineBatch(t *testing.T) {
	for _, v := range []Version{Version10, Version13} {
		t.Run(v.String(), func(t *testing.T) {
			c, p, wc := newInlineConn(t, Config{}, v)
			var batch []byte
			batch = append(batch, raw(v, 7, 1, []byte{1})...)
			batch = append(batch, raw(v, TypeEchoRequest, 2, []byte("ping"))...)
			batch = append(batch, raw(v, 8, 3, nil)...)
			go p.write(t, batch)
			for _, want := range []Header{{v, 7, 9, 1}, {v, 8, 8, 3}} {
				h, m := readMsg(t, c)
				if h != want || m.(*fakeMsg).typ != want.Type {
					t.Fatalf("Read() = %v, %v; want %v", h, m, want)
				}
				if err := c.SendXid(h.Xid, &fakeMsg{ver: v, typ: 5}); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan error, 1)
			go func() { _, _, err := c.Read(); done <- err }()
			for _, want := range []Header{{v, 5, 8, 1}, {v, TypeEchoReply, 12, 2}, {v, 5, 8, 3}} {
				if f := p.next(t); f.h != want {
					t.Errorf("peer got %v; want %v", f.h, want)
				}
			}
			if n := wc.writes.Load(); n != 1 {
				t.Errorf("%d writes for the replies to one batch; want 1", n)
			}
			c.Close()
			if err := <-done; !errors.Is(err, net.ErrClosed) {
				t.Errorf("blocked Read() after Close = %v; want net.ErrClosed", err)
			}
		})
	}
}

// TestConnInlineErrors checks decode errors, the peer's close and Close
// with InlineRead.
func TestConnInlineErrors(t *testing.T) {
	c, p, _ := newInlineConn(t, Config{}, Version13)
	go p.write(t, append(raw(Version13, typeStrict, 4, []byte{1}), raw(Version13, 9, 5, nil)...))
	var de *DecodeError
	if h, m, err := c.Read(); m != nil || !errors.As(err, &de) || h.Xid != 4 {
		t.Errorf("Read() = %v, %v, %v; want a *DecodeError for xid 4", h, m, err)
	}
	if h, _ := readMsg(t, c); h.Xid != 5 {
		t.Errorf("Read() = %v; want xid 5 after a decode error", h)
	}
	type result struct {
		h   Header
		err error
	}
	got := make(chan result, 1)
	go func() { h, _, err := c.Read(); got <- result{h, err} }()
	// The batch is read: the OFPT_ERROR goes out while Read waits.
	if f := p.next(t); f.h.Type != TypeError || f.h.Xid != 4 {
		t.Errorf("peer got %v; want the OFPT_ERROR for xid 4", f.h)
	}
	p.nc.Write(raw(Version13, 20, 6, nil))
	p.nc.Close()
	if r := <-got; r.err != nil || r.h.Xid != 6 {
		t.Errorf("Read() = %v, %v; want xid 6", r.h, r.err)
	}
	if _, _, err := c.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("Read() after the peer closed = %v; want io.EOF", err)
	}
	c.Close()
	if _, _, err := c.Read(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read() after Close = %v; want net.ErrClosed", err)
	}
}

// TestConnInlineCorkedSends checks that Send past MaxPending and Flush do
// not wait for the end of a read batch.
func TestConnInlineCorkedSends(t *testing.T) {
	c, p, _ := newInlineConn(t, Config{MaxPending: 64}, Version13)
	go p.write(t, append(raw(Version13, 7, 1, nil), raw(Version13, 7, 2, nil)...))
	readMsg(t, c) // the second message is buffered: the writer is held
	body := bytes.Repeat([]byte{1}, 40)
	for range 10 {
		if err := c.SendXid(1, &fakeMsg{ver: Version13, typ: 5, data: body}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Flush(ctx); err != nil {
		t.Errorf("Flush() in a batch = %v", err)
	}
	for range 10 {
		if f := p.next(t); f.h.Type != 5 {
			t.Errorf("peer got %v; want type 5", f.h)
		}
	}
	if h, _ := readMsg(t, c); h.Xid != 2 {
		t.Errorf("Read() = %v; want xid 2", h)
	}
}
