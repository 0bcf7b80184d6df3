package openflow

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ErrPeerDead: the peer stayed silent for Config.EchoTimeout after an echo
// request.
var ErrPeerDead = errors.New("peer not responding to echo")

// errNotReady: Send before the handshake has chosen the version.
var errNotReady = errors.New("handshake not done")

// wireVersions are the versions OpenFlow has published (1.0 to 1.5). After
// the HELLO exchange a frame of another version is taken for garbage and
// ends the connection; a frame of one of these that is not the negotiated
// version is answered with OFPBRC_BAD_VERSION.
var wireVersions = []Version{0x01, 0x02, 0x03, 0x04, 0x05, 0x06}

// A Conn is an OpenFlow connection over a net.Conn: HELLO version
// negotiation, ordered delivery of decoded messages, batched writes, xid
// allocation, echo keepalive, and multipart replies split on send and
// joined on receive. After Handshake, one goroutine reads and one writes;
// Read, Send, SendXid, Flush and Close may be called from any goroutine.
type Conn struct {
	nc      net.Conn
	cfg     Config
	fr      *FrameReader
	codec   Codec     // of the negotiated version, or nil
	epoch   time.Time // lastRecv counts from here
	version atomic.Uint32

	// lastRecv is when the last frame came, as nanoseconds since epoch;
	// stalled is set while the reader waits for Read to take a message, so
	// that a slow application is not taken for a dead peer.
	lastRecv atomic.Int64
	stalled  atomic.Bool

	in        chan inbound  // decoded messages, closed when the reader ends
	closing   chan struct{} // closed by Close
	dead      chan struct{} // closed when the connection ends for any reason
	wake      chan struct{} // the writer has something to write
	ready     chan struct{} // closed once the handshake has succeeded
	closeOnce sync.Once
	wg        sync.WaitGroup

	// The writer's keepalive state; only the writer goroutine uses it.
	echoAt time.Duration // when the outstanding echo was sent, or -1

	// The inline reader's state (Config.InlineRead); only the goroutine
	// that calls Read uses it.
	ra      reassembler
	inBatch bool // corked: frames are still buffered

	mu      sync.Mutex
	cond    sync.Cond // room in pending, bytes written, or the end
	state   int
	pending []byte // frames waiting for the writer
	spare   []byte // the writer's last batch, for reuse
	corked  bool   // hold the writer until the read batch is done
	queued  uint64 // bytes ever queued
	written uint64 // bytes ever written
	xid     uint32 // last xid allocated
	err     error  // why the connection ended
}

// Handshake states.
const (
	stateNew = iota
	stateHandshake
	stateReady
)

// inbound is one result for Read.
type inbound struct {
	h   Header
	m   Message
	err error
}

// NewConn returns a Conn over nc. Nothing happens on the wire until
// Handshake.
func NewConn(nc net.Conn, cfg Config) *Conn {
	cfg = cfg.withDefaults()
	c := &Conn{
		nc:      nc,
		cfg:     cfg,
		fr:      NewFrameReader(nc),
		epoch:   time.Now(),
		in:      make(chan inbound, cfg.ReadQueue),
		closing: make(chan struct{}),
		dead:    make(chan struct{}),
		wake:    make(chan struct{}, 1),
		ready:   make(chan struct{}),
		echoAt:  -1,
		ra:      reassembler{max: cfg.MaxMultipart, awaited: cfg.Awaited},
	}
	c.cond.L = &c.mu
	return c
}

// Version returns the negotiated version, or 0 before the handshake.
func (c *Conn) Version() Version { return Version(c.version.Load()) }

