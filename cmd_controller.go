package main

import (
	"context"
	"io"

	"github.com/ofbox/ofbox/appliance"
)

// runController is `ofbox controller`: it serves OpenFlow switches until
// SIGINT or SIGTERM. appliance.Config documents the flags.
func runController(args []string, stdout, stderr io.Writer) int {
	return runRole(appliance.RoleController, args, stdout, stderr)
}

func controllerMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return roleMain(ctx, appliance.RoleController, args, stdout, stderr)
}
