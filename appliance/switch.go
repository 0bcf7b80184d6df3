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
func runSwitch(ctx context.Context, cfg Config, nw network, id *tlsIdentity, stdout io.Writer, log *slog.Logger) error {
	var targets []string
	secure := map[string]bool{}
	for _, c := range cfg.Controllers {
		e, _ := controllerAddr(c) // validated
		targets = append(targets, e.addr)
		secure[e.addr] = e.tls
	}
	dial, tlsLog := nw.Dial, log.With("role", RoleSwitch)
	if id != nil {
		dial = tlsDialer(nw.Dial, id, secure, tlsLog)
	}
	ls, err := listenAll(nw, cfg.Listens, id, tlsLog)
	if err != nil {
		return err
	}
	sw := ofswitch.New(ofswitch.Config{DatapathID: cfg.DPID, Versions: cfg.OF, Controllers: targets,
		FailMode: cfg.FailMode, Logger: log, Dial: dial})
	devs := map[flow.PortNo]*netstack.PacketDevice{}
	opened := openPorts(cfg.Ports)
	for i, p := range cfg.Ports {
		dev, err := opened[i].dev, opened[i].err
		if err == nil {
			if err = sw.AddPort(p.No, dev); err != nil {
				dev.Close()
			}
		}
		if err != nil {
			for _, o := range opened[i+1:] {
				if o.dev != nil {
					o.dev.Close()
				}
			}
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

// openedPort is one port's OpenPacket result.
type openedPort struct {
	dev *netstack.PacketDevice
	err error
}

// openPorts opens the ports' AF_PACKET devices all at once: setting up a
// receive ring waits out an RCU grace period in the kernel, tens of ms at
// boot, and in parallel the waits overlap.
func openPorts(ports []Port) []openedPort {
	out := make([]openedPort, len(ports))
	var wg sync.WaitGroup
	for i, p := range ports {
		wg.Go(func() { out[i].dev, out[i].err = netstack.OpenPacket(p.Name, netstack.PacketOptions{}) })
	}
	wg.Wait()
	return out
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
