package cbench

import (
	"testing"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// decoded is what a test reads back from one packet-in.
type decoded struct {
	xid, bufferID, inPort uint32
	totalLen              uint16
	data                  []byte
}

func decodePacketIn(t *testing.T, v openflow.Version, b []byte) decoded {
	t.Helper()
	h, m, err := openflow.Unmarshal(b, of10.Codec, of13.Codec)
	if err != nil {
		t.Fatalf("Unmarshal(packet-in) error: %v", err)
	}
	if h.Version != v || int(h.Length) != len(b) {
		t.Fatalf("packet-in header = %v; want version %s, length %d", h, v, len(b))
	}
	switch pi := m.(type) {
	case *of10.PacketIn:
		return decoded{h.Xid, pi.BufferID, uint32(pi.InPort), pi.TotalLen, pi.Data}
	case *of13.PacketIn:
		in, ok := pi.Match.Get(of13.OXMInPort(0).Field)
		if !ok || len(pi.Match.Fields) != 1 {
			t.Fatalf("packet-in match = %v; want in_port only", pi.Match)
		}
		if pi.Reason != of13.PacketInNoMatch || pi.TableID != 0 {
			t.Errorf("packet-in reason, table = %v, %d; want no_match, 0", pi.Reason, pi.TableID)
		}
		return decoded{h.Xid, pi.BufferID, uint32(in.Uint()), pi.TotalLen, pi.Data}
	}
	t.Fatalf("Unmarshal(packet-in) = %T; want a packet-in", m)
	return decoded{}
}

func TestPacketIns(t *testing.T) {
	tests := []struct {
		v        openflow.Version
		sw, macs int
	}{
		{openflow.Version10, 0, 3},
		{openflow.Version13, 0, 3},
		{openflow.Version10, 300, 1000},
		{openflow.Version13, 65535, 1 << 24},
	}
	for _, tt := range tests {
		p, err := NewPacketIns(tt.v, tt.sw, tt.macs)
		if err != nil {
			t.Fatalf("NewPacketIns(%s, %d, %d) error: %v", tt.v, tt.sw, tt.macs, err)
		}
		var b []byte
		for n := range 2*tt.macs%7 + 7 { // wraps around the MAC set when it is small
			b = p.Append(b[:0])
			if len(b) != p.Len() {
				t.Fatalf("Append: %d bytes; want Len() = %d", len(b), p.Len())
			}
			got := decodePacketIn(t, tt.v, b)
			i := n % tt.macs
			want := Frame(tt.sw, i, tt.macs)
			if got.xid != uint32(n+1) || got.bufferID != uint32(n+1) || p.BufferID() != got.bufferID {
				t.Errorf("%s packet-in %d: xid, buffer id = %d, %d; want %d, %d", tt.v, n, got.xid, got.bufferID, n+1, n+1)
			}
			if got.inPort != uint32(Port(i)) || got.totalLen != FrameLen {
				t.Errorf("%s packet-in %d: in_port, total_len = %d, %d; want %d, %d", tt.v, n, got.inPort, got.totalLen, Port(i), FrameLen)
			}
			if string(got.data) != string(want) {
				t.Errorf("%s packet-in %d: data = % x; want % x", tt.v, n, got.data, want)
			}
			src, dst := MAC(tt.sw, i), MAC(tt.sw, (i+1)%tt.macs)
			if string(got.data[6:12]) != string(src[:]) || string(got.data[0:6]) != string(dst[:]) {
				t.Errorf("%s packet-in %d: src, dst = % x, % x; want % x, % x", tt.v, n, got.data[6:12], got.data[:6], src, dst)
			}
		}
	}
}

func TestFrameChecksum(t *testing.T) {
	f := Frame(1, 2, 3)
	if c := ipChecksum(f[14:34]); c != 0 {
		t.Errorf("ipChecksum(header with its checksum) = %#x; want 0", c)
	}
}

func TestNewPacketInsErrors(t *testing.T) {
	tests := []struct {
		v        openflow.Version
		sw, macs int
	}{
		{openflow.Version(2), 0, 10},
		{openflow.Version10, -1, 10},
		{openflow.Version10, 1 << 16, 10},
		{openflow.Version13, 0, 0},
		{openflow.Version13, 0, 1<<24 + 1},
	}
	for _, tt := range tests {
		if _, err := NewPacketIns(tt.v, tt.sw, tt.macs); err == nil {
			t.Errorf("NewPacketIns(%s, %d, %d) = nil error; want one", tt.v, tt.sw, tt.macs)
		}
	}
}

func TestPacketInsAppendAllocs(t *testing.T) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		p, err := NewPacketIns(v, 1, 1000)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 0, batchLen*p.Len())
		if n := testing.AllocsPerRun(100, func() {
			b = b[:0]
			for range batchLen {
				b = p.Append(b)
			}
		}); n != 0 {
			t.Errorf("%s: Append allocs = %v; want 0", v, n)
		}
	}
}

func BenchmarkPacketInsAppend(b *testing.B) {
	for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
		b.Run(v.String(), func(b *testing.B) {
			p, err := NewPacketIns(v, 1, 1000)
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, p.Len())
			b.ReportAllocs()
			b.SetBytes(int64(p.Len()))
			for b.Loop() {
				buf = p.Append(buf[:0])
			}
		})
	}
}

func BenchmarkCompletes(b *testing.B) {
	p, err := NewPacketIns(openflow.Version13, 1, 1000)
	if err != nil {
		b.Fatal(err)
	}
	p.Append(nil)
	fm, err := openflow.Marshal(1, &of13.FlowMod{BufferID: p.BufferID()})
	if err != nil {
		b.Fatal(err)
	}
	h, _ := openflow.DecodeHeader(fm)
	b.ReportAllocs()
	for b.Loop() {
		if !completes(openflow.Version13, h, fm[openflow.HeaderLen:], p.BufferID()) {
			b.Fatal("completes = false")
		}
	}
}
