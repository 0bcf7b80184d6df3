package openflow

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// Message types of the test codec that exercise decode failures. The
// numbers are free in both versions' conn tests (they stand in for
// ordinary messages).
const (
	typeStrict   = 10 // body must hold at least 4 bytes
	typePlainErr = 11 // the codec fails with an error that is no *DecodeError
	typeNil      = 12 // the codec breaks its contract: (nil, nil)
	typeChoose   = 13 // the codec picks the OFPT_ERROR: BAD_ACTION/BAD_ARGUMENT
)

// fakeMsg is the test codec's message: a type and a raw body.
type fakeMsg struct {
	ver  Version
	typ  uint8
	data []byte
	fail error // AppendBinary fails with it
}

func (m *fakeMsg) Version() Version { return m.ver }
func (m *fakeMsg) MsgType() uint8   { return m.typ }
func (m *fakeMsg) AppendBinary(b []byte) ([]byte, error) {
	if m.fail != nil {
		return b, m.fail
	}
	return append(b, m.data...), nil
}

// fakeCodec decodes every type to *fakeMsg, errors to *ErrorMsg, and fails
// on the types above.
type fakeCodec struct{ v Version }

func (c fakeCodec) Version() Version { return c.v }

func (c fakeCodec) Decode(h Header, body []byte) (Message, error) {
	switch h.Type {
	case TypeError:
		return DecodeErrorMsg(h.Version, body)
	case typeStrict:
		if len(body) < 4 {
			return nil, &DecodeError{Version: h.Version, Type: h.Type, Offset: HeaderLen + len(body), Err: ErrTruncated}
		}
	case typePlainErr:
		return nil, errors.New("plain failure")
	case typeNil:
		return nil, nil
	case typeChoose:
		return nil, &DecodeError{Version: h.Version, Type: h.Type, Offset: HeaderLen,
			Err: fmt.Errorf("bad argument: %w", &ErrorMsg{Ver: h.Version, Type: 2, Code: 5})}
	}
	return &fakeMsg{ver: h.Version, typ: h.Type, data: bytes.Clone(body)}, nil
}

var fakeCodecs = []Codec{fakeCodec{Version10}, fakeCodec{Version13}}

// frame is a frame the peer read.
type frame struct {
	h    Header
	body []byte
}

// peer is the raw far end of a net.Pipe: a goroutine frames what the Conn
// writes; the test writes bytes.
type peer struct {
	nc     net.Conn
	frames chan frame
	err    error // why reading ended, once frames is closed
}

func startPeer(nc net.Conn) *peer {
	p := &peer{nc: nc, frames: make(chan frame, 4096)}
	go func() {
		fr := NewFrameReader(nc)
		for {
			h, b, err := fr.ReadFrame()
			if err != nil {
				p.err = err
				close(p.frames)
				return
			}
			p.frames <- frame{h, bytes.Clone(b)}
		}
	}()
	return p
}

// next returns the next frame the Conn wrote.
func (p *peer) next(t *testing.T) frame {
	t.Helper()
	select {
	case f, ok := <-p.frames:
		if !ok {
			t.Fatalf("peer: connection ended: %v", p.err)
		}
		return f
	case <-time.After(10 * time.Second):
		t.Fatal("peer: no frame within 10s")
	}
	return frame{}
}

// write writes raw bytes to the Conn. Tests call it in a goroutine when
// the Conn may not read at once.
func (p *peer) write(t *testing.T, b []byte) {
	t.Helper()
	if _, err := p.nc.Write(b); err != nil {
		t.Errorf("peer: write: %v", err)
	}
}

// raw returns the wire form of a frame.
func raw(v Version, typ uint8, xid uint32, body []byte) []byte {
	return appendFrame(nil, v, typ, xid, body)
}

