package controller

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// Defaults of Config.
const (
	DefaultMissSendLen   = flow.ControllerMaxLenNoBuffer
	DefaultEchoInterval  = 5 * time.Second
	DefaultPacketInRate  = 100_000
	DefaultOutputBytes   = 1 << 20
	DefaultWriteTimeout  = 15 * time.Second
	DefaultSetupTimeout  = 10 * time.Second
	defaultPacketInBurst = 1000
)

// Config configures a Controller. The zero value is usable: every field
// has a default.
type Config struct {
	// Versions are the OpenFlow versions offered. Default 1.3 and 1.0.
	Versions []openflow.Version
	// Logger receives lifecycle logs. Default: discard.
	Logger *slog.Logger
	// MissSendLen is the miss_send_len set on every switch. Default
	// OFPCML_NO_BUFFER: whole packets, nothing buffered.
	MissSendLen uint16
	// EchoInterval is how long a switch may be silent before an echo
	// request; it is declared dead after as long again. Default 5s;
	// negative disables the keepalive.
	EchoInterval time.Duration
	// PacketInRate is how many packet-ins per second one datapath may
	// bring to the apps; PacketInBurst how many at once. Excess packet-ins
	// are counted (Stats.PacketInDropped) and dropped. Defaults 100,000/s
	// with a burst of 1,000; a negative rate disables the limit.
	PacketInRate  float64
	PacketInBurst int
	// OutputBytes bounds the bytes queued for one switch; Send waits while
	// they are queued. Default 1 MiB.
	OutputBytes int
	// WriteTimeout is how long a switch may leave written bytes unread
	// before its session ends. Default 15s.
	WriteTimeout time.Duration
	// SetupTimeout bounds the handshake, features and port description
	// exchange. Default 10s.
	SetupTimeout time.Duration
}

func (c Config) withDefaults() Config {
	if len(c.Versions) == 0 {
		c.Versions = []openflow.Version{openflow.Version13, openflow.Version10}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.MissSendLen == 0 {
		c.MissSendLen = DefaultMissSendLen
	}
	if c.EchoInterval == 0 {
		c.EchoInterval = DefaultEchoInterval
	}
	if c.PacketInRate == 0 {
		c.PacketInRate = DefaultPacketInRate
	}
	if c.PacketInBurst <= 0 {
		c.PacketInBurst = defaultPacketInBurst
	}
	if c.OutputBytes <= 0 {
		c.OutputBytes = DefaultOutputBytes
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.SetupTimeout <= 0 {
		c.SetupTimeout = DefaultSetupTimeout
	}
	return c
}

// A Controller serves OpenFlow switches and runs the handlers apps
// register on it.
type Controller struct {
	cfg Config
	log *slog.Logger

	handlers handlers

	mu        sync.Mutex
	datapaths map[uint64]*Datapath
}

// New returns a controller with cfg.
func New(cfg Config) *Controller {
	cfg = cfg.withDefaults()
	return &Controller{cfg: cfg, log: cfg.Logger.With("role", "controller"), datapaths: make(map[uint64]*Datapath)}
}

// Datapath returns the connected datapath with the given id, or nil.
func (c *Controller) Datapath(dpid uint64) *Datapath {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.datapaths[dpid]
}

// Datapaths returns the datapaths connected now.
func (c *Controller) Datapaths() []*Datapath {
	c.mu.Lock()
	defer c.mu.Unlock()
	dps := make([]*Datapath, 0, len(c.datapaths))
	for _, dp := range c.datapaths {
		dps = append(dps, dp)
	}
	return dps
}

// Serve accepts switch connections on l until ctx is done, then closes l,
// ends every session it started and returns nil. Several Serve calls
// (several listeners) may run at once. Accept errors are retried with a
// backoff, except that a listener closed by someone else ends Serve with
// an error.
func (c *Controller) Serve(ctx context.Context, l net.Listener) error {
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	var delay time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return fmt.Errorf("controller: accept: %w", err)
			}
			// Out of file descriptors and the like: wait and retry.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			c.log.Warn("accept failed", "err", err, "retry_in", delay)
			select {
			case <-time.After(delay):
				continue
			case <-ctx.Done():
				return nil
			}
		}
		delay = 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = c.ServeConn(ctx, nc) // ServeConn logs what ended it
		}()
	}
}
