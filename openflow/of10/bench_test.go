package of10

import (
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

func packetInBody(tb testing.TB) []byte {
	tb.Helper()
	m := &PacketIn{BufferID: NoBuffer, TotalLen: 60, InPort: 1, Data: arpFrame}
	b, err := m.AppendBinary(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func BenchmarkDecodePacketIn(b *testing.B) {
	body := packetInBody(b)
	var p PacketIn
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := p.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

func TestPacketInDecodeAllocs(t *testing.T) {
	body := packetInBody(t)
	var p PacketIn
	if err := p.Decode(body); err != nil { // warm p.Data
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if err := p.Decode(body); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("PacketIn.Decode allocs = %v; want 0", allocs)
	}
	if p.InPort != 1 || len(p.Data) != len(arpFrame) {
		t.Errorf("PacketIn.Decode = %+v", p)
	}
}

func BenchmarkEncodeFlowMod(b *testing.B) {
	m := &FlowMod{Match: matchTCP, Command: FlowAdd, Priority: 100, BufferID: NoBuffer, OutPort: PortNone,
		Actions: []Action{ActionSetVLANVID{VLANVID: 10}, ActionOutput{Port: 2}}}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = openflow.Append(buf[:0], 1, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodePacketOut(b *testing.B) {
	m := &PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{ActionOutput{Port: PortFlood}}, Data: arpFrame}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(arpFrame)))
	for b.Loop() {
		var err error
		if buf, err = openflow.Append(buf[:0], 1, m); err != nil {
			b.Fatal(err)
		}
	}
}
