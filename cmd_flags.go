package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ofbox/ofbox/appliance"
)

// untilSignal makes a command of a main that runs until its context ends:
// until SIGINT or SIGTERM.
func untilSignal(main func(ctx context.Context, args []string, stdout, stderr io.Writer) int) func([]string, io.Writer, io.Writer) int {
	return func(args []string, stdout, stderr io.Writer) int {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return main(ctx, args, stdout, stderr)
	}
}

// parseFlags parses the flags of a command that takes no arguments. When
// it returns false the command exits with rc: 0 after -h, 2 after a usage
// error, which it has printed.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (rc int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return 2, false
	}
	return 0, true
}

// runRole is `ofbox controller` and `ofbox switch`: it runs the role until
// SIGINT or SIGTERM.
func runRole(role string, args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return roleMain(ctx, role, args, stdout, stderr)
}

// roleMain reads the role's Config from the flags and the OFBOX_*
// environment (not from /proc/cmdline: on a host or in a container that is
// the host kernel's) and runs it. Exit status 2 is a usage error, 1 a
// failed role.
func roleMain(ctx context.Context, role string, args []string, stdout, stderr io.Writer) int {
	cfg, err := appliance.Load(appliance.Sources{Role: role, Env: os.Environ(), Args: args, Usage: stderr})
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "ofbox %s: %v\n", role, err)
		return 2
	}
	if err := appliance.Run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "ofbox %s: %v\n", role, err)
		return 1
	}
	return 0
}