func mustHello(t *testing.T, vs ...Version) []byte {
	t.Helper()
	b, err := AppendHello(nil, 1, vs...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newTestConn returns a Conn with cfg that has completed the handshake
// with a raw peer that sent peerHello.
func newTestConn(t *testing.T, cfg Config, peerHello []byte) (*Conn, *peer) {
	t.Helper()
	a, b := net.Pipe()
	c := NewConn(a, cfg)
	p := startPeer(b)
	t.Cleanup(func() {
		c.Close()
		b.Close()
	})
	go b.Write(peerHello)
	if _, err := c.Handshake(context.Background()); err != nil {
		t.Fatalf("Handshake() = %v", err)
	}
	if f := p.next(t); f.h.Type != TypeHello {
		t.Fatalf("first frame = %v; want a hello", f.h)
	}
	return c, p
}

func readMsg(t *testing.T, c *Conn) (Header, Message) {
	t.Helper()
	h, m, err := c.Read()
	if err != nil {
		t.Fatalf("Read() = %v", err)
	}
	return h, m
}

func TestConnSendRead(t *testing.T) {
	for _, v := range []Version{Version10, Version13} {
		t.Run(v.String(), func(t *testing.T) {
			c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, v))
			if c.Version() != v {
				t.Fatalf("Version() = %v; want %v", c.Version(), v)
			}
			xid, err := c.Send(&fakeMsg{ver: v, typ: 5, data: []byte("hi")})
			if err != nil {
				t.Fatal(err)
			}
			f := p.next(t)
			if want := (Header{v, 5, 10, xid}); f.h != want || string(f.body) != "hi" {
				t.Errorf("peer got %v %q; want %v \"hi\"", f.h, f.body, want)
			}
			if err := c.SendXid(77, &fakeMsg{ver: v, typ: 6}); err != nil {
				t.Fatal(err)
			}
			if f := p.next(t); f.h != (Header{v, 6, 8, 77}) {
				t.Errorf("SendXid: peer got %v; want xid 77", f.h)
			}
			go p.write(t, raw(v, 7, 9, []byte{1, 2, 3}))
			h, m := readMsg(t, c)
			if tm, ok := m.(*fakeMsg); !ok || h != (Header{v, 7, 11, 9}) || !bytes.Equal(tm.data, []byte{1, 2, 3}) {
				t.Errorf("Read() = %v, %#v; want type 7 xid 9 data 010203", h, m)
			}
			if c.RemoteAddr() == nil {
				t.Error("RemoteAddr() = nil")
			}
		})
	}
}

func TestConnNoCodecGivesUnknown(t *testing.T) {
	c, p := newTestConn(t, Config{}, mustHello(t, Version13))
	go p.write(t, raw(Version13, 14, 3, []byte("flow")))
	_, m := readMsg(t, c)
	if u, ok := m.(*Unknown); !ok || u.Ver != Version13 || u.Type != 14 || string(u.Body) != "flow" {
		t.Errorf("Read() = %#v; want *Unknown type 14 \"flow\"", m)
	}
}

func TestConnXid(t *testing.T) {
	c, p := newTestConn(t, Config{}, mustHello(t, Version13))
	var last uint32
	for i := range 3 {
		xid, err := c.Send(&Unknown{Ver: Version13, Type: 5})
		if err != nil || xid == 0 || (i > 0 && xid != last+1) {
			t.Fatalf("Send() xid = %d, %v after %d", xid, err, last)
		}
		last = xid
		p.next(t)
	}
	c.mu.Lock()
	c.xid = 0xfffffffe
	c.mu.Unlock()
	for _, want := range []uint32{0xffffffff, 1, 2} {
		if xid, _ := c.Send(&Unknown{Ver: Version13, Type: 5}); xid != want {
			t.Errorf("Send() after wrap = %#x; want %#x", xid, want)
		}
		p.next(t)
	}
}

