package of13

import (
	"path/filepath"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

func vectorBody(tb testing.TB, name string) []byte {
	raw, _, err := readVector(filepath.Join("testdata", name+".hex"))
	if err != nil {
		tb.Fatal(err)
	}
	return raw[openflow.HeaderLen:]
}

func TestPacketInDecodeAllocs(t *testing.T) {
	for _, name := range []string{"packet_in", "packet_in_action_buffered"} {
		body := vectorBody(t, name)
		var p PacketIn
		if err := p.Decode(body); err != nil {
			t.Fatalf("PacketIn.Decode(%s) = %v", name, err)
		}
		allocs := testing.AllocsPerRun(100, func() {
			if err := p.Decode(body); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("PacketIn.Decode(%s) into a warm value: %v allocations; want 0", name, allocs)
		}
	}
}

func BenchmarkDecodePacketIn(b *testing.B) {
	body := vectorBody(b, "packet_in_action_buffered")
	var p PacketIn
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := p.Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeFlowMod(b *testing.B) {
	var m openflow.Message
	for _, v := range vectors {
		if v.name == "flow_mod_add" {
			m = v.msg
		}
	}
	buf, err := openflow.Append(nil, 1, m)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if buf, err = openflow.Append(buf[:0], 1, m); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodePacketOut(b *testing.B) {
	m := &PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{ActionOutput{Port: 2}}, Data: arpFrame}
	buf, err := openflow.Append(nil, 1, m)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if buf, err = openflow.Append(buf[:0], 1, m); err != nil {
			b.Fatal(err)
		}
	}
}
