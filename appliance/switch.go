package appliance

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ofbox/ofbox/netstack"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// runSwitch runs an OpenFlow switch between cfg.Ports until ctx is done.
func runSwitch(ctx context.Context, cfg Config, nw network, stdout io.Writer, log *slog.Logger) error {
	var targets []string
	for _, c := range cfg.Controllers {
		addr, _ := controllerAddr(c) // validated
		targets = append(targets, addr)
	}
	ls, err := listenAll(nw, cfg.Listens)
	if err != nil {
		return err
	}
	sw := ofswitch.New(ofswitch.Config{DatapathID: cfg.DPID, Versions: cfg.OF, Controllers: targets,
		FailMode: cfg.FailMode, Logger: log, Dial: nw.Dial})
	devs := map[flow.PortNo]*netstack.PacketDevice{}
	for _, p := range cfg.Ports {
		dev, err := netstack.OpenPacket(p.Name, netstack.PacketOptions{})
		if err == nil {
			if err = sw.AddPort(p.No, dev); err != nil {
				dev.Close()
			}
		}
		if err != nil {
			closeAll(ls)
			sw.Datapath().Close()
			return fmt.Errorf("port %s: %w", p, err)
		}
		devs[p.No] = dev
	}
	ports := join(cfg.Ports)
	fmt.Fprintf(stdout, "ofbox switch: ready dpid %#x ports %s controllers [%s] listening [%s] (fail mode %s, OpenFlow %s)\n",
		cfg.DPID, ports, strings.Join(cfg.Controllers, " "), strings.Join(addrs(ls), " "),
		cfg.FailMode, openflow.NewVersionSet(cfg.OF...))
	cfg.Ready(RoleSwitch, fmt.Sprintf("dpid=%#x ports=%s controller=%s listen=%s fail-mode=%s of=%s stack=%s%s",
		cfg.DPID, ports, strings.Join(cfg.Controllers, ","), strings.Join(addrs(ls), ","),
		cfg.FailMode, join(cfg.OF), cfg.Stack, ipDetail(cfg)))

	var wg sync.WaitGroup
	wg.Go(func() { watchLinks(ctx, sw, devs, log) })
	err = sw.Run(ctx, ls...)
	wg.Wait()
	return err
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