func TestConnSendErrors(t *testing.T) {
	c, p := newTestConn(t, Config{}, mustHello(t, Version13))
	if _, err := c.Send(&Unknown{Ver: Version10, Type: 5}); !errors.Is(err, ErrBadVersion) {
		t.Errorf("Send(1.0 message) = %v; want ErrBadVersion", err)
	}
	if _, err := c.Send(&Unknown{Ver: Version13, Type: 14, Body: make([]byte, MaxLen)}); !errors.Is(err, ErrTooLong) {
		t.Errorf("Send(long flow mod) = %v; want ErrTooLong", err)
	}
	boom := errors.New("boom")
	if _, err := c.Send(&fakeMsg{ver: Version13, typ: 14, data: []byte{1}, fail: boom}); !errors.Is(err, boom) {
		t.Errorf("Send(failing encoder) = %v; want boom", err)
	}
	// Nothing of the failed sends reached the wire.
	xid, err := c.Send(&Unknown{Ver: Version13, Type: 5, Body: []byte("ok")})
	if err != nil {
		t.Fatal(err)
	}
	if f := p.next(t); f.h.Xid != xid || string(f.body) != "ok" {
		t.Errorf("after failed sends peer got %v %q; want xid %d \"ok\"", f.h, f.body, xid)
	}
	d := NewConn(nil, Config{})
	if _, err := d.Send(&Unknown{Ver: Version13}); !errors.Is(err, errNotReady) {
		t.Errorf("Send before Handshake = %v; want errNotReady", err)
	}
}

func TestConnEcho(t *testing.T) {
	c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, Version13))
	p.write(t, raw(Version13, TypeEchoRequest, 42, []byte("ping")))
	if f := p.next(t); f.h != (Header{Version13, TypeEchoReply, 12, 42}) || string(f.body) != "ping" {
		t.Errorf("echo reply = %v %q; want ECHO_REPLY xid 42 \"ping\"", f.h, f.body)
	}
	// Echo replies are consumed; the next message is delivered.
	p.write(t, raw(Version13, TypeEchoReply, 43, nil))
	go p.write(t, raw(Version13, 20, 44, nil))
	if h, _ := readMsg(t, c); h.Xid != 44 {
		t.Errorf("Read() = %v; want the barrier xid 44 after an echo reply", h)
	}
}

// TestConnBadVersion checks that a message of another version is answered
// with BAD_VERSION and the connection goes on.
func TestConnBadVersion(t *testing.T) {
	c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, Version13))
	body := bytes.Repeat([]byte{0xab}, 100)
	go p.write(t, raw(Version10, 14, 5, body))
	h, m, err := c.Read()
	var de *DecodeError
	if m != nil || !errors.Is(err, ErrBadVersion) || !errors.As(err, &de) || h.Xid != 5 {
		t.Fatalf("Read() = %v, %v, %v; want a *DecodeError with ErrBadVersion", h, m, err)
	}
	f := p.next(t)
	em, derr := DecodeErrorMsg(f.h.Version, f.body)
	if derr != nil || f.h.Type != TypeError || f.h.Xid != 5 || f.h.Version != Version13 ||
		em.Type != errTypeBadRequest || em.Code != errCodeBadVersion || len(em.Data) != 64 ||
		!bytes.Equal(em.Data[:8], []byte{1, 14, 0, 108, 0, 0, 0, 5}) {
		t.Fatalf("peer got %v %v (%v); want BAD_VERSION xid 5 with the first 64 bytes", f.h, em, derr)
	}
	// An error of another version is passed on, not answered.
	go p.write(t, raw(Version10, TypeError, 6, []byte{0, 1, 0, 2}))
	if _, m := readMsg(t, c); !errors.Is(m.(*ErrorMsg), &ErrorMsg{Type: 1, Code: 2}) {
		t.Errorf("Read() = %v; want the 1.0 error", m)
	}
	// A broken error of another version is reported, not answered.
	go p.write(t, raw(Version10, TypeError, 7, []byte{0}))
	if _, _, err := c.Read(); !errors.Is(err, ErrBadVersion) {
		t.Errorf("Read() = %v; want ErrBadVersion", err)
	}
	go p.write(t, raw(Version13, 20, 8, nil))
	if h, _ := readMsg(t, c); h.Xid != 8 {
		t.Errorf("Read() = %v; want xid 8", h)
	}
	select {
	case f := <-p.frames:
		t.Errorf("peer got %v; want no answer to errors", f.h)
	default:
	}
}

