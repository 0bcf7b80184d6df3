package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ofbox/ofbox/bench/cbench"
)

// benchUsage lists the load generators of `ofbox bench`.
const benchUsage = `usage: ofbox bench <generator> [flags]

generators:
  controller  cbench-style fake switches that load an OpenFlow controller
`

// runBench is `ofbox bench`: the load generators.
func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, benchUsage)
		return 0
	}
	switch args[0] {
	case "controller":
		return runBenchController(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ofbox bench: unknown generator %q\n%s", args[0], benchUsage)
	return 2
}

// benchControllerFlags are the parsed flags of `ofbox bench controller`.
type benchControllerFlags struct {
	cfg      cbench.Config
	mode, of string
}

func parseBenchController(args []string, stderr io.Writer) (cbench.Config, error) {
	fs := flag.NewFlagSet("ofbox bench controller", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox bench controller [flags] ADDR\n\nADDR is the controller's host:port (or tcp:host:port).\n\nflags:")
		fs.PrintDefaults()
	}
	var f benchControllerFlags
	fs.IntVar(&f.cfg.Switches, "switches", 16, "number of fake switches, each its own connection (1..65535)")
	fs.IntVar(&f.cfg.MACs, "macs", 1000, "distinct source MACs per switch (2..16777216)")
	fs.StringVar(&f.mode, "mode", "throughput", "throughput (keep the pipe full) or latency (one packet-in outstanding per switch)")
	fs.StringVar(&f.of, "of", "1.3", "OpenFlow version: 1.0 or 1.3")
	fs.DurationVar(&f.cfg.Duration, "duration", 10*time.Second, "how long to measure")
	fs.DurationVar(&f.cfg.Warmup, "warmup", time.Second, "load before the measurement, left out of the summary")
	fs.DurationVar(&f.cfg.Timeout, "timeout", time.Second, "latency mode: how long a switch waits for a response before it sends the next packet-in")

	// Flags may come before and after ADDR.
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return cbench.Config{}, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	cfg := f.cfg
	var err error
	switch {
	case len(pos) != 1:
		return cfg, fmt.Errorf("want one ADDR (host:port of the controller), got %d arguments", len(pos))
	case cfg.Switches < 1 || cfg.Switches > 0xffff:
		return cfg, fmt.Errorf("--switches %d: want 1..65535", cfg.Switches)
	case cfg.MACs < 2 || cfg.MACs > 1<<24:
		return cfg, fmt.Errorf("--macs %d: want 2..16777216", cfg.MACs)
	case cfg.Duration <= 0:
		return cfg, fmt.Errorf("--duration %s: want a positive duration such as 10s", cfg.Duration)
	case cfg.Warmup < 0:
		return cfg, fmt.Errorf("--warmup %s: want 0 or a positive duration such as 1s", cfg.Warmup)
	case cfg.Timeout <= 0:
		return cfg, fmt.Errorf("--timeout %s: want a positive duration such as 1s", cfg.Timeout)
	}
	if cfg.Mode, err = cbench.ParseMode(f.mode); err != nil {
		return cfg, fmt.Errorf("--mode %q: want throughput or latency", f.mode)
	}
	if cfg.Version, err = cbench.ParseVersion(f.of); err != nil {
		return cfg, fmt.Errorf("--of %q: want 1.0 or 1.3", f.of)
	}
	if cfg.Addr, err = cbench.ParseAddr(pos[0]); err != nil {
		return cfg, fmt.Errorf("ADDR %q: want host:port or tcp:host:port", pos[0])
	}
	return cfg, nil
}

// runBenchController is `ofbox bench controller`.
func runBenchController(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseBenchController(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "ofbox bench controller: %v\n", err)
		return 2
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	return benchController(ctx, cfg, stdout, stderr)
}

func benchController(ctx context.Context, cfg cbench.Config, stdout, stderr io.Writer) int {
	unit := "responses/s"
	if cfg.Mode == cbench.Latency {
		unit = "responses/s (round trips)"
	}
	fmt.Fprintf(stdout, "ofbox bench controller: %d switches, %d macs, mode %s, OpenFlow %s, %s + %s warm-up against %s\n",
		cfg.Switches, cfg.MACs, cfg.Mode, cfg.Version, cfg.Duration, cfg.Warmup, cfg.Addr)
	res, err := cbench.Run(ctx, cfg, func(s cbench.Sample) {
		warm := ""
		if s.Warmup {
			warm = " (warm-up)"
		}
		fmt.Fprintf(stdout, "%6.1fs %12.0f %s%s\n", s.Elapsed.Seconds(), s.Rate, unit, warm)
	})
	if err != nil && len(res.Rates) == 0 && res.Responses == 0 {
		fmt.Fprintf(stderr, "ofbox bench controller: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "RESULT mode=%s of=%s switches=%d macs=%d responses/s avg=%.0f min=%.0f max=%.0f stddev=%.0f\n",
		cfg.Mode, cfg.Version, cfg.Switches, cfg.MACs, res.Avg, res.Min, res.Max, res.Stddev)
	fmt.Fprintf(stdout, "totals: responses=%d round_trips=%d timeouts=%d errors=%d\n", res.Responses, res.RoundTrips, res.Timeouts, res.Errors)
	if err != nil && err != context.Canceled {
		fmt.Fprintf(stderr, "ofbox bench controller: %v\n", err)
		return 1
	}
	if res.Responses == 0 {
		fmt.Fprintf(stderr, "ofbox bench controller: no response from the controller at %s\n", cfg.Addr)
		return 1
	}
	return 0
}
