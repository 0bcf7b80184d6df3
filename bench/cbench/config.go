package cbench

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// Mode is how the fake switches load the controller.
type Mode int

const (
	// Throughput keeps each switch's pipe full; the figure is responses/s.
	Throughput Mode = iota
	// Latency keeps one packet-in outstanding per switch; the figure is
	// round trips/s.
	Latency
)

func (m Mode) String() string {
	switch m {
	case Throughput:
		return "throughput"
	case Latency:
		return "latency"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses "throughput" or "latency".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "throughput":
		return Throughput, nil
	case "latency":
		return Latency, nil
	}
	return 0, fmt.Errorf("cbench: mode %q: want throughput or latency", s)
}

// ParseVersion parses "1.0" or "1.3".
func ParseVersion(s string) (openflow.Version, error) {
	switch s {
	case "1.0":
		return openflow.Version10, nil
	case "1.3":
		return openflow.Version13, nil
	}
	return 0, fmt.Errorf("cbench: openflow version %q: want 1.0 or 1.3", s)
}

// ParseAddr accepts host:port and the Open vSwitch spelling tcp:host:port.
func ParseAddr(s string) (string, error) {
	a := strings.TrimPrefix(s, "tcp:")
	if _, _, err := net.SplitHostPort(a); err != nil {
		return "", fmt.Errorf("cbench: address %q: want host:port or tcp:host:port", s)
	}
	return a, nil
}

// Config configures a Run.
type Config struct {
	// Addr is the controller's host:port.
	Addr string
	// Switches is how many fake switches connect (default 16).
	Switches int
	// MACs is how many source MACs each switch cycles through (default 1000).
	MACs int
	Mode Mode
	// Version is 1.0 or 1.3 (default 1.3).
	Version openflow.Version
	// Duration is how long the measurement lasts (default 10s); Warmup
	// how long the load runs before it (its seconds are reported, marked,
	// and left out of the summary).
	Duration, Warmup time.Duration
	// Interval is the reporting period (default 1s).
	Interval time.Duration
	// Timeout is how long a latency-mode switch waits for a response
	// before it sends the next packet-in (default 1s).
	Timeout time.Duration
	// HandshakeTimeout bounds connecting and the handshake (default 10s).
	HandshakeTimeout time.Duration
	// Dial connects one switch; default a net.Dialer on "tcp".
	Dial func(ctx context.Context, addr string) (net.Conn, error)
	// Log receives lifecycle messages; default discards.
	Log *slog.Logger
}

func (c *Config) setDefaults() error {
	if c.Switches == 0 {
		c.Switches = 16
	}
	if c.MACs == 0 {
		c.MACs = 1000
	}
	if c.Version == 0 {
		c.Version = openflow.Version13
	}
	if c.Duration == 0 {
		c.Duration = 10 * time.Second
	}
	if c.Interval == 0 {
		c.Interval = time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second
	}
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = 10 * time.Second
	}
	if c.Dial == nil {
		var d net.Dialer
		c.Dial = func(ctx context.Context, addr string) (net.Conn, error) { return d.DialContext(ctx, "tcp", addr) }
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.Switches < 0 || c.Switches > 0xffff:
		return fmt.Errorf("cbench: switches %d: want 1..65535", c.Switches)
	case c.MACs < 2 || c.MACs > 1<<24:
		return fmt.Errorf("cbench: macs %d: want 2..%d", c.MACs, 1<<24)
	case c.Version != openflow.Version10 && c.Version != openflow.Version13:
		return fmt.Errorf("cbench: openflow version %s: want 1.0 or 1.3", c.Version)
	case c.Mode != Throughput && c.Mode != Latency:
		return fmt.Errorf("cbench: %s: want throughput or latency", c.Mode)
	case c.Duration < 0 || c.Warmup < 0 || c.Interval < 0 || c.Timeout < 0 || c.HandshakeTimeout < 0:
		return fmt.Errorf("cbench: durations must not be negative")
	}
	return nil
}
