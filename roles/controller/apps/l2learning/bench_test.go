package l2learning_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/l2learning"
	"github.com/ofbox/ofbox/roles/controller/internal/fakeswitch"
)

// BenchmarkPacketInFlowMod measures the whole controller path of one
// packet-in to a known destination: read, decode, rate limit, dispatch,
// learning, flow mod encode and write. The switch side is hand-written
// frames on a pipe, so that it adds no allocations of its own.
func BenchmarkPacketInFlowMod(b *testing.B) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		b.Run(v.String(), func(b *testing.B) { benchPacketIn(b, v, false) })
	}
}

// BenchmarkPacketInLatency is the same path with one packet-in in flight
// at a time: the round trip from the switch's write to the flow mod read.
func BenchmarkPacketInLatency(b *testing.B) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		b.Run(v.String(), func(b *testing.B) { benchPacketIn(b, v, true) })
	}
}

// TestPacketInAllocs checks that a steady-state packet-in (a learned
// destination) costs the controller no allocation, from the read of the
// frame to the write of the flow mod, over TCP as in production.
func TestPacketInAllocs(t *testing.T) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		t.Run(v.String(), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Skipf("no loopback TCP: %v", err)
			}
			defer ln.Close()
			cc, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			sc, err := ln.Accept()
			if err != nil {
				t.Fatal(err)
			}
			r := newRig(t, v, sc, cc, true)
			one := func() {
				if _, err := r.ss.Write(r.one); err != nil {
					t.Fatal(err)
				}
				<-r.answered
			}
			for range 100 {
				one() // warm up buffers
			}
			if n := testing.AllocsPerRun(1000, one); n != 0 {
				t.Errorf("allocations per packet-in = %v; want 0", n)
			}
		})
	}
}

// rig is a controller with l2learning serving one raw switch that has
// announced macB on port 2, so that packet-ins from A to B are answered
// with flow mods.
type rig struct {
	ss       net.Conn
	one      []byte        // a packet-in A → B with a buffer id
	flowMods atomic.Int64  // flow mods read since the rig was ready
	answered chan struct{} // one per flow mod, if the rig was made with latency
}

// newRig serves cs with a controller running l2learning and drives ss as
// the switch until the controller answers a packet-in with a flow mod.
func newRig(tb testing.TB, v openflow.Version, cs, ss net.Conn, latency bool) *rig {
	ctx, cancel := context.WithCancel(context.Background())
	c := controller.New(controller.Config{EchoInterval: -1, PacketInRate: -1})
	c.Use(l2learning.New(l2learning.Config{}))
	done := make(chan struct{})
	go func() { c.ServeConn(ctx, cs); close(done) }()
	tb.Cleanup(func() { cancel(); ss.Close(); <-done })
	fr, err := fakeswitch.RawHandshake(ss, v, 1)
	if err != nil {
		tb.Fatal(err)
	}
	frame := func(in flow.PortNo, buf uint32, data []byte) []byte {
		pi := &flow.PacketIn{BufferID: buf, TotalLen: uint16(len(data)), Data: data}
		pi.Match.SetInPort(in)
		w, err := pi.Encode(v)
		if err != nil {
			tb.Fatal(err)
		}
		f, err := openflow.Append(nil, 0, w)
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}
	r := &rig{ss: ss, one: frame(1, 7, fakeswitch.Frame(macB, macA)), answered: make(chan struct{}, 16)}
	const flowMod = 14 // OFPT_FLOW_MOD in both versions
	var answer atomic.Bool
	go func() {
		for {
			h, _, err := fr.ReadFrame()
			if err != nil {
				return
			}
			if h.Type == flowMod {
				if answer.Load() {
					r.answered <- struct{}{}
				}
				r.flowMods.Add(1)
			}
		}
	}()
	// B on port 2 says hello, so that A → B is a known destination.
	if _, err := ss.Write(frame(2, flow.NoBuffer, fakeswitch.Frame(openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, macB))); err != nil {
		tb.Fatal(err)
	}
	// The join's flow mods (delete all, and the table miss in 1.3) and
	// one warm-up.
	joinMods := int64(1)
	if v == openflow.Version13 {
		joinMods = 2
	}
	if _, err := ss.Write(r.one); err != nil {
		tb.Fatal(err)
	}
	for r.flowMods.Load() < joinMods+1 {
		time.Sleep(time.Millisecond)
	}
	r.flowMods.Store(0)
	answer.Store(latency)
	return r
}

func benchPacketIn(b *testing.B, v openflow.Version, latency bool) {
	cs, ss := net.Pipe()
	r := newRig(b, v, cs, ss, latency)
	const batch = 32
	var burst []byte
	for range batch {
		burst = append(burst, r.one...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	if latency {
		for range b.N {
			if _, err := ss.Write(r.one); err != nil {
				b.Fatal(err)
			}
			<-r.answered
		}
		return
	}
	sent := 0
	for sent < b.N {
		k := min(batch, b.N-sent)
		if _, err := ss.Write(burst[:k*len(r.one)]); err != nil {
			b.Fatal(err)
		}
		sent += k
	}
	for r.flowMods.Load() < int64(sent) {
		time.Sleep(50 * time.Microsecond)
	}
	b.StopTimer()
}
