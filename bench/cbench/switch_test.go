package cbench

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

var versions = []openflow.Version{openflow.Version10, openflow.Version13}

// TestHandshake plays a controller (openflow.Conn) against a fake switch
// over net.Pipe: HELLO, FEATURES_REQUEST, and for 1.3 a port-desc request
// sent on features, which the switch answers before its handshake ends.
func TestHandshake(t *testing.T) {
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			cs, ss := net.Pipe()
			defer cs.Close()
			defer ss.Close()
			sw, err := newFakeSwitch(ss, v, 6, 10)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				done <- sw.handshake(ctx)
				// Then answer requests as the run loops do: a controller's
				// join may continue after the handshake ends.
				for {
					h, body, err := sw.fr.ReadFrame()
					if err != nil {
						return
					}
					if out, err := sw.resp.reply(h, body); err == nil && out != nil {
						_, _ = ss.Write(out)
					}
				}
			}()

			c := openflow.NewConn(cs, openflow.Config{Versions: []openflow.Version{v}, Codecs: []openflow.Codec{of10.Codec, of13.Codec}})
			defer c.Close()
			if got, err := c.Handshake(ctx); err != nil || got != v {
				t.Fatalf("controller Handshake() = %s, %v; want %s", got, err, v)
			}
			if v == openflow.Version10 {
				mustSend(t, c, &of10.FeaturesRequest{})
				fr := mustRead[*of10.FeaturesReply](t, c)
				if fr.DatapathID != 7 || len(fr.Ports) != NumPorts || fr.Ports[NumPorts-1].PortNo != NumPorts {
					t.Errorf("features reply = %+v; want dpid 7 and ports 1..%d", fr, NumPorts)
				}
			} else {
				mustSend(t, c, &of13.FeaturesRequest{})
				fr := mustRead[*of13.FeaturesReply](t, c)
				if fr.DatapathID != 7 {
					t.Errorf("features reply dpid = %d; want 7", fr.DatapathID)
				}
				mustSend(t, c, &of13.PortDescRequest{})
				pd := mustRead[*of13.PortDescReply](t, c)
				if len(pd.Ports) != NumPorts || pd.Ports[0].PortNo != 1 {
					t.Errorf("port desc reply = %+v; want ports 1..%d", pd, NumPorts)
				}
			}
			if err := <-done; err != nil {
				t.Fatalf("switch handshake() = %v; want nil", err)
			}
		})
	}
}

func mustSend(t *testing.T, c *openflow.Conn, m openflow.Message) {
	t.Helper()
	if _, err := c.Send(m); err != nil {
		t.Fatalf("Send(%T) error: %v", m, err)
	}
	if err := c.Flush(context.Background()); err != nil {
		t.Fatalf("Flush error: %v", err)
	}
}

func mustRead[M openflow.Message](t *testing.T, c *openflow.Conn) M {
	t.Helper()
	_, m, err := c.Read()
	if err != nil {
		t.Fatalf("Read() error: %v", err)
	}
	got, ok := m.(M)
	if !ok {
		t.Fatalf("Read() = %T; want %T", m, got)
	}
	return got
}

