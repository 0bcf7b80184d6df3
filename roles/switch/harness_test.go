package ofswitch

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// rig is a switch with two in-memory ports whose far ends are hosts[0]
// and hosts[1], serving a loopback listener.
type rig struct {
	sw    *Switch
	addr  string // the passive listener
	hosts [2]*datapath.MemPort
	rx    [2]chan []byte // frames the hosts received
}

func newRig(t testing.TB, cfg Config) *rig {
	t.Helper()
	if cfg.DatapathID == 0 {
		cfg.DatapathID = 0xabc
	}
	r := &rig{sw: New(cfg)}
	for i := range r.hosts {
		sw, h := datapath.NewMemPipe("s"+string(rune('1'+i)), "h"+string(rune('1'+i)), 1500)
		r.hosts[i] = h
		r.rx[i] = make(chan []byte, 256)
		go hostReader(h, r.rx[i])
		if err := r.sw.AddPort(flow.PortNo(i+1), sw); err != nil {
			t.Fatalf("AddPort(%d) = %v", i+1, err)
		}
		t.Cleanup(func() { h.Close() })
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.sw.Run(ctx, l)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return r
}

// ctl is the controller side of one connection.
type ctl struct {
	t  testing.TB
	oc *openflow.Conn
	v  openflow.Version
}

func dial(t testing.TB, addr string, vs ...openflow.Version) *ctl {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return handshake(t, nc, vs...)
}

func handshake(t testing.TB, nc net.Conn, vs ...openflow.Version) *ctl {
	t.Helper()
	oc := openflow.NewConn(nc, openflow.Config{Versions: vs, Codecs: []openflow.Codec{of13.Codec, of10.Codec}, EchoInterval: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := oc.Handshake(ctx)
	if err != nil {
		t.Fatalf("Handshake = %v", err)
	}
	t.Cleanup(func() { oc.Close() })
	c := &ctl{t: t, oc: oc, v: v}
	c.barrier() // the switch has registered the connection
	return c
}

// send sends m and returns its xid.
func (c *ctl) send(m openflow.Message) uint32 {
	c.t.Helper()
	xid, err := c.oc.Send(m)
	if err != nil {
		c.t.Fatalf("Send(%T) = %v", m, err)
	}
	return xid
}

// sendModel sends a model message in the connection's version.
func (c *ctl) sendModel(x flow.Message) uint32 {
	c.t.Helper()
	w, err := x.Encode(c.v)
	if err != nil {
		c.t.Fatalf("Encode(%v) = %v", c.v, err)
	}
	return c.send(w)
}

// reply waits for the message answering xid, skipping others.
func (c *ctl) reply(xid uint32) openflow.Message {
	c.t.Helper()
	for {
		h, m := c.read()
		if h.Xid == xid {
			return m
		}
	}
}

// request sends m and waits for its answer.
func (c *ctl) request(m openflow.Message) openflow.Message {
	c.t.Helper()
	return c.reply(c.send(m))
}

func (c *ctl) read() (openflow.Header, openflow.Message) {
	c.t.Helper()
	type res struct {
		h   openflow.Header
		m   openflow.Message
		err error
	}
	ch := make(chan res, 1)
	go func() {
		h, m, err := c.oc.Read()
		ch <- res{h, m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatalf("Read = %v", r.err)
		}
		return r.h, r.m
	case <-time.After(5 * time.Second):
		c.t.Fatal("Read: no message in 5s")
	}
	panic("unreachable")
}

// barrier sends a barrier and waits for its reply: everything before it
// took effect (or failed).
func (c *ctl) barrier() {
	c.t.Helper()
	var m openflow.Message = &of13.BarrierRequest{}
	if c.v == openflow.Version10 {
		m = &of10.BarrierRequest{}
	}
	c.request(m)
}

// flowMod sends the flow mod in ovs-ofctl syntax.
func (c *ctl) flowMod(s string) uint32 {
	c.t.Helper()
	fm, err := flow.ParseFlowMod(s)
	if err != nil {
		c.t.Fatalf("ParseFlowMod(%q) = %v", s, err)
	}
	return c.sendModel(fm)
}

// frame builds an IPv4 Ethernet frame from src to dst with a marker byte.
func frame(src, dst byte, mark byte) []byte {
	f := make([]byte, 60)
	copy(f, []byte{0x02, 0, 0, 0, 0, dst, 0x02, 0, 0, 0, 0, src, 0x08, 0x00})
	ip := f[14:]
	ip[0], ip[3], ip[8], ip[9] = 0x45, 46, 64, 17
	copy(ip[12:], []byte{10, 0, 0, src, 10, 0, 0, dst})
	f[59] = mark
	return f
}

// inject writes f into the switch from host i.
func (r *rig) inject(t *testing.T, i int, f []byte) {
	t.Helper()
	if n, err := r.hosts[i].Write([][]byte{f}, 0); n != 1 || err != nil {
		t.Fatalf("host %d Write = %d, %v", i, n, err)
	}
}

// receive waits up to d for a frame at host i; nil when none came.
func (r *rig) receive(t *testing.T, i int, d time.Duration) []byte {
	t.Helper()
	select {
	case f := <-r.rx[i]:
		return f
	case <-time.After(d):
		return nil
	}
}

// expectFrame checks that want arrives at host i.
func (r *rig) expectFrame(t *testing.T, i int, want []byte) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		got := r.receive(t, i, time.Until(deadline))
		if bytes.Equal(got, want) {
			return
		}
	}
	t.Fatalf("host %d: frame % x never arrived", i, want[:16])
}

// hostReader passes the frames h reads to ch until h closes.
func hostReader(h *datapath.MemPort, ch chan<- []byte) {
	for {
		bufs := [][]byte{make([]byte, 2048)}
		sizes := []int{0}
		n, err := h.Read(bufs, sizes, 0)
		if err != nil {
			return
		}
		if n > 0 {
			select {
			case ch <- bufs[0][:sizes[0]]:
			default:
			}
		}
	}
}

// testLogger logs to t.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}