func TestConnDecodeErrors(t *testing.T) {
	tests := []struct {
		typ       uint8
		body      []byte
		wantType  uint16
		wantCode  uint16
		wantError error
	}{
		{typeStrict, []byte{1}, errTypeBadRequest, errCodeBadLen, ErrTruncated},
		{typePlainErr, nil, errTypeBadRequest, errCodeBadType, nil},
		{typeNil, nil, errTypeBadRequest, errCodeBadType, nil},
		{typeChoose, nil, 2, 5, &ErrorMsg{Type: 2, Code: 5}},
	}
	c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, Version10))
	for i, tt := range tests {
		xid := uint32(100 + i)
		go p.write(t, raw(Version10, tt.typ, xid, tt.body))
		h, m, err := c.Read()
		var de *DecodeError
		if m != nil || !errors.As(err, &de) || h.Xid != xid || (tt.wantError != nil && !errors.Is(err, tt.wantError)) {
			t.Errorf("type %d: Read() = %v, %v, %v; want a *DecodeError wrapping %v", tt.typ, h, m, err, tt.wantError)
		}
		f := p.next(t)
		em, derr := DecodeErrorMsg(f.h.Version, f.body)
		if derr != nil || f.h.Xid != xid || em.Type != tt.wantType || em.Code != tt.wantCode ||
			!bytes.Equal(em.Data, raw(Version10, tt.typ, xid, tt.body)) {
			t.Errorf("type %d: peer got %v %+v; want error %d/%d", tt.typ, f.h, em, tt.wantType, tt.wantCode)
		}
	}
	// A broken OFPT_ERROR is reported but never answered.
	go p.write(t, raw(Version10, TypeError, 9, []byte{0}))
	if _, _, err := c.Read(); !errors.Is(err, ErrTruncated) {
		t.Errorf("Read(broken error) = %v; want ErrTruncated", err)
	}
	go p.write(t, raw(Version10, typeStrict, 10, []byte{1, 2, 3, 4}))
	if h, m := readMsg(t, c); h.Xid != 10 || m.(*fakeMsg).typ != typeStrict {
		t.Errorf("Read() = %v %v; want the good message after errors", h, m)
	}
	select {
	case f := <-p.frames:
		t.Errorf("peer got %v; want no answer to an error", f.h)
	default:
	}
}

func TestConnFramingErrorIsFatal(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"short length", []byte{4, 10, 0, 4, 0, 0, 0, 1}, ErrBadLength},
		{"unknown version", raw(0x42, 10, 1, nil), ErrBadVersion},
		{"truncated", raw(Version13, 10, 1, []byte{1, 2, 3})[:9], io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, Version13))
			go func() {
				p.nc.Write(raw(Version13, 20, 1, nil))
				p.nc.Write(tt.b)
				p.nc.Close()
			}()
			if h, _ := readMsg(t, c); h.Type != 20 {
				t.Errorf("Read() = %v; want the barrier before the bad frame", h)
			}
			for range 2 {
				if _, _, err := c.Read(); !errors.Is(err, tt.want) {
					t.Errorf("Read() = %v; want %v", err, tt.want)
				}
			}
			if _, err := c.Send(&Unknown{Ver: Version13, Type: 20}); !errors.Is(err, tt.want) {
				t.Errorf("Send() after a framing error = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestConnPeerCloses(t *testing.T) {
	c, p := newTestConn(t, Config{}, mustHello(t, Version13))
	go func() {
		p.nc.Write(raw(Version13, 20, 1, nil))
		p.nc.Close()
	}()
	readMsg(t, c)
	if _, _, err := c.Read(); !errors.Is(err, io.EOF) {
		t.Errorf("Read() after the peer closed = %v; want io.EOF", err)
	}
}

func TestConnClose(t *testing.T) {
	c, _ := newTestConn(t, Config{}, mustHello(t, Version13))
	done := make(chan error)
	go func() {
		_, _, err := c.Read()
		done <- err
	}()
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close() = %v", err)
	}
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Errorf("blocked Read() = %v; want net.ErrClosed", err)
	}
	if _, _, err := c.Read(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read() after Close = %v; want net.ErrClosed", err)
	}
	if _, err := c.Send(&Unknown{Ver: Version13, Type: 20}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Send() after Close = %v; want net.ErrClosed", err)
	}
	if _, err := c.Handshake(context.Background()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Handshake() after Close = %v; want net.ErrClosed", err)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Errorf("Flush() with nothing queued = %v", err)
	}
}