// RemoteAddr returns the address of the peer.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// Handshake exchanges HELLOs and negotiates the version, within ctx and
// Config.HandshakeTimeout. When no version is common it sends
// OFPT_ERROR HELLO_FAILED/INCOMPATIBLE with an explanation and fails with
// an error wrapping ErrIncompatible. A peer's OFPT_ERROR in place of its
// HELLO comes back as a wrapped *ErrorMsg, a HELLO that does not parse as
// a wrapped *DecodeError. On failure the Conn is closed.
func (c *Conn) Handshake(ctx context.Context) (Version, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.HandshakeTimeout)
	defer cancel()
	c.mu.Lock()
	if c.err != nil || c.state != stateNew {
		err := c.err
		c.mu.Unlock()
		if err == nil {
			err = errors.New("handshake already started")
		}
		return 0, fmt.Errorf("openflow: handshake: %w", err)
	}
	c.state = stateHandshake
	hello, err := AppendHello(nil, c.nextXid(), c.cfg.Versions...)
	if err != nil {
		c.mu.Unlock()
		c.Close()
		return 0, fmt.Errorf("openflow: handshake: %w", err)
	}
	c.wg.Add(1)
	go c.writeLoop()
	c.pending = append(c.pending, hello...)
	c.queueLocked(len(hello))
	c.mu.Unlock()

	v, err := c.handshake(ctx)
	if err != nil {
		c.Close()
		return 0, fmt.Errorf("openflow: handshake: %w", err)
	}
	return v, nil
}

// handshake reads the peer's HELLO and negotiates.
func (c *Conn) handshake(ctx context.Context) (Version, error) {
	h, body, err := c.readHello(ctx)
	if err != nil {
		return 0, err
	}
	switch h.Type {
	case TypeHello:
	case TypeError:
		em, err := DecodeErrorMsg(h.Version, body)
		if err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("peer: %w", em)
	default:
		return 0, fmt.Errorf("got %s, want OFPT_HELLO", TypeName(h.Version, h.Type))
	}
	peer, err := ParseHello(h, body)
	if err != nil {
		return 0, err
	}
	ours := NewVersionSet(c.cfg.Versions...)
	v, err := Negotiate(ours, peer)
	if err != nil {
		err = fmt.Errorf("%w: we speak %s, peer speaks %s", ErrIncompatible, ours, peer)
		text := err.Error()
		c.sendControl(h.Xid, &ErrorMsg{Ver: h.Version, Type: errTypeHelloFailed, Code: errCodeIncompatible, Data: []byte(text)})
		if ferr := c.Flush(ctx); ferr != nil {
			return 0, errors.Join(err, ferr)
		}
		return 0, err
	}
	for _, cd := range c.cfg.Codecs {
		if cd.Version() == v {
			c.codec = cd
			break
		}
	}
	c.fr.Accept(wireVersions...)
	c.lastRecv.Store(int64(time.Since(c.epoch)))
	c.version.Store(uint32(v))
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return 0, c.err
	}
	c.state = stateReady
	if !c.cfg.InlineRead {
		c.wg.Add(1)
		go c.readLoop(v)
	}
	c.mu.Unlock()
	close(c.ready)
	return v, nil
}

// readHello reads the first frame within ctx.
func (c *Conn) readHello(ctx context.Context) (Header, []byte, error) {
	var mu sync.Mutex
	done := false
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if !done {
			_ = c.nc.SetReadDeadline(time.Unix(1, 0))
		}
	})
	h, body, err := c.fr.ReadFrame()
	mu.Lock()
	done = true
	mu.Unlock()
	if !stop() {
		_ = c.nc.SetReadDeadline(time.Time{})
	}
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return h, body, err
}

// Close closes the connection and waits for its goroutines to end. Every
// blocked call returns; later calls fail with net.ErrClosed. Close is
// idempotent; only the first call may return an error, that of closing
// the net.Conn.
func (c *Conn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.closing)
		err = c.fail(fmt.Errorf("openflow: %w", net.ErrClosed))
	})
	c.wg.Wait()
	return err
}

// fail ends the connection with err unless it has ended already, and
// returns the error of closing the net.Conn.
func (c *Conn) fail(err error) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil
	}
	c.err = err
	close(c.dead)
	c.cond.Broadcast()
	c.mu.Unlock()
	return c.nc.Close()
}

// nextXid allocates an xid: never 0, wrapping. c.mu must be held.
func (c *Conn) nextXid() uint32 {
	c.xid++
	if c.xid == 0 {
		c.xid = 1
	}
	return c.xid
}
