// Package l2learning is a learning switch controller app, the default of
// ofbox controller: per datapath it learns which port each source MAC
// address lives behind, installs a flow for every destination it knows
// (match in_port, eth_src and eth_dst; idle timeout) and floods the rest.
// It behaves the same on OpenFlow 1.0 and 1.3.
package l2learning

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
)

// Defaults of Config.
const (
	DefaultIdleTimeout = 60
	DefaultPriority    = 1
	DefaultMaxMACs     = 1 << 16
)

// Config configures the app; the zero value is usable.
type Config struct {
	IdleTimeout uint16 // seconds a learned flow lives unused; default 60
	HardTimeout uint16 // seconds a learned flow lives at most; default 0, none
	Priority    uint16 // of the learned flows; default 1, above the table miss
	MaxMACs     int    // per datapath; a full table is forgotten; default 65536
}

// App is the learning switch.
type App struct {
	cfg   Config
	state controller.Slot[table]
}

// table is one datapath's learned addresses and scratch messages.
type table struct {
	macs map[openflow.EthAddr]flow.PortNo
	// out caches the instructions and actions that output to one port, so
	// that steady-state packet-ins build their messages without
	// allocating.
	out map[flow.PortNo]outputs
	fm  flow.FlowMod
	po  flow.PacketOut
}

type outputs struct {
	actions []flow.Action
	is      []flow.Instruction
}

// New returns the app with cfg.
func New(cfg Config) *App {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Priority == 0 {
		cfg.Priority = DefaultPriority
	}
	if cfg.MaxMACs <= 0 {
		cfg.MaxMACs = DefaultMaxMACs
	}
	return &App{cfg: cfg, state: controller.NewSlot[table]()}
}

// Register registers the app's handlers on c.
func (a *App) Register(c *controller.Controller) {
	c.OnJoin(a.Join)
	c.OnPacketIn(a.PacketIn)
}

// Join clears the datapath's flows and installs the table miss.
func (a *App) Join(dp *controller.Datapath) controller.Verdict {
	_ = controller.ResetFlows(dp, flow.ControllerMaxLenNoBuffer)
	return controller.Continue
}

// PacketIn learns the source and forwards the packet.
func (a *App) PacketIn(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
	if len(pi.Data) < 14 {
		return controller.Continue
	}
	var dst, src openflow.EthAddr
	copy(dst[:], pi.Data[0:6])
	copy(src[:], pi.Data[6:12])
	in := pi.InPort()
	t := a.state.Get(dp)
	if t.macs == nil {
		t.macs = make(map[openflow.EthAddr]flow.PortNo)
		t.out = make(map[flow.PortNo]outputs)
	}
	if src[0]&1 == 0 { // a unicast source
		if _, ok := t.macs[src]; !ok && len(t.macs) >= a.cfg.MaxMACs {
			clear(t.macs)
		}
		t.macs[src] = in
	}
	out, known := flow.PortFlood, false
	if dst[0]&1 == 0 {
		out, known = t.macs[dst]
		if !known {
			out = flow.PortFlood
		}
	}
	if known && out == in {
		// Never send a packet back where it came from: drop it.
		if pi.BufferID == flow.NoBuffer {
			return controller.Continue
		}
		// Release the switch's buffer with an empty packet-out.
		t.po = flow.PacketOut{BufferID: pi.BufferID, InPort: in}
		_ = dp.Send(&t.po)
		return controller.Continue
	}
	o := t.output(out)
	if known {
		t.fm = flow.FlowMod{
			Command: flow.Add, Priority: a.cfg.Priority, IdleTimeout: a.cfg.IdleTimeout, HardTimeout: a.cfg.HardTimeout,
			BufferID: pi.BufferID, OutPort: flow.PortAny, OutGroup: flow.GroupAny, Instructions: o.is,
		}
		t.fm.Match.SetInPort(in)
		t.fm.Match.SetEthSrc(src, exact)
		t.fm.Match.SetEthDst(dst, exact)
		_ = dp.Send(&t.fm)
		if pi.BufferID != flow.NoBuffer {
			return controller.Continue // the flow mod released the buffered packet
		}
	}
	t.po = flow.PacketOut{BufferID: pi.BufferID, InPort: in, Actions: o.actions}
	if pi.BufferID == flow.NoBuffer {
		t.po.Data = pi.Data
	}
	_ = dp.Send(&t.po)
	return controller.Continue
}

var exact = openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// output returns the cached actions that output to port p.
func (t *table) output(p flow.PortNo) outputs {
	if o, ok := t.out[p]; ok {
		return o
	}
	as := []flow.Action{flow.Output{Port: p}}
	o := outputs{actions: as, is: []flow.Instruction{flow.ApplyActions{Actions: as}}}
	t.out[p] = o
	return o
}
