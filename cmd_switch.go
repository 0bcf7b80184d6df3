package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ofbox/ofbox/netstack"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// runSwitch is `ofbox switch`: an OpenFlow switch between kernel NICs until
// SIGINT or SIGTERM.
func runSwitch(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return switchMain(ctx, args, stdout, stderr)
}

// switchPort is one --ports entry.
type switchPort struct {
	no   flow.PortNo
	name string
}

// maxSwitchPort is the highest port number --ports takes: the last
// physical port number OpenFlow 1.0 can express (OFPP_MAX).
const maxSwitchPort = 0xff00

// parsePorts parses --ports: names numbered in order (veth1,veth2) or
// explicit numbers (1=veth1,2=veth2).
func parsePorts(s string) ([]switchPort, error) {
	var ps []switchPort
	nos := map[flow.PortNo]bool{}
	names := map[string]bool{}
	for i, f := range strings.Split(s, ",") {
		p := switchPort{no: flow.PortNo(i + 1), name: f}
		if num, name, ok := strings.Cut(f, "="); ok {
			n, err := strconv.ParseUint(num, 0, 32)
			if err != nil || n < 1 || n > maxSwitchPort {
				return nil, fmt.Errorf("port number %q: want 1 to %d", num, maxSwitchPort)
			}
			p = switchPort{no: flow.PortNo(n), name: name}
		}
		switch {
		case p.name == "" || len(p.name) > 15 || strings.ContainsAny(p.name, " /="):
			return nil, fmt.Errorf("interface name %q: want a network interface name", p.name)
		case nos[p.no]:
			return nil, fmt.Errorf("port number %d used twice", p.no)
		case names[p.name]:
			return nil, fmt.Errorf("interface %s used twice", p.name)
		}
		nos[p.no], names[p.name] = true, true
		ps = append(ps, p)
	}
	return ps, nil
}

// parseController turns tcp:HOST:PORT into host:port.
func parseController(s string) (string, error) {
	if !strings.HasPrefix(s, "tcp:") {
		return "", fmt.Errorf("%q: want tcp:HOST:PORT", s)
	}
	return parseListen(s)
}

// parseDPID parses a datapath id: hex with 0x, or decimal.
func parseDPID(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, errors.New("want a 64-bit number such as 0x1 or 42")
	}
	return n, nil
}

func switchMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox switch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	portsSpec := fs.String("ports", "", "the switch's ports: NIC names numbered in order (veth1,veth2) or NUMBER=NAME (1=veth1,2=veth2)")
	controllers := specList{parse: parseController}
	fs.Var(&controllers, "controller", "a controller to connect to: tcp:HOST:PORT (repeatable)")
	listens := specList{parse: parseListen}
	fs.Var(&listens, "listen", "where management tools connect: ptcp:PORT[:HOST] (repeatable)")
	dpidSpec := fs.String("dpid", "0x1", "the datapath id")
	failSpec := fs.String("fail-mode", "secure", "without a controller: secure (keep flows, drop misses) or standalone (learn MACs)")
	ofs := fs.String("of", "1.3,1.0", "OpenFlow versions to offer, comma separated: 1.3, 1.0")
	logLevel := fs.String("log", "info", "log level: debug, info, warn, error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox switch --ports veth1,veth2|1=veth1,2=veth2 [--controller tcp:127.0.0.1:6653 ...] [--listen ptcp:6634] [--dpid 0x1] [--fail-mode secure|standalone] [--of 1.3,1.0] [--log info]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	bad := func(name, val string, err error) int {
		fmt.Fprintf(stderr, "ofbox switch: --%s %q: %v\n", name, val, err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ofbox switch: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *portsSpec == "" {
		fmt.Fprintln(stderr, "ofbox switch: --ports is required: NIC names (veth1,veth2) or NUMBER=NAME (1=veth1,2=veth2)")
		return 2
	}
	ports, err := parsePorts(*portsSpec)
	if err != nil {
		return bad("ports", *portsSpec, err)
	}
	dpid, err := parseDPID(*dpidSpec)
	if err != nil {
		return bad("dpid", *dpidSpec, err)
	}
	var failMode ofswitch.FailMode
	switch *failSpec {
	case "secure":
	case "standalone":
		failMode = ofswitch.FailStandalone
	default:
		return bad("fail-mode", *failSpec, errors.New("want secure or standalone"))
	}
	versions, err := parseVersions(*ofs)
	if err != nil {
		return bad("of", *ofs, err)
	}
	log, err := newLogger(*logLevel, stderr)
	if err != nil {
		return bad("log", *logLevel, err)
	}

	var targets []string
	for _, c := range controllers.vals {
		addr, _ := parseController(c)
		targets = append(targets, addr)
	}
	var ls []net.Listener
	closeAll := func() {
		for _, l := range ls {
			l.Close()
		}
	}
	for _, spec := range listens.vals {
		addr, _ := parseListen(spec)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll()
			fmt.Fprintf(stderr, "ofbox switch: --listen %s: %v\n", spec, err)
			return 1
		}
		ls = append(ls, l)
	}
	sw := ofswitch.New(ofswitch.Config{DatapathID: dpid, Versions: versions, Controllers: targets,
		FailMode: failMode, Logger: log})
	devs := map[flow.PortNo]*netstack.PacketDevice{}
	for _, p := range ports {
		dev, err := netstack.OpenPacket(p.name, netstack.PacketOptions{})
		if err == nil {
			err = sw.AddPort(p.no, dev)
		}
		if err != nil {
			closeAll()
			sw.Datapath().Close()
			fmt.Fprintf(stderr, "ofbox switch: --ports %s: port %d: %v\n", *portsSpec, p.no, err)
			return 1
		}
		devs[p.no] = dev
	}
	var addrs []string
	for _, l := range ls {
		addrs = append(addrs, l.Addr().String())
	}
	var names []string
	for _, p := range ports {
		names = append(names, fmt.Sprintf("%d=%s", p.no, p.name))
	}
	fmt.Fprintf(stdout, "ofbox switch: ready dpid %#x ports %s controllers [%s] listening [%s] (fail mode %s, OpenFlow %s)\n",
		dpid, strings.Join(names, ","), strings.Join(controllers.vals, " "), strings.Join(addrs, " "),
		failMode, openflow.NewVersionSet(versions...))

	var wg sync.WaitGroup
	wg.Go(func() { watchLinks(ctx, sw, devs, log) })
	err = sw.Run(ctx, ls...)
	wg.Wait()
	if err != nil {
		log.Error("switch failed", "err", err)
		return 1
	}
	return 0
}

// linkPoll is how often the switch looks at its NICs' carrier: link changes
// reach the controllers as port-status within it.
const linkPoll = time.Second

// watchLinks follows the carrier of the devices until ctx is done.
func watchLinks(ctx context.Context, sw *ofswitch.Switch, devs map[flow.PortNo]*netstack.PacketDevice, log *slog.Logger) {
	t := time.NewTicker(linkPoll)
	defer t.Stop()
	for {
		for no, dev := range devs {
			if err := sw.SetLinkUp(no, dev.LinkUp()); err != nil {
				log.Debug("link state not recorded", "port", uint32(no), "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
