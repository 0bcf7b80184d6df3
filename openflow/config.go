package openflow

import "time"

// Config configures a Conn. The zero value is usable: every field has a
// default.
type Config struct {
	// Versions are the versions offered in the HELLO. Default: 1.3 and 1.0.
	Versions []Version
	// Codecs decode message bodies; the one of the negotiated version is
	// used. Without one, messages come back as *Unknown. A codec must not
	// keep body after Decode returns: the bytes are the connection's read
	// buffer.
	Codecs []Codec
	// EchoInterval is how long the peer may be silent before an echo
	// request is sent. Default 5s; negative disables the keepalive.
	EchoInterval time.Duration
	// EchoTimeout is how long the peer may stay silent after an echo
	// request before the connection fails with ErrPeerDead. Default
	// EchoInterval, as Open vSwitch does.
	EchoTimeout time.Duration
	// HandshakeTimeout bounds Handshake. Default 10s.
	HandshakeTimeout time.Duration
	// MaxPending is how many bytes may wait for the writer before Send
	// blocks. Default 1 MiB.
	MaxPending int
	// ReadQueue is how many messages the reader decodes ahead of Read
	// before it stops reading from the network. Default 128.
	ReadQueue int
	// MaxMultipart bounds the bytes of multipart replies held while their
	// parts arrive. Default 64 MiB. Negative: parts are not joined but
	// come to Read as they arrive, as a switch wants (it asks for no
	// replies, and one it is sent is an error to answer, not a part to
	// hold).
	MaxMultipart int
	// Awaited, when set, says whether a multipart reply with this xid
	// answers a request that waits for it. The parts of a reply it does
	// not await are not held but come to Read one by one, as they arrive:
	// a controller sets it so that a switch cannot make it hold replies it
	// never asked for. It is called from the goroutine that reads.
	Awaited func(xid uint32) bool
	// InlineRead makes Read read and decode in the goroutine that calls
	// it, which must be the only one, instead of in a reader goroutine
	// that queues ReadQueue messages ahead: a message Read returns is
	// decoded only when Read is called, so a codec may reuse storage from
	// one Read to the next. Writes are then coalesced per read batch:
	// what is sent after Read returns waits (unless MaxPending bytes
	// wait, or Flush is called) until a later Read finds no whole frame
	// buffered and is about to wait for the network, and goes out in one
	// write. The Read caller must come back to Read promptly: until it
	// does, the writes of every goroutine wait.
	InlineRead bool
}

// Defaults of Config.
const (
	DefaultEchoInterval     = 5 * time.Second
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultMaxPending       = 1 << 20
	DefaultReadQueue        = 128
	DefaultMaxMultipart     = 64 << 20
)

func (c Config) withDefaults() Config {
	if len(c.Versions) == 0 {
		c.Versions = []Version{Version13, Version10}
	}
	if c.EchoInterval == 0 {
		c.EchoInterval = DefaultEchoInterval
	}
	if c.EchoTimeout <= 0 {
		c.EchoTimeout = c.EchoInterval
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.MaxPending <= 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.ReadQueue <= 0 {
		c.ReadQueue = DefaultReadQueue
	}
	if c.MaxMultipart == 0 {
		c.MaxMultipart = DefaultMaxMultipart
	}
	return c
}
