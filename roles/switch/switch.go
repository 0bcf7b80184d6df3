package ofswitch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// FailMode is what the switch does while no controller is connected.
type FailMode uint8

// The fail modes, as Open vSwitch names them.
const (
	// FailSecure keeps the flows and drops table misses.
	FailSecure FailMode = iota
	// FailStandalone forwards table misses by MAC learning.
	FailStandalone
)

func (m FailMode) String() string {
	if m == FailStandalone {
		return "standalone"
	}
	return "secure"
}

// Reconnect backoff of active connections: Open vSwitch's figures.
const (
	minBackoff = time.Second
	maxBackoff = 8 * time.Second
)

// eventQueue is how many packet-ins, flow-removed and port-status messages
// wait for the connections; beyond it the datapath's packet-ins are dropped
// (and counted) rather than stalling forwarding.
const eventQueue = 1024

// Config configures a Switch. Every field but DatapathID is optional.
type Config struct {
	DatapathID uint64
	// Versions offered in the HELLO; default 1.3 and 1.0.
	Versions []openflow.Version
	// Controllers are the addresses (host:port) of the active connections.
	Controllers []string
	FailMode    FailMode
	// Buffers is datapath.Config.Buffers.
	Buffers int
	// Dial opens active connections; default net.Dialer.DialContext.
	Dial   func(ctx context.Context, network, addr string) (net.Conn, error)
	Logger *slog.Logger
	// Conn is the template of every connection's openflow.Config;
	// Versions and Codecs are filled in.
	Conn openflow.Config
	// Desc is the description reply; defaults name ofbox.
	Desc flow.DescReply
}

// Switch is an OpenFlow switch: a datapath and its controller connections.
type Switch struct {
	cfg    Config
	log    *slog.Logger
	dp     *datapath.Datapath
	events chan flow.Message
	ofcfg  openflow.Config

	mu         sync.Mutex
	conns      map[*conn]struct{}
	controlled int    // handshaken connections from Config.Controllers
	v10        int    // of which speak OpenFlow 1.0
	generation uint64 // master election generation id
	genSet     bool
	missLen    uint16

	running atomic.Bool   // Run has started: port changes are news
	drops   atomic.Uint64 // events lost to a full queue
}

// New returns a switch with an empty datapath. Add ports, then Run.
func New(cfg Config) *Switch {
	if len(cfg.Versions) == 0 {
		cfg.Versions = []openflow.Version{openflow.Version13, openflow.Version10}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Dial == nil {
		var d net.Dialer
		cfg.Dial = d.DialContext
	}
	if cfg.Desc == (flow.DescReply{}) {
		cfg.Desc = flow.DescReply{MfrDesc: "ofbox", HWDesc: "ofbox datapath", SWDesc: "ofbox switch",
			SerialNum: "None", DPDesc: fmt.Sprintf("dpid %016x", cfg.DatapathID)}
	}
	s := &Switch{
		cfg:     cfg,
		log:     cfg.Logger.With("role", "switch", "dpid", fmt.Sprintf("%016x", cfg.DatapathID)),
		events:  make(chan flow.Message, eventQueue),
		conns:   make(map[*conn]struct{}),
		missLen: datapath.DefaultMissSendLen,
	}
	s.ofcfg = cfg.Conn
	s.ofcfg.Versions = cfg.Versions
	s.ofcfg.Codecs = []openflow.Codec{of13.Codec, of10.Codec}
	s.ofcfg.MaxMultipart = -1 // a multipart reply sent to a switch is refused whole, never held
	s.dp = datapath.New(datapath.Config{
		Logger:      s.log,
		Buffers:     cfg.Buffers,
		PacketIn:    func(p *flow.PacketIn) { s.post(p) },
		FlowRemoved: func(r *flow.FlowRemoved) { s.post(r) },
	})
	s.dp.SetMissToController(only10(cfg.Versions))
	s.dp.SetStandalone(cfg.FailMode == FailStandalone)
	return s
}

// only10 reports whether vs offers OpenFlow 1.0 alone.
func only10(vs []openflow.Version) bool {
	for _, v := range vs {
		if v != openflow.Version10 {
			return false
		}
	}
	return true
}

// Datapath returns the switch's datapath.
func (s *Switch) Datapath() *datapath.Datapath { return s.dp }

// AddPort adds dev as port no and tells the connections.
func (s *Switch) AddPort(no flow.PortNo, dev datapath.Port) error {
	if err := s.dp.AddPort(no, dev); err != nil {
		return fmt.Errorf("add port %d: %w", no, err)
	}
	if d, ok := s.port(no); ok && s.running.Load() {
		s.post(&flow.PortStatus{Reason: flow.PortAdd, Desc: d})
	}
	return nil
}

// RemovePort stops port no, closes its device and tells the connections.
// Flows that output to it stay, as in Open vSwitch.
func (s *Switch) RemovePort(no flow.PortNo) error {
	d, ok := s.port(no)
	if err := s.dp.RemovePort(no); err != nil {
		return fmt.Errorf("remove port %d: %w", no, err)
	}
	if ok && s.running.Load() {
		s.post(&flow.PortStatus{Reason: flow.PortDelete, Desc: d})
	}
	return nil
}

// port describes port no.
func (s *Switch) port(no flow.PortNo) (flow.PortDesc, bool) {
	for _, d := range s.dp.Ports() {
		if d.PortNo == no {
			return d, true
		}
	}
	return flow.PortDesc{}, false
}

// post queues an event for the connections without blocking: it runs on
// forwarding goroutines.
func (s *Switch) post(m flow.Message) {
	select {
	case s.events <- m:
	default:
		s.drops.Add(1)
	}
}

// EventDrops returns how many packet-in, flow-removed and port-status
// messages were dropped because the connections could not keep up.
func (s *Switch) EventDrops() uint64 { return s.drops.Load() }

// Run serves the listeners and the controllers until ctx is done, then
// closes every connection and the datapath.
func (s *Switch) Run(ctx context.Context, listeners ...net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.running.Store(true)
	var wg sync.WaitGroup
	wg.Go(func() { s.dp.Run(ctx) })
	wg.Go(func() { s.fanout(ctx) })
	for _, addr := range s.cfg.Controllers {
		wg.Go(func() { s.dialLoop(ctx, addr) })
	}
	for _, l := range listeners {
		wg.Go(func() { s.accept(ctx, l, &wg) })
		context.AfterFunc(ctx, func() { l.Close() })
	}
	s.log.Info("switch started", "controllers", len(s.cfg.Controllers), "listeners", len(listeners),
		"fail_mode", s.cfg.FailMode.String())
	<-ctx.Done()
	wg.Wait()
	err := s.dp.Close()
	s.log.Info("switch stopped")
	return err
}

// accept serves the connections of a passive listener.
func (s *Switch) accept(ctx context.Context, l net.Listener, wg *sync.WaitGroup) {
	for {
		nc, err := l.Accept()
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("accept failed", "addr", l.Addr().String(), "err", err)
			}
			return
		}
		wg.Go(func() { s.serve(ctx, nc, false) })
	}
}

