package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller/apps"
	"github.com/ofbox/ofbox/sim"
)

// runSim is `ofbox sim`: a whole OpenFlow network in this process, with
// nothing installed: a controller, ofbox switches and gVisor hosts on
// in-memory links (package sim).
func runSim(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return simMain(ctx, args, os.Stdin, stdout, stderr)
}

func simMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	topo := fs.String("topo", "tree,2,2", "the topology: single,N, linear,N, tree,DEPTH,FANOUT or a topology `FILE`")
	app := fs.String("app", apps.Default, "the controller's app: "+strings.Join(apps.Names(), ", "))
	of := fs.String("of", "1.3,1.0", "the OpenFlow versions offered: 1.3, 1.0 or both")
	size := fs.Int64("bytes", 4<<20, "the bytes of the TCP transfer from the first host to the last")
	shell := fs.Bool("shell", false, "after building the network, read commands from standard input (type help)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox sim [--topo tree,2,2] [--app l2learning] [--of 1.3,1.0] [--bytes N] [--shell]")
		fs.PrintDefaults()
	}
	if rc, ok := parseFlags(fs, args, stderr); !ok {
		return rc
	}
	t, err := sim.ParseTopo(*topo)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox sim: --topo: %v\n", err)
		return 2
	}
	a, err := apps.New(*app)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox sim: --app: %v\n", err)
		return 2
	}
	vs, err := simVersions(*of)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox sim: --of %q: %v\n", *of, err)
		return 2
	}
	if *size < 1 {
		fmt.Fprintf(stderr, "ofbox sim: --bytes %d: want 1 or more\n", *size)
		return 2
	}

	start := time.Now()
	nctx, cancel := context.WithTimeout(ctx, time.Minute)
	n, err := sim.New(nctx, t, sim.Options{App: a, Versions: vs})
	cancel()
	if err != nil {
		fmt.Fprintf(stderr, "ofbox sim: %v\n", err)
		return 1
	}
	defer n.Close()
	fmt.Fprintf(stdout, "*** %s: %d switches, %d hosts, app %s, OpenFlow %s: up in %v\n",
		t, len(t.Switches), len(t.Hosts), *app, openflow.NewVersionSet(vs...), time.Since(start).Round(time.Millisecond))
	if *shell {
		simShell(ctx, n, stdin, stdout)
		return 0
	}
	failed := simPingAll(ctx, n, stdout)
	for _, s := range n.Switches() {
		simDumpFlows(ctx, n, s, stdout)
	}
	if hs := n.Hosts(); len(hs) > 1 && failed == 0 {
		simTransfer(ctx, n, hs[0].Name(), hs[len(hs)-1].Name(), *size, stdout)
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "ofbox sim: %d pairs of hosts did not reach each other\n", failed)
		return 1
	}
	return 0
}

func simVersions(s string) ([]openflow.Version, error) {
	var vs []openflow.Version
	for _, f := range strings.Split(s, ",") {
		switch strings.TrimSpace(f) {
		case "1.3":
			vs = append(vs, openflow.Version13)
		case "1.0":
			vs = append(vs, openflow.Version10)
		default:
			return nil, fmt.Errorf("unknown version %q; want 1.3, 1.0 or both", f)
		}
	}
	return vs, nil
}

// simPingAll runs pingall, prints the matrix and returns how many pairs failed.
func simPingAll(ctx context.Context, n *sim.Net, out io.Writer) int {
	fmt.Fprintln(out, "*** Ping: testing ping reachability")
	start := time.Now()
	m := n.PingAll(ctx)
	fmt.Fprint(out, m)
	fmt.Fprintf(out, "*** pingall took %v\n", time.Since(start).Round(time.Millisecond))
	return len(m.Failed())
}

func simDumpFlows(ctx context.Context, n *sim.Net, sw string, out io.Writer) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	flows, err := n.DumpFlows(dctx, sw)
	if err != nil {
		fmt.Fprintf(out, "dump-flows %s: %v\n", sw, err)
		return
	}
	fmt.Fprintf(out, "*** %s: %d flows\n", sw, len(flows))
	for _, f := range flows {
		fmt.Fprintln(out, " "+f)
	}
}

func simTransfer(ctx context.Context, n *sim.Net, from, to string, size int64, out io.Writer) {
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	d, err := n.Transfer(tctx, from, to, size)
	if err != nil {
		fmt.Fprintf(out, "iperf %s %s: %v\n", from, to, err)
		return
	}
	fmt.Fprintf(out, "*** iperf %s -> %s: %d bytes in %v: %.1f Mbit/s\n", from, to, size, d.Round(time.Millisecond), float64(size)*8/d.Seconds()/1e6)
}

const simHelp = `commands:
  HOST ping HOST        one ping (h1 ping h2)
  pingall               every host pings every other
  dump-flows SWITCH     the switch's flow table
  link NODE NODE up|down  restore or cut a link
  iperf HOST HOST [BYTES] a TCP transfer
  nodes                 the switches and hosts
  help
  quit                  (or end of input)`

// simShell reads commands from in until quit or its end.
func simShell(ctx context.Context, n *sim.Net, in io.Reader, out io.Writer) {
	sc := bufio.NewScanner(in)
	for {
		fmt.Fprint(out, "ofbox-sim> ")
		if !sc.Scan() || ctx.Err() != nil {
			fmt.Fprintln(out)
			return
		}
		w := strings.Fields(sc.Text())
		switch {
		case len(w) == 0:
		case w[0] == "quit" || w[0] == "exit":
			return
		case w[0] == "help":
			fmt.Fprintln(out, simHelp)
		case w[0] == "nodes":
			var hs []string
			for _, h := range n.Hosts() {
				hs = append(hs, h.Name()+"="+h.IP().String())
			}
			fmt.Fprintf(out, "switches: %s\nhosts: %s\n", strings.Join(n.Switches(), " "), strings.Join(hs, " "))
		case w[0] == "pingall" && len(w) == 1:
			simPingAll(ctx, n, out)
		case w[0] == "dump-flows" && len(w) == 2:
			simDumpFlows(ctx, n, w[1], out)
		case w[0] == "link" && len(w) == 4 && (w[3] == "up" || w[3] == "down"):
			if err := n.SetLink(w[1], w[2], w[3] == "up"); err != nil {
				fmt.Fprintln(out, err)
			}
		case w[0] == "iperf" && (len(w) == 3 || len(w) == 4):
			size := int64(4 << 20)
			if len(w) == 4 {
				v, err := strconv.ParseInt(w[3], 10, 64)
				if err != nil || v < 1 {
					fmt.Fprintf(out, "iperf: bytes %q: want a number of 1 or more\n", w[3])
					continue
				}
				size = v
			}
			simTransfer(ctx, n, w[1], w[2], size, out)
		case len(w) == 3 && w[1] == "ping":
			a, b := n.Host(w[0]), n.Host(w[2])
			if a == nil || b == nil {
				fmt.Fprintf(out, "ping: no host %s; type nodes\n", map[bool]string{true: w[0], false: w[2]}[a == nil])
				continue
			}
			pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			rtt, err := a.Ping(pctx, b.IP())
			cancel()
			if err != nil {
				fmt.Fprintf(out, "%s -> %s: no answer (%v)\n", w[0], w[2], err)
				continue
			}
			fmt.Fprintf(out, "%s -> %s (%s): time=%.2f ms\n", w[0], w[2], b.IP(), float64(rtt.Microseconds())/1000)
		default:
			fmt.Fprintf(out, "unknown command %q; type help\n", sc.Text())
		}
	}
}