func TestHandshakeIncompatible(t *testing.T) {
	cs, ss := net.Pipe()
	defer cs.Close()
	defer ss.Close()
	sw, err := newFakeSwitch(ss, openflow.Version13, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		fr := openflow.NewFrameReader(cs)
		_, _, _ = fr.ReadFrame()
		hello, _ := openflow.AppendHello(nil, 1, openflow.Version10)
		_, _ = cs.Write(hello)
		_, _, _ = fr.ReadFrame() // drain whatever else the switch says
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sw.handshake(ctx); err == nil {
		t.Errorf("handshake() with a 1.0-only controller = nil; want an error")
	}
}

// TestReply checks each request a fake switch answers by decoding the
// answer.
func TestReply(t *testing.T) {
	stats10 := func(k of10.StatsType) []byte { return append(binary.BigEndian.AppendUint16(nil, uint16(k)), 0, 0) }
	mp13 := func(k of13.MultipartType) []byte {
		return append(binary.BigEndian.AppendUint16(nil, uint16(k)), 0, 0, 0, 0, 0, 0)
	}
	tests := []struct {
		v    openflow.Version
		typ  uint8
		body []byte
		want func(m openflow.Message) bool
	}{
		{openflow.Version10, typeEchoRequest, []byte("hi"), func(m openflow.Message) bool {
			e, ok := m.(*of10.EchoReply)
			return ok && string(e.Data) == "hi"
		}},
		{openflow.Version13, typeEchoRequest, []byte("hi"), func(m openflow.Message) bool {
			e, ok := m.(*of13.EchoReply)
			return ok && string(e.Data) == "hi"
		}},
		{openflow.Version10, typeGetConfigReq, nil, func(m openflow.Message) bool {
			_, ok := m.(*of10.GetConfigReply)
			return ok
		}},
		{openflow.Version13, typeGetConfigReq, nil, func(m openflow.Message) bool {
			_, ok := m.(*of13.GetConfigReply)
			return ok
		}},
		{openflow.Version10, uint8(of10.TypeBarrierRequest), nil, func(m openflow.Message) bool {
			_, ok := m.(*of10.BarrierReply)
			return ok
		}},
		{openflow.Version13, uint8(of13.TypeBarrierRequest), nil, func(m openflow.Message) bool {
			_, ok := m.(*of13.BarrierReply)
			return ok
		}},
		{openflow.Version10, uint8(of10.TypeStatsRequest), stats10(of10.StatsDesc), func(m openflow.Message) bool {
			d, ok := m.(*of10.DescStatsReply)
			return ok && d.MfrDesc == mfrDesc
		}},
		{openflow.Version10, uint8(of10.TypeStatsRequest), append(stats10(of10.StatsFlow), make([]byte, 44)...), func(m openflow.Message) bool {
			f, ok := m.(*of10.FlowStatsReply)
			return ok && len(f.Stats) == 0
		}},
		{openflow.Version10, uint8(of10.TypeStatsRequest), append(stats10(of10.StatsAggregate), make([]byte, 44)...), func(m openflow.Message) bool {
			_, ok := m.(*of10.AggregateStatsReply)
			return ok
		}},
		{openflow.Version13, uint8(of13.TypeMultipartRequest), mp13(of13.MultipartDesc), func(m openflow.Message) bool {
			d, ok := m.(*of13.DescReply)
			return ok && d.MfrDesc == mfrDesc
		}},
		{openflow.Version13, uint8(of13.TypeMultipartRequest), mp13(of13.MultipartPortDesc), func(m openflow.Message) bool {
			p, ok := m.(*of13.PortDescReply)
			return ok && len(p.Ports) == NumPorts
		}},
		{openflow.Version13, uint8(of13.TypeMultipartRequest), append(mp13(of13.MultipartAggregate), make([]byte, 40)...), func(m openflow.Message) bool {
			_, ok := m.(*of13.AggregateStatsReply)
			return ok
		}},
		{openflow.Version13, uint8(of13.TypeMultipartRequest), mp13(of13.MultipartTable), func(m openflow.Message) bool {
			ts, ok := m.(*of13.TableStatsReply)
			return ok && len(ts.Stats) == 0
		}},
		{openflow.Version13, uint8(of13.TypeRoleRequest), make([]byte, 16), func(m openflow.Message) bool {
			_, ok := m.(*of13.RoleReply)
			return ok
		}},
	}
	for _, tt := range tests {
		r := responder{version: tt.v, dpid: 1}
		h := openflow.Header{Version: tt.v, Type: tt.typ, Length: uint16(openflow.HeaderLen + len(tt.body)), Xid: 42}
		b, err := r.reply(h, tt.body)
		if err != nil || b == nil {
			t.Errorf("reply(%s) = %x, %v; want a reply", openflow.TypeName(tt.v, tt.typ), b, err)
			continue
		}
		rh, m, err := openflow.Unmarshal(b, of10.Codec, of13.Codec)
		if err != nil || rh.Xid != 42 || !tt.want(m) {
			t.Errorf("reply(%s) decodes to %v %#v, %v; want the reply with xid 42", openflow.TypeName(tt.v, tt.typ), rh, m, err)
		}
	}
}

func TestCompletes(t *testing.T) {
	marshal := func(m openflow.Message) (openflow.Header, []byte) {
		b, err := openflow.Marshal(9, m)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := openflow.DecodeHeader(b)
		return h, b[openflow.HeaderLen:]
	}
	tests := []struct {
		name string
		m    openflow.Message
		want bool
	}{
		{"of10 flow_mod with the buffer", &of10.FlowMod{BufferID: 5}, true},
		{"of10 flow_mod with another buffer", &of10.FlowMod{BufferID: 4}, false},
		{"of10 flow_mod without buffer", &of10.FlowMod{BufferID: of10.NoBuffer}, false},
		{"of10 packet_out with the buffer", &of10.PacketOut{BufferID: 5}, true},
		{"of10 packet_out with data", &of10.PacketOut{BufferID: of10.NoBuffer, Data: []byte{1}}, true},
		{"of13 flow_mod with the buffer", &of13.FlowMod{BufferID: 5}, true},
		{"of13 table-miss flow_mod", &of13.FlowMod{BufferID: of13.NoBuffer}, false},
		{"of13 packet_out with the buffer", &of13.PacketOut{BufferID: 5}, true},
		{"of13 packet_out with another buffer", &of13.PacketOut{BufferID: 6}, false},
	}
	for _, tt := range tests {
		h, body := marshal(tt.m)
		if got := completes(h.Version, h, body, 5); got != tt.want {
			t.Errorf("completes(%s, want buffer 5) = %v; want %v", tt.name, got, tt.want)
		}
	}
}
