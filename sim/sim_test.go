package sim

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps"
)

func TestParseTopo(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ring.topo")
	os.WriteFile(file, []byte("# two switches\nswitch a\nswitch b\nhost x  # on a\nhost y\nlink x a\nlink a b\nlink b y\n"), 0o644)
	for _, c := range []struct {
		spec     string
		switches []string
		hosts    []string
		links    []Link
	}{
		{"single,3", []string{"s1"}, []string{"h1", "h2", "h3"}, []Link{{"h1", "s1"}, {"h2", "s1"}, {"h3", "s1"}}},
		{"linear,3", []string{"s1", "s2", "s3"}, []string{"h1", "h2", "h3"},
			[]Link{{"h1", "s1"}, {"h2", "s2"}, {"s1", "s2"}, {"h3", "s3"}, {"s2", "s3"}}},
		// Mininet numbers a tree depth first: s1 the root, s2 and s3 its
		// children, h1 h2 under s2, h3 h4 under s3.
		{"tree,2,2", []string{"s1", "s2", "s3"}, []string{"h1", "h2", "h3", "h4"},
			[]Link{{"s2", "h1"}, {"s2", "h2"}, {"s1", "s2"}, {"s3", "h3"}, {"s3", "h4"}, {"s1", "s3"}}},
		{file, []string{"a", "b"}, []string{"x", "y"}, []Link{{"x", "a"}, {"a", "b"}, {"b", "y"}}},
	} {
		tp, err := ParseTopo(c.spec)
		if err != nil {
			t.Errorf("ParseTopo(%q): %v", c.spec, err)
			continue
		}
		if diff := cmp.Diff(c.switches, tp.Switches); diff != "" {
			t.Errorf("ParseTopo(%q) switches (-want +got):\n%s", c.spec, diff)
		}
		if diff := cmp.Diff(c.hosts, tp.Hosts); diff != "" {
			t.Errorf("ParseTopo(%q) hosts (-want +got):\n%s", c.spec, diff)
		}
		if diff := cmp.Diff(c.links, tp.Links); diff != "" {
			t.Errorf("ParseTopo(%q) links (-want +got):\n%s", c.spec, diff)
		}
		if tp.String() != c.spec {
			t.Errorf("ParseTopo(%q).String() = %q", c.spec, tp.String())
		}
	}
	if tp, err := ParseTopo("tree,2,3"); err != nil || len(tp.Switches) != 4 || len(tp.Hosts) != 9 {
		t.Errorf("tree,2,3: %v, %v; want 4 switches and 9 hosts", tp, err)
	}

	bad := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	for _, c := range []struct{ spec, want string }{
		{"single", "single wants 1 numbers"},
		{"single,0", `"0" is not a number of 1 or more`},
		{"linear,x", `"x" is not a number of 1 or more`},
		{"tree,2", "tree wants 2 numbers"},
		{"tree,11,2", "more than 1024 hosts"},
		{"single,2000", "2000 hosts; at most 1024"},
		{"linear,300", "300 switches; at most 256"},
		{"mesh,3", `unknown shape "mesh"`},
		{filepath.Join(dir, "missing"), "no such file"},
		{bad("verb", "switch s1\nrouter r1\n"), `verb:2: "router r1": want`},
		{bad("dangling", "switch s1\nhost h1\nlink h1 s9\n"), "link h1 s9: no node s9"},
		{bad("twohosts", "switch s1\nhost h1\nhost h2\nlink h1 h2\n"), "hosts link to switches"},
		{bad("lonely", "switch s1\nhost h1\n"), "host h1 has 0 links"},
		{bad("dup", "switch s1\nswitch s1\n"), "node s1 named twice"},
		{bad("nosw", "host h1\n"), "no switches"},
	} {
		_, err := ParseTopo(c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseTopo(%q) = %v; want an error with %q", c.spec, err, c.want)
		}
		if err != nil && !strings.Contains(c.spec, string(os.PathSeparator)) && !strings.Contains(err.Error(), "want single,N") &&
			!strings.Contains(err.Error(), "at most") && !strings.Contains(err.Error(), "more than") {
			t.Errorf("ParseTopo(%q) = %v; want it to name the accepted forms", c.spec, err)
		}
	}
}

