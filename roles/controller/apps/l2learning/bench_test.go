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

func benchPacketIn(b *testing.B, v openflow.Version, latency bool) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := controller.New(controller.Config{EchoInterval: -1, PacketInRate: -1})
	c.Use(l2learning.New(l2learning.Config{}))
	cs, ss := net.Pipe()
	done := make(chan struct{})
	go func() { c.ServeConn(ctx, cs); close(done) }()
	defer func() { cancel(); <-done }()
	fr, err := fakeswitch.RawHandshake(ss, v, 1)
	if err != nil {
		b.Fatal(err)
	}
	frame := func(in flow.PortNo, buf uint32, data []byte) []byte {
		pi := &flow.PacketIn{BufferID: buf, TotalLen: uint16(len(data)), Data: data}
		pi.Match.SetInPort(in)
		w, err := pi.Encode(v)
		if err != nil {
			b.Fatal(err)
		}
		f, err := openflow.Append(nil, 0, w)
		if err != nil {
			b.Fatal(err)
		}
		return f
	}
	// B on port 2 says hello, so that A → B is a known destination.
	learn := frame(2, flow.NoBuffer, fakeswitch.Frame(openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, macB))
	const batch = 32
	one := frame(1, 7, fakeswitch.Frame(macB, macA))
	var burst []byte
	for range batch {
		burst = append(burst, one...)
	}
	const flowMod = 14 // OFPT_FLOW_MOD in both versions
	var flowMods atomic.Int64
	answered := make(chan struct{}, 16)
	go func() {
		for {
			h, _, err := fr.ReadFrame()
			if err != nil {
				return
			}
			if h.Type == flowMod {
				if latency {
					answered <- struct{}{}
				}
				flowMods.Add(1)
			}
		}
	}()
	if _, err := ss.Write(learn); err != nil {
		b.Fatal(err)
	}
	// The join's two flow mods (delete all, table miss) and one warm-up.
	joinMods := int64(1)
	if v == openflow.Version13 {
		joinMods = 2
	}
	if _, err := ss.Write(one); err != nil {
		b.Fatal(err)
	}
	for flowMods.Load() < joinMods+1 {
		time.Sleep(time.Millisecond)
	}
	flowMods.Store(0)
	for len(answered) > 0 {
		<-answered
	}
	b.ReportAllocs()
	b.ResetTimer()
	if latency {
		for range b.N {
			if _, err := ss.Write(one); err != nil {
				b.Fatal(err)
			}
			<-answered
		}
		return
	}
	sent := 0
	for sent < b.N {
		k := min(batch, b.N-sent)
		if _, err := ss.Write(burst[:k*len(one)]); err != nil {
			b.Fatal(err)
		}
		sent += k
	}
	for flowMods.Load() < int64(sent) {
		time.Sleep(50 * time.Microsecond)
	}
	b.StopTimer()
}
