package main

import (
	"context"
	"io"

	"github.com/ofbox/ofbox/appliance"
)

// runSwitch is `ofbox switch`: an OpenFlow switch between kernel NICs until
// SIGINT or SIGTERM. appliance.Config documents the flags.
func runSwitch(args []string, stdout, stderr io.Writer) int {
	return runRole(appliance.RoleSwitch, args, stdout, stderr)
}

func switchMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return roleMain(ctx, appliance.RoleSwitch, args, stdout, stderr)
}