// dialLoop keeps an active connection to addr, reconnecting with backoff.
func (s *Switch) dialLoop(ctx context.Context, addr string) {
	backoff := minBackoff
	for ctx.Err() == nil {
		dctx, cancel := context.WithTimeout(ctx, maxBackoff)
		nc, err := s.cfg.Dial(dctx, "tcp", addr)
		cancel()
		if err == nil {
			start := time.Now()
			s.serve(ctx, nc, true)
			if time.Since(start) > maxBackoff {
				backoff = minBackoff
			}
		} else {
			s.log.Debug("controller unreachable", "addr", addr, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// serve runs one connection to its end.
func (s *Switch) serve(ctx context.Context, nc net.Conn, active bool) {
	oc := openflow.NewConn(nc, s.ofcfg)
	stop := context.AfterFunc(ctx, func() { oc.Close() })
	defer stop()
	defer oc.Close()
	v, err := oc.Handshake(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("handshake failed", "peer", nc.RemoteAddr().String(), "err", err)
		}
		return
	}
	c := newConn(s, oc, v, active)
	s.join(c)
	defer s.leave(c)
	s.log.Info("connection up", "peer", nc.RemoteAddr().String(), "version", v.String(), "active", active)
	err = c.run()
	if ctx.Err() == nil {
		s.log.Info("connection down", "peer", nc.RemoteAddr().String(), "err", err)
	}
}

// join registers c and leaves fail mode when c is a controller.
func (s *Switch) join(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = struct{}{}
	if c.active {
		s.controlled++
		if c.ver == openflow.Version10 {
			s.v10++
		}
	}
	s.updateModesLocked()
}

// leave forgets c and enters fail mode when the last controller is gone.
func (s *Switch) leave(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.active {
		s.controlled--
		if c.ver == openflow.Version10 {
			s.v10--
		}
	}
	s.updateModesLocked()
}

func (s *Switch) updateModesLocked() {
	s.dp.SetStandalone(s.cfg.FailMode == FailStandalone && s.controlled == 0)
	s.dp.SetMissToController(only10(s.cfg.Versions) || s.v10 > 0)
}

// fanout sends the datapath's events to the connections that want them.
func (s *Switch) fanout(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-s.events:
			s.mu.Lock()
			cs := make([]*conn, 0, len(s.conns))
			for c := range s.conns {
				if c.wants(m) {
					cs = append(cs, c)
				}
			}
			s.mu.Unlock()
			for _, c := range cs {
				c.sendEvent(m)
			}
		}
	}
}

// setRole applies a role request from c; it fails with a stale
// generation id.
func (s *Switch) setRole(c *conn, role of13.ControllerRole, gen uint64) (of13.ControllerRole, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if role == of13.RoleMaster || role == of13.RoleSlave {
		if s.genSet && int64(gen-s.generation) < 0 {
			return 0, 0, errStale
		}
		s.generation, s.genSet = gen, true
	}
	if role == of13.RoleMaster {
		for o := range s.conns {
			if o != c && o.getRole() == of13.RoleMaster {
				o.setRole(of13.RoleSlave)
			}
		}
	}
	if role != of13.RoleNoChange {
		c.setRole(role)
	}
	return c.getRole(), s.generation, nil
}

var errStale = errors.New("stale generation id")

// SetLinkUp records the link state of port no, for fast-failover groups
// and the controllers (port-status), when it changed.
func (s *Switch) SetLinkUp(no flow.PortNo, up bool) error {
	d, ok := s.port(no)
	if !ok {
		return fmt.Errorf("set link of port %d: no such port", no)
	}
	state := d.State &^ (flow.LinkDown | flow.Live)
	if up {
		state |= flow.Live
	} else {
		state |= flow.LinkDown
	}
	if state == d.State {
		return nil
	}
	if err := s.dp.SetPortState(no, state); err != nil {
		return fmt.Errorf("set link of port %d: %w", no, err)
	}
	if d, ok := s.port(no); ok {
		s.post(&flow.PortStatus{Reason: flow.PortModify, Desc: d})
	}
	return nil
}
