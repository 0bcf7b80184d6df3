package cbench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"sync"
	"time"
)

// Sample is the rate over one reporting interval.
type Sample struct {
	N       int           // 1-based interval number, warm-up included
	Elapsed time.Duration // since the load started
	Rate    float64       // responses/s (throughput) or round trips/s (latency)
	Warmup  bool          // the interval belongs to the warm-up
}

// Result sums up a Run.
type Result struct {
	Config Config
	// Rates are the per-interval rates of the measurement (warm-up left out).
	Rates                 []float64
	Avg, Min, Max, Stddev float64
	// Totals over the whole run, warm-up included.
	Responses  uint64 // FLOW_MODs and PACKET_OUTs
	RoundTrips uint64 // latency mode
	Timeouts   uint64 // latency mode: packet-ins given up on
	Errors     uint64 // OFPT_ERRORs from the controller
}

// Run connects cfg.Switches fake switches to cfg.Addr, loads the controller
// for cfg.Warmup+cfg.Duration and reports each interval's rate to report
// (which may be nil) as it ends. It returns the summary; a switch that
// fails or loses its connection ends the run with an error.
func Run(ctx context.Context, cfg Config, report func(Sample)) (Result, error) {
	if err := cfg.setDefaults(); err != nil {
		return Result{}, err
	}
	res := Result{Config: cfg}
	sws, err := connect(ctx, &cfg)
	if err != nil {
		return res, err
	}
	cfg.Log.Info("switches connected", "switches", len(sws), "addr", cfg.Addr, "of", cfg.Version.String())

	stopped := make(chan struct{})
	errc := make(chan error, len(sws))
	var wg sync.WaitGroup
	for _, s := range sws {
		wg.Go(func() {
			var err error
			if cfg.Mode == Latency {
				err = s.latency(cfg.Timeout)
			} else {
				err = s.throughput()
			}
			select {
			case <-stopped:
			default:
				errc <- fmt.Errorf("cbench: switch %d: %w", s.resp.dpid, err)
			}
		})
	}
	stop := func() {
		close(stopped)
		for _, s := range sws {
			s.nc.Close()
		}
		wg.Wait()
	}

	metric := func() uint64 {
		var n uint64
		for _, s := range sws {
			if cfg.Mode == Latency {
				n += s.rounds.Load()
			} else {
				n += s.responses.Load()
			}
		}
		return n
	}
	start := time.Now()
	end := start.Add(cfg.Warmup + cfg.Duration)
	tick := time.NewTicker(cfg.Interval)
	defer tick.Stop()
	last, lastT := metric(), start
	var runErr error
loop:
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			runErr = ctx.Err()
			break loop
		case err := <-errc:
			runErr = err
			break loop
		case now := <-tick.C:
			cur := metric()
			rate := float64(cur-last) / now.Sub(lastT).Seconds()
			warm := now.Sub(start) <= cfg.Warmup+cfg.Interval/2
			if report != nil {
				report(Sample{N: n, Elapsed: now.Sub(start), Rate: rate, Warmup: warm})
			}
			if !warm {
				res.Rates = append(res.Rates, rate)
			}
			last, lastT = cur, now
			if !now.Before(end.Add(-cfg.Interval / 2)) {
				break loop
			}
		}
	}
	stop()
	for _, s := range sws {
		res.Responses += s.responses.Load()
		res.RoundTrips += s.rounds.Load()
		res.Timeouts += s.timeouts.Load()
		res.Errors += s.errors.Load()
	}
	res.Avg, res.Min, res.Max, res.Stddev = summarize(res.Rates)
	return res, runErr
}

// connect dials and handshakes every switch, in parallel.
func connect(ctx context.Context, cfg *Config) ([]*fakeSwitch, error) {
	hctx, cancel := context.WithTimeout(ctx, cfg.HandshakeTimeout)
	defer cancel()
	sws := make([]*fakeSwitch, cfg.Switches)
	errs := make([]error, cfg.Switches)
	var wg sync.WaitGroup
	for i := range sws {
		wg.Go(func() {
			nc, err := cfg.Dial(hctx, cfg.Addr)
			if err != nil {
				errs[i] = fmt.Errorf("cbench: switch %d: connect: %w", DPID(i), err)
				return
			}
			if tc, ok := nc.(*net.TCPConn); ok {
				_ = tc.SetNoDelay(true)
			}
			// Cancelling ctx (an interrupt) ends a handshake at once.
			unblock := context.AfterFunc(hctx, func() { _ = nc.SetDeadline(time.Now()) })
			s, err := newFakeSwitch(nc, cfg.Version, i, cfg.MACs)
			if err == nil {
				err = s.handshake(hctx)
			}
			if !unblock() && err == nil {
				err = fmt.Errorf("handshake: %w", context.Cause(hctx))
			}
			if err != nil {
				nc.Close()
				errs[i] = fmt.Errorf("cbench: switch %d: %w", DPID(i), err)
				return
			}
			sws[i] = s
		})
	}
	wg.Wait()
	if errors.Join(errs...) != nil {
		for _, s := range sws {
			if s != nil {
				s.nc.Close()
			}
		}
		return nil, firstErr(errs)
	}
	return sws, nil
}

// firstErr keeps a failure of all switches readable: the first error and
// how many failed.
func firstErr(errs []error) error {
	n, first := 0, error(nil)
	for _, e := range errs {
		if e != nil {
			if first == nil {
				first = e
			}
			n++
		}
	}
	if n == 1 {
		return first
	}
	return fmt.Errorf("%w (and %d more switches failed)", first, n-1)
}

// summarize returns the mean, minimum, maximum and population standard
// deviation of rates (all 0 when there are none).
func summarize(rates []float64) (avg, lo, hi, sd float64) {
	if len(rates) == 0 {
		return 0, 0, 0, 0
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range rates {
		avg += r
		lo, hi = min(lo, r), max(hi, r)
	}
	avg /= float64(len(rates))
	for _, r := range rates {
		sd += (r - avg) * (r - avg)
	}
	return avg, lo, hi, math.Sqrt(sd / float64(len(rates)))
}
