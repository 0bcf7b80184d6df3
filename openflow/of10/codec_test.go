package of10

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func zeros(n int) string { return strings.Repeat("00", n) }

// TestDecodeErrors feeds malformed bodies to Codec and checks the sentinel
// and the offset (from the header start) of each error.
func TestDecodeErrors(t *testing.T) {
	const (
		req = "0000" // desc request type, stats flags follow
	)
	tests := []struct {
		name string
		typ  Type
		body string
		want error
		off  int
	}{
		{"error short", TypeError, "0001", openflow.ErrTruncated, 10},
		{"vendor short", TypeVendor, "000023", openflow.ErrTruncated, 8},
		{"features_request body", TypeFeaturesRequest, "00", openflow.ErrBadLength, 8},
		{"features_reply short", TypeFeaturesReply, zeros(10), openflow.ErrTruncated, 16},
		{"features_reply partial port", TypeFeaturesReply, zeros(24 + 10), openflow.ErrBadLength, 32},
		{"get_config_request body", TypeGetConfigRequest, "00", openflow.ErrBadLength, 8},
		{"get_config_reply short", TypeGetConfigReply, "000000", openflow.ErrTruncated, 11},
		{"set_config long", TypeSetConfig, "0000000000", openflow.ErrBadLength, 12},
		{"packet_in short", TypePacketIn, zeros(9), openflow.ErrTruncated, 17},
		{"flow_removed short", TypeFlowRemoved, zeros(79), openflow.ErrTruncated, 87},
		{"flow_removed long", TypeFlowRemoved, zeros(81), openflow.ErrBadLength, 88},
		{"port_status short", TypePortStatus, zeros(10), openflow.ErrTruncated, 18},
		{"packet_out short", TypePacketOut, zeros(7), openflow.ErrTruncated, 14},
		{"packet_out actions_len", TypePacketOut, "ffffffff ffff 0010" + zeros(8), openflow.ErrBadLength, 14},
		{"packet_out action len 4", TypePacketOut, "ffffffff ffff 0008 0000 0004 00000000", openflow.ErrBadLength, 18},
		{"packet_out action truncated", TypePacketOut, "ffffffff ffff 0004 0000 0008", openflow.ErrTruncated, 16},
		{"flow_mod short", TypeFlowMod, zeros(63), openflow.ErrTruncated, 70},
		{"flow_mod action truncated", TypeFlowMod, zeros(64) + "00000008", openflow.ErrTruncated, 72},
		{"flow_mod action len 12", TypeFlowMod, zeros(64) + "0000000c" + zeros(8), openflow.ErrBadLength, 74},
		{"flow_mod output len 16", TypeFlowMod, zeros(64) + "00000010" + zeros(12), openflow.ErrBadLength, 74},
		{"flow_mod action past end", TypeFlowMod, zeros(64) + "ffff0018" + zeros(12), openflow.ErrBadLength, 74},
		{"flow_mod second action bad", TypeFlowMod, zeros(64) + "00000008 00010000" + "00030000", openflow.ErrTruncated, 80},
		{"port_mod short", TypePortMod, zeros(23), openflow.ErrTruncated, 31},
		{"stats_request short", TypeStatsRequest, "0000 00", openflow.ErrTruncated, 10},
		{"stats desc request body", TypeStatsRequest, req + "0000 00", openflow.ErrBadLength, 12},
		{"stats flow request short", TypeStatsRequest, "0001 0000" + zeros(43), openflow.ErrTruncated, 55},
		{"stats aggregate request long", TypeStatsRequest, "0002 0000" + zeros(45), openflow.ErrBadLength, 56},
		{"stats table request body", TypeStatsRequest, "0003 0000 00", openflow.ErrBadLength, 12},
		{"stats port request short", TypeStatsRequest, "0004 0000" + zeros(7), openflow.ErrTruncated, 19},
		{"stats queue request short", TypeStatsRequest, "0005 0000" + zeros(7), openflow.ErrTruncated, 19},
		{"stats vendor request short", TypeStatsRequest, "ffff 0000 000023", openflow.ErrTruncated, 15},
		{"stats_reply short", TypeStatsReply, "00", openflow.ErrTruncated, 8},
		{"stats desc reply short", TypeStatsReply, "0000 0000" + zeros(100), openflow.ErrTruncated, 112},
		{"stats flow reply entry short", TypeStatsReply, "0001 0000" + zeros(87), openflow.ErrTruncated, 12},
		{"stats flow reply entry len", TypeStatsReply, "0001 0000 0040" + zeros(86), openflow.ErrBadLength, 12},
		{"stats flow reply entry past end", TypeStatsReply, "0001 0000 0060" + zeros(86), openflow.ErrBadLength, 12},
		{"stats flow reply bad action", TypeStatsReply, "0001 0000 0060" + zeros(86) + "0000 0010" + zeros(4), openflow.ErrBadLength, 102},
		{"stats aggregate reply short", TypeStatsReply, "0002 0000" + zeros(23), openflow.ErrTruncated, 35},
		{"stats table reply partial", TypeStatsReply, "0003 0000" + zeros(65), openflow.ErrBadLength, 76},
		{"stats port reply partial", TypeStatsReply, "0004 0000" + zeros(103), openflow.ErrBadLength, 12},
		{"stats queue reply partial", TypeStatsReply, "0005 0000" + zeros(33), openflow.ErrBadLength, 44},
		{"stats vendor reply short", TypeStatsReply, "ffff 0000 00", openflow.ErrTruncated, 13},
		{"barrier_request body", TypeBarrierRequest, "00", openflow.ErrBadLength, 8},
		{"barrier_reply body", TypeBarrierReply, "00", openflow.ErrBadLength, 8},
		{"queue_get_config_request short", TypeQueueGetConfigRequest, "0001", openflow.ErrTruncated, 10},
		{"queue_get_config_reply short", TypeQueueGetConfigReply, zeros(7), openflow.ErrTruncated, 10},
		{"queue truncated", TypeQueueGetConfigReply, zeros(8) + "00000001 0008", openflow.ErrTruncated, 16},
		{"queue len short", TypeQueueGetConfigReply, zeros(8) + "00000001 0004 0000", openflow.ErrBadLength, 20},
		{"queue len past end", TypeQueueGetConfigReply, zeros(8) + "00000001 0018 0000" + zeros(8), openflow.ErrBadLength, 20},
		{"queue prop truncated", TypeQueueGetConfigReply, zeros(8) + "00000001 000c 0000 00010010", openflow.ErrTruncated, 24},
		{"queue prop len short", TypeQueueGetConfigReply, zeros(8) + "00000001 0010 0000 0001 0004 00000000", openflow.ErrBadLength, 26},
		{"queue prop past end", TypeQueueGetConfigReply, zeros(8) + "00000001 0010 0000 0001 0010 00000000", openflow.ErrBadLength, 26},
		{"queue min_rate len 8", TypeQueueGetConfigReply, zeros(8) + "00000001 0010 0000 0001 0008 00000000", openflow.ErrBadLength, 26},
	}
	for _, tt := range tests {
		body := mustHex(t, tt.body)
		m, err := Codec.Decode(openflow.Header{Version: openflow.Version10, Type: uint8(tt.typ)}, body)
		if m != nil {
			t.Errorf("%s: Decode(%s, %x) = %T; want nil", tt.name, tt.typ, body, m)
		}
		var de *openflow.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: Decode(%s, %x) error = %v; want *openflow.DecodeError", tt.name, tt.typ, body, err)
			continue
		}
		if !errors.Is(err, tt.want) || de.Offset != tt.off || de.Type != uint8(tt.typ) || de.Version != openflow.Version10 {
			t.Errorf("%s: Decode(%s, %x) = %v (offset %d); want %v at offset %d", tt.name, tt.typ, body, err, de.Offset, tt.want, tt.off)
		}
	}
}

