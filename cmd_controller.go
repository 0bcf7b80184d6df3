package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/hub"
	"github.com/ofbox/ofbox/roles/controller/apps/l2learning"
)

// controllerApps are the apps --app names.
var controllerApps = map[string]func() controller.App{
	"l2learning": func() controller.App { return l2learning.New(l2learning.Config{}) },
	"hub":        func() controller.App { return hub.App{} },
}

const controllerAppNames = "l2learning, hub"

// runController is `ofbox controller`: it serves OpenFlow switches until
// SIGINT or SIGTERM.
func runController(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return controllerMain(ctx, args, stdout, stderr)
}

func controllerMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox controller", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listens := specList{parse: parseListen}
	fs.Var(&listens, "listen", "where switches connect: tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST] (repeatable; default tcp:127.0.0.1:6653)")
	appName := fs.String("app", "l2learning", "the app to run: "+controllerAppNames)
	ofs := fs.String("of", "1.3,1.0", "OpenFlow versions to offer, comma separated: 1.3, 1.0")
	logLevel := fs.String("log", "info", "log level: debug, info, warn, error")
	rate := fs.Float64("packet-in-rate", controller.DefaultPacketInRate, "packet-ins per second one switch may bring to the app; excess is counted and dropped (0: no limit)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox controller [--listen tcp:127.0.0.1:6653 ...] [--app l2learning|hub] [--of 1.3,1.0] [--packet-in-rate 100000] [--log info]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ofbox controller: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	newApp, ok := controllerApps[*appName]
	if !ok {
		fmt.Fprintf(stderr, "ofbox controller: --app %q: want one of %s\n", *appName, controllerAppNames)
		return 2
	}
	versions, err := parseVersions(*ofs)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox controller: --of %q: %v\n", *ofs, err)
		return 2
	}
	log, err := newLogger(*logLevel, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox controller: --log %q: %v\n", *logLevel, err)
		return 2
	}
	if *rate < 0 {
		fmt.Fprintf(stderr, "ofbox controller: --packet-in-rate %v: want a number of packet-ins per second, or 0 for no limit\n", *rate)
		return 2
	}
	if *rate == 0 {
		*rate = -1 // controller.Config: negative disables the limit
	}
	if len(listens.vals) == 0 {
		listens.vals = []string{"tcp:127.0.0.1:6653"}
	}

	var ls []net.Listener
	for _, spec := range listens.vals {
		addr, _ := parseListen(spec)
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range ls {
				l.Close()
			}
			fmt.Fprintf(stderr, "ofbox controller: --listen %s: %v\n", spec, err)
			return 1
		}
		ls = append(ls, l)
	}
	c := controller.New(controller.Config{Versions: versions, Logger: log, PacketInRate: *rate})
	c.Use(newApp())
	var addrs []string
	for _, l := range ls {
		addrs = append(addrs, l.Addr().String())
	}
	fmt.Fprintf(stdout, "ofbox controller: listening on %s (app %s, OpenFlow %s)\n",
		strings.Join(addrs, ", "), *appName, openflow.NewVersionSet(versions...))

	var wg sync.WaitGroup
	errc := make(chan error, len(ls))
	for _, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Serve(ctx, l); err != nil {
				errc <- err
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		log.Error("controller failed", "err", err)
		return 1
	}
	log.Info("controller stopped")
	return 0
}

// parseListen turns an Open vSwitch style listen spec into a host:port
// for net.Listen: tcp:HOST:PORT, tcp::PORT (every address) or
// ptcp:PORT[:HOST].
func parseListen(s string) (string, error) {
	bad := func(why string) (string, error) {
		return "", fmt.Errorf("%q: %s; want tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST]", s, why)
	}
	var host, port string
	switch {
	case strings.HasPrefix(s, "tcp:"):
		rest := s[len("tcp:"):]
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			return bad("no port")
		}
		host, port = rest[:i], rest[i+1:]
	case strings.HasPrefix(s, "ptcp:"):
		port, host, _ = strings.Cut(s[len("ptcp:"):], ":")
	default:
		return bad("unknown scheme")
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return bad("bad host")
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || port == "" || n > 65535 {
		return bad("bad port")
	}
	return net.JoinHostPort(host, port), nil
}
