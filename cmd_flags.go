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