func TestDecodeBadVersion(t *testing.T) {
	m, err := Codec.Decode(openflow.Header{Version: openflow.Version13, Type: 0}, nil)
	if m != nil || !errors.Is(err, openflow.ErrBadVersion) {
		t.Errorf("Decode(OF1.3 hello) = %v, %v; want nil, ErrBadVersion", m, err)
	}
	if Codec.Version() != openflow.Version10 {
		t.Errorf("Codec.Version() = %v; want 1.0", Codec.Version())
	}
}

// TestDecodeRaw checks the kinds that keep what they do not interpret.
func TestDecodeRaw(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		body string
		want openflow.Message
	}{
		{"unknown type", 22, "0102", &openflow.Unknown{Ver: openflow.Version10, Type: 22, Body: []byte{1, 2}}},
		{"unknown stats request", TypeStatsRequest, "0007 0001 aabb", &StatsUnknown{Request: true, Type: 7, Flags: StatsReplyMore, Body: []byte{0xaa, 0xbb}}},
		{"unknown stats reply", TypeStatsReply, "0007 0000", &StatsUnknown{Type: 7}},
		{"unknown action", TypeFlowMod, zeros(64) + "0063 0010 0102030405060708 090a0b0c", &FlowMod{
			Match:   Match{NWSrc: ipv4zero, NWDst: ipv4zero},
			Actions: []Action{ActionUnknown{Type: 0x63, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}},
		}},
		{"vendor action", TypePacketOut, "ffffffff fffd 0010 ffff 0010 00002320 0001000300000000", &PacketOut{
			BufferID: NoBuffer, InPort: PortController,
			Actions: []Action{ActionVendor{Vendor: 0x2320, Data: []byte{0, 1, 0, 3, 0, 0, 0, 0}}},
		}},
		{"unknown queue property", TypeQueueGetConfigReply, zeros(8) + "00000001 0018 0000 0002 0010 00000000 01f4 000000000000", &QueueGetConfigReply{
			Queues: []PacketQueue{{QueueID: 1, Properties: []QueueProp{QueuePropUnknown{Type: 2, Data: []byte{1, 0xf4, 0, 0, 0, 0, 0, 0}}}}},
		}},
	}
	for _, tt := range tests {
		body := mustHex(t, tt.body)
		m, err := Codec.Decode(openflow.Header{Version: openflow.Version10, Type: uint8(tt.typ)}, body)
		if err != nil {
			t.Errorf("%s: Decode(%x) = %v", tt.name, body, err)
			continue
		}
		if d := cmpDiff(tt.want, m); d != "" {
			t.Errorf("%s: Decode(%x) mismatch (-want +got):\n%s", tt.name, body, d)
		}
		enc, err := m.AppendBinary(nil)
		if err != nil || hex.EncodeToString(enc) != hex.EncodeToString(body) {
			t.Errorf("%s: AppendBinary = %x, %v; want %x", tt.name, enc, err, body)
		}
	}
}

// TestDecodeOwnsMemory checks that decoded messages do not alias the input.
func TestDecodeOwnsMemory(t *testing.T) {
	for _, v := range vectors {
		raw, err := openflow.Marshal(v.xid, v.msg)
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := openflow.Unmarshal(raw, Codec)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := m.AppendBinary(nil)
		for i := range raw {
			raw[i] ^= 0xff
		}
		after, _ := m.AppendBinary(nil)
		if string(before) != string(after) {
			t.Errorf("%s: decoded message changed with its input", v.name)
		}
	}
}
