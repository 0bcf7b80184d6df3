// Command ofbox is OpenFlow in a box: one static binary that is an OpenFlow
// controller, an OpenFlow switch, their VM image and its launcher.
//
//	ofbox <command> [flags]
//
// Run it without arguments for the list of commands.
//
// As PID 1 without a command, ofbox is the /init of its VM image and hands
// over to appliance.Boot, which takes the role from the kernel command line
// (ofbox.role=...). In a container, where ofbox is PID 1 as well, the
// entrypoint names a command (`/ofbox switch --ports eth1,eth2`), so there
// are no mounts or modules there. On a host, ofbox without a command prints
// the usage even if /proc/cmdline has ofbox.role=: booting is for PID 1
// alone.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ofbox/ofbox/appliance"
)

// command is one subcommand.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{name: "controller", summary: "run the OpenFlow controller role", run: runController},
	{name: "switch", summary: "run the OpenFlow switch role", run: runSwitch},
	{name: "image", summary: "build the VM image and the scratch OCI image", run: untilSignal(imageMain)},
	{name: "vm", summary: "boot an ofbox VM under QEMU", run: untilSignal(vmMain)},
	{name: "demo", summary: "boot a controller VM and a switch VM; show two hosts talking through them", run: untilSignal(demoMain)},
	{name: "sim", summary: "run an in-process network of switches, hosts and a controller", run: runSim},
	{name: "pki", summary: "make a lab CA and certificates for TLS on the control channel", run: runPKI},
	{name: "bench", summary: "load generators: fake switches and traffic", run: runBench},
	{name: "version", summary: "print the version", run: runVersion},
}

// version is set at link time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if os.Getpid() == 1 && !isCommand(os.Args[1:]) {
		appliance.Boot() // never returns
	}
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

// isCommand reports whether args start with a command. The kernel hands
// /init the command line words it does not know as arguments, so PID 1
// boots unless the first is a command.
func isCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, c := range commands {
		if c.name == args[0] {
			return true
		}
	}
	return args[0] == "help" || args[0] == "-h" || args[0] == "--help"
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		return c.run(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "ofbox: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ofbox <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "ofbox %s (OpenFlow 1.0, 1.3)\n", version)
	return 0
}
