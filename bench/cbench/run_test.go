package cbench

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// startStub serves a Stub on a loopback port for the test's lifetime.
func startStub(t *testing.T, v openflow.Version, mute bool) (*Stub, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	st := &Stub{Version: v, Mute: mute}
	done := make(chan error, 1)
	go func() { done <- st.Serve(l) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			t.Errorf("Stub.Serve() = %v", err)
		}
	})
	return st, l.Addr().String()
}

func quickConfig(addr string, v openflow.Version, m Mode) Config {
	return Config{
		Addr: addr, Switches: 4, MACs: 50, Mode: m, Version: v,
		Duration: 300 * time.Millisecond, Warmup: 100 * time.Millisecond, Interval: 100 * time.Millisecond,
	}
}

// TestRun loads the stub controller in both modes and versions and checks
// that responses are counted.
func TestRun(t *testing.T) {
	for _, v := range versions {
		for _, m := range []Mode{Throughput, Latency} {
			t.Run(v.String()+"/"+m.String(), func(t *testing.T) {
				st, addr := startStub(t, v, false)
				var samples []Sample
				res, err := Run(context.Background(), quickConfig(addr, v, m), func(s Sample) { samples = append(samples, s) })
				if err != nil {
					t.Fatalf("Run() error: %v", err)
				}
				if res.Responses == 0 || res.Avg <= 0 || res.Min > res.Avg || res.Max < res.Avg {
					t.Errorf("Run() = responses %d, avg %v, min %v, max %v; want responses and min <= avg <= max",
						res.Responses, res.Avg, res.Min, res.Max)
				}
				if len(samples) < 3 || !samples[0].Warmup || samples[len(samples)-1].Warmup || len(res.Rates) != len(samples)-1 {
					t.Errorf("Run() reported %+v and kept %d rates; want a warm-up sample, then the measured ones", samples, len(res.Rates))
				}
				if m == Latency && (res.RoundTrips == 0 || res.Timeouts != 0) {
					t.Errorf("Run() latency: round trips %d, timeouts %d; want some and none", res.RoundTrips, res.Timeouts)
				}
				if m == Latency && res.RoundTrips > res.Responses {
					t.Errorf("Run() latency: round trips %d > responses %d", res.RoundTrips, res.Responses)
				}
				if got := len(st.DPIDs()); got != 4 {
					t.Errorf("stub saw %d datapaths (%v); want 4", got, st.DPIDs())
				}
			})
		}
	}
}

func TestRunMute(t *testing.T) {
	_, addr := startStub(t, openflow.Version13, true)
	cfg := quickConfig(addr, openflow.Version13, Latency)
	cfg.Timeout = 50 * time.Millisecond
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatalf("Run() error: %v", err)
	}
	if res.Responses != 0 || res.Avg != 0 || res.Timeouts == 0 {
		t.Errorf("Run() against a mute controller = responses %d, avg %v, timeouts %d; want 0, 0, some", res.Responses, res.Avg, res.Timeouts)
	}
}

func TestRunErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, stubAddr := startStub(t, openflow.Version10, false)
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"refused", quickConfig(addr, openflow.Version13, Throughput), "connect"},
		{"version", quickConfig(stubAddr, openflow.Version13, Throughput), "handshake"},
		{"macs", Config{Addr: addr, MACs: 1}, "macs 1"},
		{"switches", Config{Addr: addr, Switches: -1}, "switches -1"},
		{"version value", Config{Addr: addr, Version: 2}, "version"},
	}
	for _, tt := range tests {
		_, err := Run(context.Background(), tt.cfg, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Run(%s) = %v; want an error about %q", tt.name, err, tt.want)
		}
	}
}

func TestRunCancel(t *testing.T) {
	_, addr := startStub(t, openflow.Version10, false)
	cfg := quickConfig(addr, openflow.Version10, Throughput)
	cfg.Duration = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, cfg, nil)
	if err != context.DeadlineExceeded || res.Responses == 0 {
		t.Errorf("Run(cancelled) = responses %d, %v; want some, context.DeadlineExceeded", res.Responses, err)
	}
}

func TestParse(t *testing.T) {
	if m, err := ParseMode("latency"); err != nil || m != Latency {
		t.Errorf("ParseMode(latency) = %v, %v; want latency", m, err)
	}
	if _, err := ParseMode("fast"); err == nil || !strings.Contains(err.Error(), "throughput or latency") {
		t.Errorf("ParseMode(fast) = %v; want an error naming the modes", err)
	}
	if v, err := ParseVersion("1.0"); err != nil || v != openflow.Version10 {
		t.Errorf("ParseVersion(1.0) = %v, %v; want 1.0", v, err)
	}
	if _, err := ParseVersion("1.4"); err == nil {
		t.Errorf("ParseVersion(1.4) = nil error; want one")
	}
	for in, want := range map[string]string{"tcp:127.0.0.1:6653": "127.0.0.1:6653", "localhost:1": "localhost:1", "nope": ""} {
		got, err := ParseAddr(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("ParseAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestSummarize(t *testing.T) {
	avg, lo, hi, sd := summarize([]float64{2, 4, 4, 4, 5, 5, 7, 9})
	if avg != 5 || lo != 2 || hi != 9 || sd != 2 {
		t.Errorf("summarize() = %v, %v, %v, %v; want 5, 2, 9, 2", avg, lo, hi, sd)
	}
	if avg, lo, hi, sd := summarize(nil); avg != 0 || lo != 0 || hi != 0 || sd != 0 {
		t.Errorf("summarize(nil) = %v, %v, %v, %v; want zeros", avg, lo, hi, sd)
	}
}

// TestRunCancelHandshake: a controller that accepts and never speaks does
// not hold the run once ctx is cancelled.
func TestRunCancelHandshake(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	cfg := quickConfig(l.Addr().String(), openflow.Version13, Latency)
	cfg.HandshakeTimeout = time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := Run(ctx, cfg, nil); err == nil || !strings.Contains(err.Error(), "handshake") {
		t.Errorf("Run(silent controller, cancelled) = %v; want a handshake error", err)
	}
}
