// Package sim runs whole OpenFlow networks in one process: a controller
// with its app, ofbox switches (the real switch role and datapath) and
// hosts that are gVisor TCP/IP stacks, joined by in-memory links, from a
// topology spec with Mininet's shapes (single,N, linear,N,
// tree,DEPTH,FANOUT) or a small file. Nothing needs root, sockets or a
// kernel, so it is also the harness for testing controller apps against
// real switch code:
//
//	n, err := sim.New(ctx, sim.Linear(4), sim.Options{App: myApp})
//	...
//	defer n.Close()
//	if m := n.PingAll(ctx); len(m.Failed()) > 0 { ... }
//
// Switches talk OpenFlow to the controller over in-memory connections.
// Names and addresses follow Mininet's and repeat from run to run: the
// N-th host of the topology has 10.0.0.N/8 and MAC 00:00:00:00:00:N, port
// P of switch S is S-ethP. New returns once every switch has joined
// and holds the flows the app's join handlers sent. The package Example
// tests an app written in its file. `ofbox sim` is this package on the
// command line.
package sim

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/netstack"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// Options configures New. Zero values take defaults.
type Options struct {
	// App is the controller's app; default apps.New(apps.Default).
	App controller.App
	// Versions are the OpenFlow versions the switches and the controller
	// offer; default 1.3 and 1.0.
	Versions []openflow.Version
	// PingTimeout bounds one ping of PingAll; it tries three times. Default 2 s.
	PingTimeout time.Duration
	// Logger receives the controller's and the switches' logs; default none.
	Logger *slog.Logger
}

// Net is a running simulated network.
type Net struct {
	topo     *Topo
	opts     Options
	ctl      *controller.Controller
	hosts    []*Host
	byName   map[string]*Host
	switches map[string]*simSwitch
	cables   map[Link]*cable

	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed sync.Once
}

// Host is a host of the network: a gVisor stack on one link.
type Host struct {
	name  string
	ip    netip.Addr
	mac   [6]byte
	stack *netstack.Stack
}

// Name is the host's name in the topology.
func (h *Host) Name() string { return h.name }

// IP is the host's address (10.0.0.N for host N of the topology).
func (h *Host) IP() netip.Addr { return h.ip }

// MAC is the host's Ethernet address: 00:00:00:00:00:N for host N of the
// topology, as Mininet's --mac gives.
func (h *Host) MAC() net.HardwareAddr { return net.HardwareAddr(h.mac[:]) }

// Ping sends one echo request to dst and returns the round-trip time.
func (h *Host) Ping(ctx context.Context, dst netip.Addr) (time.Duration, error) {
	return h.stack.Ping(ctx, dst)
}

// Dial opens a TCP connection from the host ("tcp", "10.0.0.2:80").
func (h *Host) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	return h.stack.Dial(ctx, network, address)
}

// Listen listens for TCP connections on the host ("tcp", ":80").
func (h *Host) Listen(network, address string) (net.Listener, error) {
	return h.stack.Listen(network, address)
}

// ListenPacket opens a UDP socket on the host ("udp", ":53"; port 0 for
// any).
func (h *Host) ListenPacket(network, address string) (net.PacketConn, error) {
	return h.stack.ListenPacket(network, address)
}

// Stack is the host's gVisor stack.
func (h *Host) Stack() *netstack.Stack { return h.stack }

type simSwitch struct {
	name    string
	index   int // from 1, in the topology's order; also its datapath ID
	sw      *ofswitch.Switch
	passive *memListener // for DumpFlows, as ptcp: is for ovs-ofctl
}