func newNet(t testing.TB, spec string, o Options) *Net {
	t.Helper()
	tp, err := ParseTopo(spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := New(ctx, tp, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// TestPingAll: every host reaches every other on Mininet's shapes with
// both shipped apps and both OpenFlow versions.
func TestPingAll(t *testing.T) {
	for _, spec := range []string{"single,4", "linear,4", "tree,2,3"} {
		for _, app := range apps.Names() {
			for _, v := range []openflow.Version{openflow.Version13, openflow.Version10} {
				t.Run(fmt.Sprintf("%s/%s/%s", spec, app, v), func(t *testing.T) {
					t.Parallel() // each network is its own, nothing shared
					a, err := apps.New(app)
					if err != nil {
						t.Fatal(err)
					}
					n := newNet(t, spec, Options{App: a, Versions: []openflow.Version{v}})
					ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
					defer cancel()
					m := n.PingAll(ctx)
					if f := m.Failed(); len(f) > 0 {
						t.Errorf("pairs that failed: %v\n%s", f, m)
					}
					if want := len(n.Hosts()) * (len(n.Hosts()) - 1); !strings.Contains(m.String(), fmt.Sprintf("0%% dropped (%d/%d received)", want, want)) {
						t.Errorf("matrix:\n%s", m)
					}
					for _, dp := range n.Controller().Datapaths() {
						if dp.Version() != v {
							t.Errorf("%v speaks %s; want %s", dp, dp.Version(), v)
						}
					}
				})
			}
		}
	}
}

// TestAddresses: hosts and switch ports get Mininet's names and fixed
// addresses, the same in every network of a process, so flow tables and
// transcripts repeat.
func TestAddresses(t *testing.T) {
	for range 2 { // a second network numbers exactly as the first
		n := newNet(t, "linear,2", Options{})
		var got []string
		for _, h := range n.Hosts() {
			got = append(got, fmt.Sprintf("%s %s %s", h.Name(), h.IP(), h.MAC()))
		}
		want := []string{"h1 10.0.0.1 00:00:00:00:00:01", "h2 10.0.0.2 00:00:00:00:00:02"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("hosts (-want +got):\n%s", diff)
		}
		if n.Host("h2") != n.Hosts()[1] || n.Host("h9") != nil {
			t.Errorf("Host(h2) = %v, Host(h9) = %v; want h2 and nil", n.Host("h2"), n.Host("h9"))
		}
		got = nil
		for _, dp := range n.Controller().Datapaths() {
			for _, p := range dp.Ports() {
				if p.PortNo <= flow.PortMax {
					got = append(got, fmt.Sprintf("%d %d %s %s", dp.ID(), p.PortNo, p.Name, p.HWAddr))
				}
			}
		}
		slices.Sort(got)
		// linear,2's links in order: h1-s1, h2-s2, s1-s2.
		want = []string{"1 1 s1-eth1 02:73:00:01:00:01", "1 2 s1-eth2 02:73:00:01:00:02",
			"2 1 s2-eth1 02:73:00:02:00:01", "2 2 s2-eth2 02:73:00:02:00:02"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("switch ports (-want +got):\n%s", diff)
		}
		n.Close()
	}
}

// TestHostConns: a host's Dial and Listen carry TCP and UDP to another
// host through the switches.
func TestHostConns(t *testing.T) {
	n := newNet(t, "linear,3", Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h1, h3 := n.Host("h1"), n.Host("h3")

	l, err := h3.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() { // echo one connection
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		io.Copy(c, c)
	}()
	c, err := h1.Dial(ctx, "tcp", "10.0.0.3:7")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
		t.Errorf("tcp echo from h3 = %q, %v; want hello", buf, err)
	}
	if got := c.RemoteAddr().String(); got != "10.0.0.3:7" {
		t.Errorf("tcp peer %s; want 10.0.0.3:7", got)
	}

	u1, err := h1.ListenPacket("udp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer u1.Close()
	u3, err := h3.ListenPacket("udp4", "10.0.0.3:53")
	if err != nil {
		t.Fatal(err)
	}
	defer u3.Close()
	u3.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := u1.WriteTo([]byte("query"), &net.UDPAddr{IP: net.IPv4(10, 0, 0, 3), Port: 53}); err != nil {
		t.Fatal(err)
	}
	m, from, err := u3.ReadFrom(buf)
	if err != nil || string(buf[:m]) != "query" || !strings.HasPrefix(from.String(), "10.0.0.1:") {
		t.Errorf("udp at h3: %q from %v, %v; want query from 10.0.0.1", buf[:m], from, err)
	}
	if _, err := h1.Dial(ctx, "udp", "10.0.0.3:53"); err == nil {
		t.Error("Dial(udp) worked; Dial is TCP only, ListenPacket is UDP")
	}
	if _, err := h1.Ping(ctx, n.Host("h2").IP()); err != nil {
		t.Errorf("h1 ping h2: %v", err)
	}
	if _, err := n.Transfer(ctx, "h1", "h9", 1); err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Errorf("Transfer(h1, h9) = %v; want no such host", err)
	}
}

// TestLinkCut: cutting s2-s3 of linear,4 fails exactly the pairs across
// the cut, tells the controller (port-status), and restoring it heals all.
func TestLinkCut(t *testing.T) {
	n := newNet(t, "linear,4", Options{PingTimeout: time.Second})
	var down atomic.Int64
	n.Controller().OnPortStatus(func(dp *controller.Datapath, ps *flow.PortStatus) controller.Verdict {
		if ps.Desc.State&flow.LinkDown != 0 {
			down.Add(1)
		}
		return controller.Continue
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if f := n.PingAll(ctx).Failed(); len(f) > 0 {
		t.Fatalf("before the cut: %v failed", f)
	}
	if err := n.SetLink("s2", "s3", false); err != nil {
		t.Fatal(err)
	}
	m := n.PingAll(ctx)
	var want [][2]string
	for _, a := range []string{"h1", "h2"} {
		for _, b := range []string{"h3", "h4"} {
			want = append(want, [2]string{a, b}, [2]string{b, a})
		}
	}
	got := m.Failed()
	if diff := cmp.Diff(sortPairs(want), got); diff != "" {
		t.Errorf("failed pairs with s2-s3 cut (-want +got):\n%s\n%s", diff, m)
	}
	for deadline := time.Now().Add(5 * time.Second); down.Load() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if down.Load() != 2 {
		t.Errorf("%d link-down port-status messages; want 2 (s2's and s3's port)", down.Load())
	}
	if err := n.SetLink("s3", "s2", true); err != nil {
		t.Fatal(err)
	}
	if f := n.PingAll(ctx).Failed(); len(f) > 0 {
		t.Errorf("after the repair: %v failed", f)
	}
	if err := n.SetLink("h1", "h4", false); err == nil || !strings.Contains(err.Error(), "no link h1 h4") {
		t.Errorf("SetLink(h1, h4) = %v; want no such link", err)
	}
}

func sortPairs(p [][2]string) [][2]string {
	m := &Matrix{ok: map[[2]string]bool{}}
	for _, x := range p {
		m.ok[x] = false
	}
	return m.Failed()
}

// floodApp is a controller app written here, as a user would write one:
// it installs one proactive flood flow on every switch and counts what it
// sees.
type floodApp struct {
	joins, packetIns atomic.Int64
}

func (a *floodApp) Register(c *controller.Controller) {
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		a.joins.Add(1)
		fm, err := flow.ParseFlowMod("priority=5,actions=FLOOD")
		if err == nil {
			err = dp.Send(fm)
		}
		if err != nil {
			panic(err)
		}
		return controller.Stop
	})
	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict {
		a.packetIns.Add(1)
		return controller.Stop
	})
}

// slowJoinApp installs its flows from a join handler that takes its time.
type slowJoinApp struct{ flows int }

func (a slowJoinApp) Register(c *controller.Controller) {
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		time.Sleep(50 * time.Millisecond)
		for i := range a.flows {
			fm, err := flow.ParseFlowMod(fmt.Sprintf("priority=%d,actions=FLOOD", 100+i))
			if err != nil {
				panic(err)
			}
			dp.Send(fm)
		}
		return controller.Continue
	})
}

