package appliance

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps"
)

// Where the controller listens by default: on the host stack loopback
// only, as a daemon started by hand should; on a gVisor stack, which has
// only the addresses it was given, every address.
const (
	defaultListenHost   = "tcp:127.0.0.1:6653"
	defaultListenGVisor = "tcp::6653"
)

// runController serves OpenFlow switches on cfg.Listens until ctx is done.
func runController(ctx context.Context, cfg Config, nw network, id *tlsIdentity, stdout io.Writer, log *slog.Logger) error {
	if cfg.App == "" {
		cfg.App = defaultApp
	}
	if len(cfg.Listens) == 0 {
		cfg.Listens = []string{defaultListenHost}
		if cfg.Stack == StackGVisor {
			cfg.Listens = []string{defaultListenGVisor}
		}
	}
	rate := cfg.PacketInRate
	if rate == 0 {
		rate = -1 // controller.Config: negative disables the limit
	}
	ls, err := listenAll(nw, cfg.Listens, id, log.With("role", RoleController))
	if err != nil {
		return err
	}
	c := controller.New(controller.Config{Versions: cfg.OF, Logger: log, PacketInRate: rate})
	app, err := apps.New(cfg.App)
	if err != nil {
		return err
	}
	c.Use(app)
	vs := openflow.NewVersionSet(cfg.OF...)
	fmt.Fprintf(stdout, "ofbox controller: listening on %s (app %s, OpenFlow %s)\n",
		strings.Join(addrs(ls), ", "), cfg.App, vs)
	cfg.Ready(RoleController, fmt.Sprintf("listen=%s app=%s of=%s stack=%s%s",
		strings.Join(addrs(ls), ","), cfg.App, join(cfg.OF), cfg.Stack, ipDetail(cfg)))

	var wg sync.WaitGroup
	errc := make(chan error, len(ls))
	for _, l := range ls {
		wg.Go(func() {
			if err := c.Serve(ctx, l); err != nil {
				errc <- err
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	log.Info("controller stopped")
	return nil
}

// ipDetail is the ready line's addresses of a gVisor stack.
func ipDetail(cfg Config) string {
	if cfg.Stack != StackGVisor {
		return ""
	}
	return fmt.Sprintf(" nic=%s ip=%s", cfg.NIC, join(cfg.IP))
}