// New builds the network t describes and returns once every switch has
// joined the controller.
func New(ctx context.Context, t *Topo, o Options) (*Net, error) {
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("sim: topology %s: %w", t, err)
	}
	if o.App == nil {
		app, err := apps.New(apps.Default)
		if err != nil {
			return nil, err
		}
		o.App = app
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	rctx, cancel := context.WithCancel(context.Background())
	n := &Net{topo: t, opts: o, byName: map[string]*Host{}, switches: map[string]*simSwitch{},
		cables: map[Link]*cable{}, cancel: cancel}

	n.ctl = controller.New(controller.Config{Versions: o.Versions, Logger: o.Logger})
	var joined atomic.Int64
	allJoined := make(chan struct{})
	n.ctl.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		if joined.Add(1) == int64(len(t.Switches)) {
			close(allJoined)
		}
		return controller.Continue
	})
	n.ctl.Use(o.App)
	ctlListener := newMemListener()
	n.wg.Go(func() { n.ctl.Serve(rctx, ctlListener) })

	for i, name := range t.Switches {
		s := &simSwitch{name: name, index: i + 1, passive: newMemListener()}
		s.sw = ofswitch.New(ofswitch.Config{
			DatapathID:  uint64(i + 1),
			Versions:    o.Versions,
			Controllers: []string{"sim"},
			Dial:        func(ctx context.Context, _, _ string) (net.Conn, error) { return ctlListener.dial(ctx) },
			Logger:      o.Logger,
		})
		n.switches[name] = s
	}
	for i, name := range t.Hosts {
		n.byName[name] = &Host{name: name, ip: hostIP(i), mac: hostMAC(i)}
	}
	ports := map[string]flow.PortNo{}
	for _, l := range t.Links {
		a, b := netstack.Pipe()
		c := &cable{}
		c.up.Store(true)
		n.cables[l] = c
		for _, end := range []struct {
			node string
			dev  *netstack.PipeDevice
		}{{l.A, a}, {l.B, b}} {
			if s, ok := n.switches[end.node]; ok {
				ports[end.node]++
				c.ends = append(c.ends, cableEnd{s, ports[end.node]})
				p := &cablePort{PipeDevice: end.dev, c: c, name: fmt.Sprintf("%s-eth%d", s.name, ports[end.node]),
					hw: portMAC(s.index, ports[end.node])}
				if err := s.sw.AddPort(ports[end.node], p); err != nil {
					n.Close()
					return nil, fmt.Errorf("sim: %s port %d: %w", end.node, ports[end.node], err)
				}
				continue
			}
			h := n.byName[end.node]
			dev := &hostNIC{PipeDevice: end.dev, name: h.name + "-eth0", hw: h.mac}
			st, err := netstack.NewStack(netstack.StackConfig{NICs: []netstack.StackNIC{{
				Device: dev, Addrs: []netip.Prefix{netip.PrefixFrom(h.ip, 8)}}}})
			if err != nil {
				n.Close()
				return nil, fmt.Errorf("sim: host %s: %w", h.name, err)
			}
			h.stack = st
		}
	}
	for _, name := range t.Hosts {
		n.hosts = append(n.hosts, n.byName[name])
	}
	for _, s := range n.switches {
		n.wg.Go(func() { s.sw.Run(rctx, s.passive) })
	}
	select {
	case <-allJoined:
		if err := n.settle(ctx); err != nil {
			n.Close()
			return nil, err
		}
		return n, nil
	case <-ctx.Done():
		n.Close()
		return nil, fmt.Errorf("sim: %d of %d switches joined the controller: %w", joined.Load(), len(t.Switches), ctx.Err())
	}
}

// settle returns once every switch has processed what the app's join
// handlers sent it: in OpenFlow 1.3 a switch drops table misses until the
// app installs its table-miss flow, so a ping sent earlier would be lost
// (and ARP retries after a second). A session runs its join handlers
// before it reads the switch's messages, so the reply to a first barrier
// is read only after the handlers have sent their flows; a second barrier
// then follows those flows on the wire.
func (n *Net) settle(ctx context.Context) error {
	dps := n.ctl.Datapaths()
	errs := make(chan error, len(dps))
	for _, dp := range dps {
		go func() {
			err := dp.Barrier(ctx)
			if err == nil {
				err = dp.Barrier(ctx)
			}
			errs <- err
		}()
	}
	for range dps {
		if err := <-errs; err != nil {
			return fmt.Errorf("sim: waiting for the app's flows: %w", err)
		}
	}
	return nil
}

