package of10

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// TestEncodeErrors checks that encoders refuse what the wire cannot hold
// and leave the buffer as it was.
func TestEncodeErrors(t *testing.T) {
	big := make([]byte, 0x10000)
	tests := []struct {
		name string
		m    openflow.Message
		want error
	}{
		{"vendor action not a multiple of 8", &FlowMod{Actions: []Action{ActionVendor{Vendor: 1, Data: []byte{1, 2, 3}}}}, openflow.ErrBadLength},
		{"unknown action not a multiple of 8", &PacketOut{Actions: []Action{ActionUnknown{Type: 50, Data: []byte{1}}}}, openflow.ErrBadLength},
		{"nil action", &PacketOut{Actions: []Action{nil}}, nil},
		{"action too long", &FlowMod{Actions: []Action{ActionVendor{Data: big}}}, openflow.ErrTooLong},
		{"packet_out actions too long", &PacketOut{Actions: manyActions(0x2000)}, openflow.ErrTooLong},
		{"flow stats actions bad", &FlowStatsReply{Stats: []FlowStats{{Actions: []Action{ActionUnknown{Data: []byte{1}}}}}}, openflow.ErrBadLength},
		{"flow stats too long", &FlowStatsReply{Stats: []FlowStats{{Actions: manyActions(0x2000)}}}, openflow.ErrTooLong},
		{"queue property too long", &QueueGetConfigReply{Queues: []PacketQueue{{Properties: []QueueProp{QueuePropUnknown{Data: big}}}}}, openflow.ErrTooLong},
		{"queue too long", &QueueGetConfigReply{Queues: []PacketQueue{{Properties: []QueueProp{QueuePropUnknown{Data: big[:0x8000]}, QueuePropUnknown{Data: big[:0x8000]}}}}}, openflow.ErrTooLong},
		{"nil queue property", &QueueGetConfigReply{Queues: []PacketQueue{{Properties: []QueueProp{nil}}}}, nil},
	}
	for _, tt := range tests {
		prefix := []byte{1, 2, 3}
		b, err := tt.m.AppendBinary(prefix)
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: AppendBinary = %v; want %v", tt.name, err, tt.want)
		}
		if string(b) != string(prefix) {
			t.Errorf("%s: AppendBinary left %d bytes; want the 3-byte prefix", tt.name, len(b))
		}
	}
}

func manyActions(n int) []Action {
	as := make([]Action, n)
	for i := range as {
		as[i] = ActionOutput{Port: 1}
	}
	return as
}

func TestMessageTypes(t *testing.T) {
	for _, v := range vectors {
		if v.msg.Version() != openflow.Version10 {
			t.Errorf("%s: Version() = %v", v.name, v.msg.Version())
		}
	}
	u := &StatsUnknown{Request: true, Type: 42}
	if u.Version() != openflow.Version10 || u.MsgType() != uint8(TypeStatsRequest) || u.StatsType() != 42 {
		t.Errorf("StatsUnknown = %v %v %v", u.Version(), u.MsgType(), u.StatsType())
	}
	if (&StatsUnknown{}).MsgType() != uint8(TypeStatsReply) {
		t.Errorf("StatsUnknown reply MsgType wrong")
	}
}

func TestMatchAndPortHelpers(t *testing.T) {
	b, err := matchTCP.AppendBinary(nil)
	if err != nil || len(b) != MatchLen {
		t.Fatalf("Match.AppendBinary = %d bytes, %v; want %d", len(b), err, MatchLen)
	}
	m, err := DecodeMatch(b)
	if err != nil || cmpDiff(matchTCP, m) != "" {
		t.Errorf("DecodeMatch = %v, %v; want %v", m, err, matchTCP)
	}
	if _, err := DecodeMatch(b[:39]); !errors.Is(err, openflow.ErrTruncated) {
		t.Errorf("DecodeMatch(39 bytes) = %v; want ErrTruncated", err)
	}
	// Zero and IPv4-mapped addresses encode as IPv4; IPv6 as 0.0.0.0.
	m = Match{NWSrc: netip.MustParseAddr("::ffff:1.2.3.4"), NWDst: netip.MustParseAddr("2001:db8::1")}
	b, _ = m.AppendBinary(nil)
	got, _ := DecodeMatch(b)
	if got.NWSrc != netip.MustParseAddr("1.2.3.4") || got.NWDst != ipv4zero {
		t.Errorf("DecodeMatch(AppendBinary(%v, %v)) = %v, %v", m.NWSrc, m.NWDst, got.NWSrc, got.NWDst)
	}

	long := port1
	long.Name = "a-port-name-longer-than-16"
	pb := AppendPort(nil, &long)
	p, err := DecodePort(pb)
	if err != nil || p.Name != "a-port-name-long" {
		t.Errorf("DecodePort(AppendPort(long name)) = %q, %v; want the name cut to 16 bytes", p.Name, err)
	}
	if _, err := DecodePort(pb[:47]); !errors.Is(err, openflow.ErrTruncated) {
		t.Errorf("DecodePort(47 bytes) = %v; want ErrTruncated", err)
	}
}

func TestActionsRoundTrip(t *testing.T) {
	b, err := AppendActions(nil, allActions)
	if err != nil {
		t.Fatal(err)
	}
	as, err := DecodeActions(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmpDiff(allActions, as); d != "" {
		t.Errorf("DecodeActions(AppendActions(all)) mismatch (-want +got):\n%s", d)
	}
	if as, err := DecodeActions(nil); as != nil || err != nil {
		t.Errorf("DecodeActions(nil) = %v, %v; want nil, nil", as, err)
	}
	_, err = DecodeActions([]byte{0, 0, 0, 4, 0, 0, 0, 0})
	if !errors.Is(err, openflow.ErrBadLength) || err.Error() == "" {
		t.Errorf("DecodeActions(len 4) = %v; want ErrBadLength", err)
	}
}

func TestPacketInDecodeReuse(t *testing.T) {
	var p PacketIn
	if err := p.Decode(packetInBody(t)); err != nil {
		t.Fatal(err)
	}
	short := &PacketIn{InPort: 3, Data: arpFrame[:20]}
	b, _ := short.AppendBinary(nil)
	if err := p.Decode(b); err != nil || p.InPort != 3 || len(p.Data) != 20 {
		t.Errorf("PacketIn.Decode(reuse) = %+v, %v", p, err)
	}
	err := p.Decode(b[:3])
	var de *openflow.DecodeError
	if !errors.As(err, &de) || de.Offset != openflow.HeaderLen+3 || de.Type != uint8(TypePacketIn) {
		t.Errorf("PacketIn.Decode(3 bytes) = %v; want a DecodeError at offset 11", err)
	}
}