// TestConnBackpressure checks that Send blocks at MaxPending while the peer
// does not read, and that Close unblocks it.
func TestConnBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		c := NewConn(a, Config{MaxPending: 1000, EchoInterval: -1})
		go b.Write(mustHello(t, Version13))
		hsDone := make(chan error)
		go func() {
			_, err := c.Handshake(context.Background())
			hsDone <- err
		}()
		// Read our HELLO; then stop reading.
		fr := NewFrameReader(b)
		if _, _, err := fr.ReadFrame(); err != nil {
			t.Fatal(err)
		}
		if err := <-hsDone; err != nil {
			t.Fatal(err)
		}
		var sent atomic.Int32
		errc := make(chan error)
		go func() {
			for {
				if _, err := c.Send(&Unknown{Ver: Version13, Type: 13, Body: make([]byte, 192)}); err != nil {
					errc <- err
					return
				}
				sent.Add(1)
			}
		}()
		synctest.Wait()
		// One batch is stuck in Write, the next fills pending to MaxPending.
		if n := sent.Load(); n < 5 || n > 12 {
			t.Errorf("sent %d messages of 200 bytes before blocking; want about 2*1000/200", n)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		if err := c.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Flush() = %v; want DeadlineExceeded", err)
		}
		cancel()
		c.Close()
		if err := <-errc; !errors.Is(err, net.ErrClosed) {
			t.Errorf("blocked Send() = %v; want net.ErrClosed", err)
		}
		b.Close()
	})
}

// countConn counts Writes and can hold them.
type countConn struct {
	net.Conn
	writes atomic.Int32
	gate   chan struct{}
}

func (c *countConn) Write(b []byte) (int, error) {
	if c.writes.Add(1) == 2 {
		<-c.gate
	}
	return c.Conn.Write(b)
}