// hostIP is the address of the i-th host (from 0): 10.0.0.i+1 onwards.
func hostIP(i int) netip.Addr {
	v := uint32(10<<24 + i + 1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// hostMAC is the Ethernet address of the i-th host (from 0):
// 00:00:00:00:00:i+1 onwards, as Mininet's --mac numbers hosts.
func hostMAC(i int) [6]byte {
	v := uint32(i + 1)
	return [6]byte{0, 0, byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

// portMAC is the Ethernet address of port p of switch number sw (from 1):
// locally administered, 02:73 ("s") then the switch and port numbers, so
// it never collides with a host's.
func portMAC(sw int, p flow.PortNo) [6]byte {
	return [6]byte{0x02, 0x73, byte(sw >> 8), byte(sw), byte(p >> 8), byte(p)}
}

// Close stops the switches, the controller and the hosts.
func (n *Net) Close() error {
	n.closed.Do(func() {
		n.cancel()
		n.wg.Wait()
		for _, h := range n.hosts {
			if h.stack != nil {
				h.stack.Close()
			}
		}
		for _, h := range n.byName { // hosts not yet listed when New failed
			if h.stack != nil {
				h.stack.Close()
			}
		}
	})
	return nil
}

// Topo is the network's topology.
func (n *Net) Topo() *Topo { return n.topo }

// Hosts are the hosts in the topology's order.
func (n *Net) Hosts() []*Host { return n.hosts }

// Host returns the host name, or nil.
func (n *Net) Host(name string) *Host { return n.byName[name] }

// Switches are the switches' names in the topology's order.
func (n *Net) Switches() []string { return n.topo.Switches }

// Controller is the network's controller, for its Datapaths and Stats.
func (n *Net) Controller() *controller.Controller { return n.ctl }

// SetLink cuts (up false) or restores the link between nodes a and b:
// frames on it are dropped both ways and the switches at its ends see the
// port's link go down or up (port-status to the controller), as a pulled
// cable would.
func (n *Net) SetLink(a, b string, up bool) error {
	c := n.cables[Link{a, b}]
	if c == nil {
		c = n.cables[Link{b, a}]
	}
	if c == nil {
		return fmt.Errorf("sim: no link %s %s", a, b)
	}
	c.up.Store(up)
	for _, e := range c.ends {
		if err := e.sw.sw.SetLinkUp(e.port, up); err != nil {
			return fmt.Errorf("sim: %s port %d: %w", e.sw.name, e.port, err)
		}
	}
	return nil
}

// DumpFlows returns switch sw's flow table as `ovs-ofctl dump-flows` prints
// it, one flow a line, asked for over OpenFlow as ovs-ofctl asks.
func (n *Net) DumpFlows(ctx context.Context, sw string) ([]string, error) {
	s := n.switches[sw]
	if s == nil {
		return nil, fmt.Errorf("sim: no switch %s", sw)
	}
	nc, err := s.passive.dial(ctx)
	if err != nil {
		return nil, err
	}
	dp, err := controller.Attach(ctx, nc, controller.Config{Versions: n.opts.Versions, Logger: n.opts.Logger})
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", sw, err)
	}
	defer dp.Close()
	reply, err := dp.Request(ctx, flow.NewFlowStatsRequest())
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", sw, err)
	}
	fr, ok := reply.(*flow.FlowStatsReply)
	if !ok {
		return nil, fmt.Errorf("sim: %s answered a flow stats request with %T", sw, reply)
	}
	lines := make([]string, len(fr.Flows))
	for i, f := range fr.Flows {
		lines[i] = f.String()
	}
	return lines, nil
}

// Transfer sends size bytes over TCP from host from to host to and
// returns how long until to had them all.
func (n *Net) Transfer(ctx context.Context, from, to string, size int64) (time.Duration, error) {
	a, b := n.byName[from], n.byName[to]
	if a == nil || b == nil {
		return 0, fmt.Errorf("sim: transfer %s to %s: no such host", from, to)
	}
	return Transfer(ctx, a.stack, b.stack, netip.AddrPortFrom(b.ip, 5001), size)
}

// Transfer sends size bytes over TCP from stack a to a listener on stack b
// at addr and returns how long until b had them all.
func Transfer(ctx context.Context, a, b *netstack.Stack, addr netip.AddrPort, size int64) (time.Duration, error) {
	l, err := b.Listen("tcp", addr.String())
	if err != nil {
		return 0, err
	}
	defer l.Close()
	type result struct {
		at  time.Time
		err error
	}
	got := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- result{err: err}
			return
		}
		defer c.Close()
		m, err := io.Copy(io.Discard, c)
		if err == nil && m != size {
			err = fmt.Errorf("received %d bytes, want %d", m, size)
		}
		got <- result{time.Now(), err}
	}()
	c, err := a.Dial(ctx, "tcp", addr.String())
	if err != nil {
		return 0, err
	}
	start := time.Now()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	_, err = io.CopyN(c, zeros{}, size)
	c.Close()
	if err != nil {
		return 0, err
	}
	select {
	case r := <-got:
		if r.err != nil {
			return 0, r.err
		}
		return r.at.Sub(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// PingAll pings every host from every other, in parallel, each pair up to
// three times, as Mininet's pingall does.
func (n *Net) PingAll(ctx context.Context) *Matrix {
	m := &Matrix{ok: map[[2]string]bool{}}
	for _, h := range n.hosts {
		m.Hosts = append(m.Hosts, h.name)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, a := range n.hosts {
		for _, b := range n.hosts {
			if a == b {
				continue
			}
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				ok := n.ping(ctx, a, b.ip)
				mu.Lock()
				m.ok[[2]string{a.name, b.name}] = ok
				mu.Unlock()
			})
		}
	}
	wg.Wait()
	return m
}

func (n *Net) ping(ctx context.Context, a *Host, dst netip.Addr) bool {
	for range 3 {
		pctx, cancel := context.WithTimeout(ctx, n.opts.PingTimeout)
		_, err := a.Ping(pctx, dst)
		cancel()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
	}
	return false
}

// Matrix is PingAll's result: which host reached which.
type Matrix struct {
	Hosts []string
	ok    map[[2]string]bool
}

// OK reports whether a reached b.
func (m *Matrix) OK(a, b string) bool { return m.ok[[2]string{a, b}] }

// Failed lists the pairs (from, to) that did not reach each other, sorted.
func (m *Matrix) Failed() [][2]string {
	var f [][2]string
	for p, ok := range m.ok {
		if !ok {
			f = append(f, p)
		}
	}
	sort.Slice(f, func(i, j int) bool {
		if f[i][0] != f[j][0] {
			return f[i][0] < f[j][0]
		}
		return f[i][1] < f[j][1]
	})
	return f
}

// String prints the matrix as Mininet's pingall does: a line per host
// with the hosts it reached, X for the others, and the drop rate.
func (m *Matrix) String() string {
	var b strings.Builder
	got := 0
	for _, a := range m.Hosts {
		b.WriteString(a + " ->")
		for _, c := range m.Hosts {
			if a == c {
				continue
			}
			if m.OK(a, c) {
				b.WriteString(" " + c)
				got++
			} else {
				b.WriteString(" X")
			}
		}
		b.WriteByte('\n')
	}
	sent := len(m.ok)
	drop := 0.0
	if sent > 0 {
		drop = 100 * float64(sent-got) / float64(sent)
	}
	fmt.Fprintf(&b, "*** Results: %.0f%% dropped (%d/%d received)\n", drop, got, sent)
	return b.String()
}

// cable is a link whose cut drops every frame both ways.
type cable struct {
	up   atomic.Bool
	ends []cableEnd
}

// cableEnd is a switch port at one end of a cable.
type cableEnd struct {
	sw   *simSwitch
	port flow.PortNo
}

// cablePort is a switch port on a cable, named and addressed after its
// switch and port number as Mininet names them (s1-eth2): while the cable
// is cut, what the switch writes is lost and what it would read is
// discarded.
type cablePort struct {
	*netstack.PipeDevice
	c    *cable
	name string
	hw   [6]byte
}

func (p *cablePort) Name() string    { return p.name }
func (p *cablePort) HWAddr() [6]byte { return p.hw }

func (p *cablePort) Write(bufs [][]byte, offset int) (int, error) {
	if !p.c.up.Load() {
		return len(bufs), nil
	}
	return p.PipeDevice.Write(bufs, offset)
}

func (p *cablePort) Read(bufs [][]byte, sizes []int, offset int) (int, error) {
	for {
		n, err := p.PipeDevice.Read(bufs, sizes, offset)
		if err != nil || p.c.up.Load() {
			return n, err
		}
	}
}

// hostNIC is a host's end of its link, named (h1-eth0) and addressed
// (hostMAC) so that runs and flow tables repeat exactly.
type hostNIC struct {
	*netstack.PipeDevice
	name string
	hw   [6]byte
}

func (d *hostNIC) Name() string    { return d.name }
func (d *hostNIC) HWAddr() [6]byte { return d.hw }

// memListener is an in-memory listener; dial returns one end of a
// net.Pipe and Accept the other.
type memListener struct {
	ch   chan net.Conn
	done chan struct{}
	once sync.Once
}

func newMemListener() *memListener {
	return &memListener{ch: make(chan net.Conn), done: make(chan struct{})}
}

func (l *memListener) dial(ctx context.Context) (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case l.ch <- b:
		return a, nil
	case <-l.done:
	case <-ctx.Done():
	}
	a.Close()
	b.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return nil, net.ErrClosed
}

func (l *memListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *memListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *memListener) Addr() net.Addr { return memAddr{} }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "sim" }