// TestNewWaitsForJoinFlows: New returns only once the switches hold what
// the app's join handlers sent (an OpenFlow 1.3 switch drops misses until
// the table-miss flow is in), so the first ping finds the flows in place.
func TestNewWaitsForJoinFlows(t *testing.T) {
	n := newNet(t, "linear,2", Options{App: slowJoinApp{flows: 20}, Versions: []openflow.Version{openflow.Version13}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, sw := range n.Switches() {
		flows, err := n.DumpFlows(ctx, sw)
		if err != nil {
			t.Fatal(err)
		}
		if len(flows) != 20 {
			t.Errorf("%s holds %d flows as New returns; want the app's 20", sw, len(flows))
		}
	}
}

func TestCustomApp(t *testing.T) {
	app := &floodApp{}
	n := newNet(t, "tree,2,2", Options{App: app})
	if got := app.joins.Load(); got != 3 {
		t.Errorf("the app saw %d joins; want 3", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if f := n.PingAll(ctx).Failed(); len(f) > 0 {
		t.Errorf("pairs that failed: %v", f)
	}
	if got := app.packetIns.Load(); got != 0 {
		t.Errorf("%d packet-ins; the flood flow should have taken every packet", got)
	}
	flows, err := n.DumpFlows(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if len(flows) != 1 || !strings.Contains(flows[0], "priority=5 actions=FLOOD") || strings.Contains(flows[0], "n_packets=0,") {
		t.Errorf("s1's flows: %q; want the one flood flow, with packets", flows)
	}
	if _, err := n.DumpFlows(ctx, "s9"); err == nil {
		t.Error("DumpFlows(s9) found a switch")
	}
	d, err := n.Transfer(ctx, "h1", "h4", 1<<20)
	if err != nil || d <= 0 {
		t.Errorf("Transfer(h1, h4) = %v, %v", d, err)
	}
}

// TestCloseLeavesNothing: a network's goroutines end with Close.
func TestCloseLeavesNothing(t *testing.T) {
	before := runtime.NumGoroutine()
	tp, _ := ParseTopo("linear,3")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := New(ctx, tp, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := n.PingAll(ctx).Failed(); len(f) > 0 {
		t.Errorf("pairs that failed: %v", f)
	}
	if _, err := n.DumpFlows(ctx, "s2"); err != nil { // its session ends too
		t.Error(err)
	}
	n.Close()
	n.Close() // twice is fine
	var now int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if now = runtime.NumGoroutine(); now <= before {
			return
		}
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines before New, %d after Close:\n%s", before, now, buf[:runtime.Stack(buf, true)])
}

// BenchmarkSimPingAll: one pingall per iteration on a network built once,
// OpenFlow 1.3, with l2learning and with the app written in this file
// (floodApp), per topology. `make bench` reports it.
func BenchmarkSimPingAll(b *testing.B) {
	for _, spec := range []string{"single,4", "linear,4", "tree,2,3"} {
		for _, app := range []string{"l2learning", "floodApp"} {
			b.Run(spec+"/"+app, func(b *testing.B) {
				var a controller.App = &floodApp{}
				if app != "floodApp" {
					a, _ = apps.New(app)
				}
				n := newNet(b, spec, Options{App: a, Versions: []openflow.Version{openflow.Version13}})
				ctx := context.Background()
				for b.Loop() {
					if f := n.PingAll(ctx).Failed(); len(f) > 0 {
						b.Fatalf("pairs that failed: %v", f)
					}
				}
			})
		}
	}
}

// BenchmarkSimCold: build the network, pingall and close it, per
// iteration: the time a test of an app pays per topology.
func BenchmarkSimCold(b *testing.B) {
	for _, spec := range []string{"single,4", "linear,4", "tree,2,3"} {
		b.Run(spec+"/floodApp", func(b *testing.B) {
			tp, err := ParseTopo(spec)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				n, err := New(ctx, tp, Options{App: &floodApp{}, Versions: []openflow.Version{openflow.Version13}})
				if err != nil {
					b.Fatal(err)
				}
				if f := n.PingAll(ctx).Failed(); len(f) > 0 {
					b.Fatalf("pairs that failed: %v", f)
				}
				n.Close()
			}
		})
	}
}