// TestConnCoalesces checks that messages queued while the writer is busy
// go out in one Write.
func TestConnCoalesces(t *testing.T) {
	a, b := net.Pipe()
	cc := &countConn{Conn: a, gate: make(chan struct{})}
	c := NewConn(cc, Config{})
	defer c.Close()
	p := startPeer(b)
	defer b.Close()
	go b.Write(mustHello(t, Version13))
	if _, err := c.Handshake(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.next(t)
	c.Send(&Unknown{Ver: Version13, Type: 20}) // the writer holds this one
	for cc.writes.Load() < 2 {
		runtime.Gosched()
	}
	for range 100 {
		if _, err := c.Send(&Unknown{Ver: Version13, Type: 20}); err != nil {
			t.Fatal(err)
		}
	}
	close(cc.gate)
	for range 101 {
		p.next(t)
	}
	if n := cc.writes.Load(); n != 3 {
		t.Errorf("%d Writes for hello + 101 messages; want 3", n)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Errorf("Flush() = %v", err)
	}
}

// TestConnOrderUnderConcurrency sends from many goroutines while the peer
// streams messages to Read, and checks order and xids on both sides.
func TestConnOrderUnderConcurrency(t *testing.T) {
	const senders, each, inbound = 8, 300, 3000
	c, p := newTestConn(t, Config{Codecs: fakeCodecs, MaxPending: 4096, ReadQueue: 4}, mustHello(t, Version13))
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				var body [8]byte
				binary.BigEndian.PutUint32(body[:], uint32(g))
				binary.BigEndian.PutUint32(body[4:], uint32(i))
				if _, err := c.Send(&fakeMsg{ver: Version13, typ: 13, data: body[:]}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	go func() {
		var b []byte
		for i := range inbound {
			b = appendFrame(b, Version13, 10, uint32(i+1), []byte{1, 2, 3, 4})
			if len(b) > 3000 || i == inbound-1 {
				if _, err := p.nc.Write(b); err != nil {
					return
				}
				b = b[:0]
			}
		}
	}()
	for i := range inbound {
		h, _ := readMsg(t, c)
		if h.Xid != uint32(i+1) {
			t.Fatalf("Read() #%d = xid %d; want %d", i, h.Xid, i+1)
		}
	}
	next := make([]uint32, senders)
	seen := map[uint32]bool{}
	for range senders * each {
		f := p.next(t)
		g, i := binary.BigEndian.Uint32(f.body), binary.BigEndian.Uint32(f.body[4:])
		if i != next[g] {
			t.Fatalf("sender %d: message %d arrived; want %d", g, i, next[g])
		}
		next[g]++
		if f.h.Xid == 0 || seen[f.h.Xid] {
			t.Fatalf("xid %d is zero or used twice", f.h.Xid)
		}
		seen[f.h.Xid] = true
	}
	wg.Wait()
}

// TestConnPair runs two Conns against each other.
func TestConnPair(t *testing.T) {
	tests := []struct {
		a, b []Version
		want Version
	}{
		{nil, nil, Version13},
		{[]Version{Version10}, nil, Version10},
		{[]Version{Version13, Version10}, []Version{Version10}, Version10},
	}
	for _, tt := range tests {
		a, b := net.Pipe()
		ca := NewConn(a, Config{Versions: tt.a, Codecs: fakeCodecs})
		cb := NewConn(b, Config{Versions: tt.b, Codecs: fakeCodecs})
		var vb Version
		var errb error
		done := make(chan bool)
		go func() {
			vb, errb = cb.Handshake(context.Background())
			close(done)
		}()
		va, erra := ca.Handshake(context.Background())
		<-done
		if erra != nil || errb != nil || va != tt.want || vb != tt.want {
			t.Errorf("%v vs %v: Handshake() = %v, %v and %v, %v; want %v", tt.a, tt.b, va, erra, vb, errb, tt.want)
		}
		xid, err := ca.Send(&fakeMsg{ver: tt.want, typ: 5, data: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		if h, m := readMsg(t, cb); h.Xid != xid || string(m.(*fakeMsg).data) != "x" {
			t.Errorf("Read() = %v %v; want xid %d", h, m, xid)
		}
		ca.Close()
		if _, _, err := cb.Read(); !errors.Is(err, io.EOF) {
			t.Errorf("Read() after the peer closed = %v; want io.EOF", err)
		}
		cb.Close()
	}
}

func TestConnHandshakeTwice(t *testing.T) {
	c, _ := newTestConn(t, Config{}, mustHello(t, Version13))
	if _, err := c.Handshake(context.Background()); err == nil {
		t.Error("second Handshake() = nil; want an error")
	}
}

func TestConnHandshakeErrors(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		first []byte
		want  error // nil: any error
	}{
		{"peer error", Config{}, raw(Version13, TypeError, 1, []byte{0, 0, 0, 1, 'n', 'o'}), &ErrorMsg{Type: 0, Code: 1}},
		{"broken peer error", Config{}, raw(Version13, TypeError, 1, []byte{0}), ErrTruncated},
		{"not a hello", Config{}, raw(Version13, 5, 1, nil), nil},
		{"bad hello element", Config{}, raw(Version13, TypeHello, 1, []byte{0, 1, 0, 2}), ErrBadLength},
		{"bad own versions", Config{Versions: []Version{0}}, nil, nil},
		{"bad frame", Config{}, []byte{4, 0, 0, 2, 0, 0, 0, 0}, ErrBadLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := net.Pipe()
			defer b.Close()
			c := NewConn(a, tt.cfg)
			startPeer(b)
			if tt.first != nil {
				go b.Write(tt.first)
			}
			_, err := c.Handshake(context.Background())
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Handshake() = %v; want %v", err, tt.want)
			}
			if _, _, err := c.Read(); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Read() after a failed handshake = %v; want net.ErrClosed", err)
			}
		})
	}
}

func TestConnHandshakeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		c := NewConn(a, Config{HandshakeTimeout: 3 * time.Second})
		startPeer(b)
		start := time.Now()
		_, err := c.Handshake(context.Background())
		if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 3*time.Second {
			t.Errorf("Handshake() = %v after %v; want DeadlineExceeded after 3s", err, time.Since(start))
		}
	})
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		c := NewConn(a, Config{})
		startPeer(b)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		if _, err := c.Handshake(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("Handshake() = %v; want Canceled", err)
		}
	})
}

// TestConnControlOverflow checks that a peer that sends echo requests but
// never reads cannot make the connection queue without bound.
func TestConnControlOverflow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b := net.Pipe()
		defer b.Close()
		c := NewConn(a, Config{MaxPending: 1000, EchoInterval: -1})
		defer c.Close()
		go b.Write(mustHello(t, Version13))
		go func() {
			// Read our hello only.
			NewFrameReader(b).ReadFrame()
		}()
		if _, err := c.Handshake(context.Background()); err != nil {
			t.Fatal(err)
		}
		echo := raw(Version13, TypeEchoRequest, 1, make([]byte, 60000))
		for range 20 {
			if _, err := b.Write(echo); err != nil {
				break
			}
		}
		if _, _, err := c.Read(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("not reading")) {
			t.Errorf("Read() = %v; want the write queue overflow", err)
		}
	})
}

// TestConnNoLeaks checks that every goroutine ends with Close.
func TestConnNoLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 20 {
		a, b := net.Pipe()
		ca, cb := NewConn(a, Config{}), NewConn(b, Config{})
		done := make(chan struct{})
		go func() {
			cb.Handshake(context.Background())
			close(done)
		}()
		ca.Handshake(context.Background())
		<-done
		go ca.Send(&Unknown{Ver: Version13, Type: 20})
		ca.Close()
		cb.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close; want %d\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// BenchmarkConnSend queues small messages for a peer that reads them all.
func BenchmarkConnSend(b *testing.B) {
	a, pb := net.Pipe()
	c := NewConn(a, Config{EchoInterval: -1})
	defer c.Close()
	go pb.Write(raw(Version13, TypeHello, 1, nil))
	go io.Copy(io.Discard, pb)
	if _, err := c.Handshake(context.Background()); err != nil {
		b.Fatal(err)
	}
	m := &Unknown{Ver: Version13, Type: 13, Body: make([]byte, 56)}
	b.SetBytes(HeaderLen + 56)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Send(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConnRead reads small messages a peer streams.
func BenchmarkConnRead(b *testing.B) {
	a, pb := net.Pipe()
	c := NewConn(a, Config{EchoInterval: -1})
	defer c.Close()
	go pb.Write(raw(Version13, TypeHello, 1, nil))
	go io.Copy(io.Discard, pb)
	if _, err := c.Handshake(context.Background()); err != nil {
		b.Fatal(err)
	}
	var batch []byte
	for i := range 256 {
		batch = appendFrame(batch, Version13, 10, uint32(i+1), make([]byte, 56))
	}
	go func() {
		for {
			if _, err := pb.Write(batch); err != nil {
				return
			}
		}
	}()
	b.SetBytes(HeaderLen + 56)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Read(); err != nil {
			b.Fatal(err)
		}
	}
}
