package of13

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		typ  Type
		body string // hex
		want error
		off  int // from the start of the header
	}{
		{"hello short element header", TypeHello, "0001", openflow.ErrTruncated, 8},
		{"hello element length 2", TypeHello, "00010002 00000000", openflow.ErrBadLength, 10},
		{"hello bitmap length 6", TypeHello, "00010006 00000000", openflow.ErrBadLength, 10},
		{"hello element past the end", TypeHello, "00010010 00000000", openflow.ErrTruncated, 8},
		{"hello padding missing", TypeHello, "00010008 00000010 00020005 01", openflow.ErrTruncated, 16},
		{"error short", TypeError, "0001", openflow.ErrTruncated, 10},
		{"error experimenter short", TypeError, "ffff0001 0000", openflow.ErrTruncated, 12},
		{"experimenter short", TypeExperimenter, "00002320 0000", openflow.ErrTruncated, 12},
		{"features_request body", TypeFeaturesRequest, "00", openflow.ErrBadLength, 8},
		{"features_reply short", TypeFeaturesReply, strings.Repeat("00", 23), openflow.ErrTruncated, 31},
		{"features_reply long", TypeFeaturesReply, strings.Repeat("00", 25), openflow.ErrBadLength, 32},
		{"get_config_request body", TypeGetConfigRequest, "0000", openflow.ErrBadLength, 8},
		{"get_config_reply short", TypeGetConfigReply, "0000", openflow.ErrTruncated, 10},
		{"set_config long", TypeSetConfig, "0000008000", openflow.ErrBadLength, 12},
		{"packet_in short", TypePacketIn, "ffffffff 003c 00 00", openflow.ErrTruncated, 16},
		{"packet_in match type 0", TypePacketIn, "ffffffff 003c 00 00 0000000000000000 00000004 00000000 0000", ErrBadMatchType, 24},
		{"packet_in match past the end", TypePacketIn, "ffffffff 003c 00 00 0000000000000000 0001000c 80000004", openflow.ErrTruncated, 24},
		{"packet_in no padding", TypePacketIn, "ffffffff 003c 00 00 0000000000000000 00010004 00000000 00", openflow.ErrTruncated, 33},
		{"flow_removed short", TypeFlowRemoved, strings.Repeat("00", 39), openflow.ErrTruncated, 47},
		{"flow_removed bad match", TypeFlowRemoved, strings.Repeat("00", 40) + "00010003 00000000", openflow.ErrBadLength, 48},
		{"flow_removed trailing bytes", TypeFlowRemoved, strings.Repeat("00", 40) + "00010004 00000000 00", openflow.ErrBadLength, 56},
		{"port_status short", TypePortStatus, strings.Repeat("00", 71), openflow.ErrTruncated, 79},
		{"port_status long", TypePortStatus, strings.Repeat("00", 73), openflow.ErrBadLength, 80},
		{"packet_out short", TypePacketOut, "ffffffff fffffffd 0000", openflow.ErrTruncated, 18},
		{"packet_out actions_len too long", TypePacketOut, "ffffffff fffffffd 0010 000000000000 00000008 00000000", openflow.ErrBadLength, 16},
		{"packet_out bad action", TypePacketOut, "ffffffff fffffffd 0008 000000000000 00000009 00000000", openflow.ErrBadLength, 24},
		{"flow_mod short", TypeFlowMod, strings.Repeat("00", 39), openflow.ErrTruncated, 47},
		{"flow_mod no match", TypeFlowMod, strings.Repeat("00", 40), openflow.ErrTruncated, 48},
		{"flow_mod bad instruction", TypeFlowMod, strings.Repeat("00", 40) + "00010004 00000000 00010004", openflow.ErrTruncated, 56},
		{"group_mod short", TypeGroupMod, "0000 00 00 0000", openflow.ErrTruncated, 14},
		{"group_mod bad bucket", TypeGroupMod, "0000 00 00 00000001 0008", openflow.ErrTruncated, 16},
		{"port_mod short", TypePortMod, strings.Repeat("00", 31), openflow.ErrTruncated, 39},
		{"table_mod long", TypeTableMod, strings.Repeat("00", 9), openflow.ErrBadLength, 16},
		{"barrier_request body", TypeBarrierRequest, "00", openflow.ErrBadLength, 8},
		{"barrier_reply body", TypeBarrierReply, "00", openflow.ErrBadLength, 8},
		{"queue_get_config_request short", TypeQueueGetConfigRequest, "00000001", openflow.ErrTruncated, 12},
		{"queue_get_config_reply short", TypeQueueGetConfigReply, "00000001", openflow.ErrTruncated, 12},
		{"packet_queue short", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0010", openflow.ErrTruncated, 16},
		{"packet_queue length 8", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0008 000000000000", openflow.ErrBadLength, 24},
		{"packet_queue past the end", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0020 000000000000", openflow.ErrTruncated, 16},
		{"queue prop short", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0014 000000000000 00010010", openflow.ErrTruncated, 32},
		{"queue prop length 4", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0018 000000000000 00010004 00000000", openflow.ErrBadLength, 32},
		{"queue prop past the end", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0018 000000000000 00010010 00000000", openflow.ErrTruncated, 32},
		{"min_rate length 24", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0028 000000000000 00010018 00000000" + strings.Repeat("00", 16), openflow.ErrBadLength, 32},
		{"experimenter prop length 8", TypeQueueGetConfigReply, "00000001 00000000 00000001 00000001 0018 000000000000 ffff0008 00000000", openflow.ErrBadLength, 32},
		{"role_request short", TypeRoleRequest, "00000002", openflow.ErrTruncated, 12},
		{"role_reply long", TypeRoleReply, strings.Repeat("00", 17), openflow.ErrBadLength, 24},
		{"get_async_request body", TypeGetAsyncRequest, "00", openflow.ErrBadLength, 8},
		{"get_async_reply short", TypeGetAsyncReply, strings.Repeat("00", 23), openflow.ErrTruncated, 31},
		{"set_async long", TypeSetAsync, strings.Repeat("00", 25), openflow.ErrBadLength, 32},
		{"meter_mod short", TypeMeterMod, "0000 0000", openflow.ErrTruncated, 12},
		{"meter_mod bad band", TypeMeterMod, "0000 0000 00000001 0001 0008 00000000", openflow.ErrTruncated, 16},
	}
	for _, tt := range tests {
		body := mustHex(tt.body)
		h := openflow.Header{Version: openflow.Version13, Type: uint8(tt.typ), Length: uint16(8 + len(body))}
		m, err := Codec.Decode(h, body)
		if m != nil || !errors.Is(err, tt.want) {
			t.Errorf("%s: Decode(%v, %s) = %v, %v; want nil, %v", tt.name, tt.typ, tt.body, m, err, tt.want)
			continue
		}
		var de *openflow.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: Decode(%v, %s) error = %T; want *openflow.DecodeError", tt.name, tt.typ, tt.body, err)
			continue
		}
		if de.Version != openflow.Version13 || de.Type != uint8(tt.typ) || de.Offset != tt.off {
			t.Errorf("%s: Decode(%v, %s) error = %v at version %v type %d offset %d; want version 1.3 type %d offset %d",
				tt.name, tt.typ, tt.body, err, de.Version, de.Type, de.Offset, uint8(tt.typ), tt.off)
		}
	}
}

func TestDecodeBadVersion(t *testing.T) {
	h := openflow.Header{Version: openflow.Version10, Type: uint8(TypeHello), Length: 8}
	m, err := Codec.Decode(h, nil)
	if m != nil || !errors.Is(err, openflow.ErrBadVersion) {
		t.Errorf("Decode(OF1.0 hello) = %v, %v; want nil, %v", m, err, openflow.ErrBadVersion)
	}
	if v := Codec.Version(); v != openflow.Version13 {
		t.Errorf("Codec.Version() = %v; want 1.3", v)
	}
}

func TestDecodeUnknownType(t *testing.T) {
	body := []byte{1, 2, 3}
	h := openflow.Header{Version: openflow.Version13, Type: 30, Length: 11}
	m, err := Codec.Decode(h, body)
	want := &openflow.Unknown{Ver: openflow.Version13, Type: 30, Body: []byte{1, 2, 3}}
	if err != nil || !cmp.Equal(m, openflow.Message(want)) {
		t.Fatalf("Decode(type 30) = %#v, %v; want %#v", m, err, want)
	}
	body[0] = 9
	if m.(*openflow.Unknown).Body[0] != 1 {
		t.Errorf("Decode(type 30) aliases its input")
	}
}

// TestDecodeKeepsUnknown checks the parts of messages kept raw: unknown
// hello elements and queue properties, experimenter queue properties.
func TestDecodeKeepsUnknown(t *testing.T) {
	tests := []struct {
		typ  Type
		body string
		want openflow.Message
	}{
		{TypeHello, "00020005 07000000 00010008 00000010", &Hello{Elements: []HelloElem{
			&HelloElemUnknown{Type: 2, Data: []byte{7}},
			&HelloElemVersionBitmap{Bitmaps: []uint32{0x10}},
		}}},
		{TypeQueueGetConfigReply, "00000002 00000000 00000005 00000002 0030 000000000000" +
			"0003000c 00000000 01020304 ffff0014 00000000 00002320 00000000 aabbccdd", &QueueGetConfigReply{Port: 2, Queues: []PacketQueue{
			{QueueID: 5, Port: 2, Properties: []QueueProp{
				QueuePropUnknown{Type: 3, Data: []byte{1, 2, 3, 4}},
				QueuePropExperimenter{Experimenter: 0x2320, Data: []byte{0xaa, 0xbb, 0xcc, 0xdd}},
			}},
		}}},
	}
	for _, tt := range tests {
		body := mustHex(tt.body)
		m, err := Codec.Decode(openflow.Header{Version: openflow.Version13, Type: uint8(tt.typ)}, body)
		if err != nil {
			t.Errorf("Decode(%v, %s) = %v", tt.typ, tt.body, err)
			continue
		}
		if d := cmp.Diff(tt.want, m, msgCmp); d != "" {
			t.Errorf("Decode(%v, %s) mismatch (-want +got):\n%s", tt.typ, tt.body, d)
		}
		enc, err := m.AppendBinary(nil)
		if err != nil || string(enc) != string(body) {
			t.Errorf("Decode(%v, %s).AppendBinary = %x, %v; want the input", tt.typ, tt.body, enc, err)
		}
	}
}

// TestDecodeOwnsMemory checks that decoded messages do not alias the input.
func TestDecodeOwnsMemory(t *testing.T) {
	for _, v := range vectors {
		raw, err := openflow.Marshal(1, v.msg)
		if err != nil {
			t.Fatal(err)
		}
		_, m, err := openflow.Unmarshal(raw, Codec)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
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

func TestEncodeErrors(t *testing.T) {
	badOXM := OXM{Class: ClassOpenFlowBasic, Field: FieldInPort, Value: []byte{1}}
	manyOutputs := make([]Action, 5000)
	for i := range manyOutputs {
		manyOutputs[i] = ActionOutput{Port: 1}
	}
	tests := []struct {
		name string
		msg  openflow.Message
		want error // nil: any error
	}{
		{"hello nil element", &Hello{Elements: []HelloElem{nil}}, nil},
		{"hello huge bitmap", &Hello{Elements: []HelloElem{&HelloElemVersionBitmap{Bitmaps: make([]uint32, 20000)}}}, openflow.ErrTooLong},
		{"packet_in bad match", &PacketIn{Match: Match{Fields: []OXM{badOXM}}}, nil},
		{"packet_out bad action", &PacketOut{Actions: []Action{ActionSetField{Field: badOXM}}}, nil},
		{"packet_out actions too long", &PacketOut{Actions: manyOutputs[:4200]}, openflow.ErrTooLong},
		{"flow_mod bad match", &FlowMod{Match: Match{Fields: []OXM{badOXM}}}, nil},
		{"flow_mod bad instruction", &FlowMod{Instructions: []Instruction{InstructionApplyActions{Actions: []Action{ActionSetField{Field: badOXM}}}}}, nil},
		{"flow_removed bad match", &FlowRemoved{Match: Match{Fields: []OXM{badOXM}}}, nil},
		{"group_mod bad bucket", &GroupMod{Buckets: []Bucket{{Actions: []Action{ActionSetField{Field: badOXM}}}}}, nil},
		{"meter_mod bad band", &MeterMod{Bands: []MeterBand{nil}}, nil},
		{"queue nil property", &QueueGetConfigReply{Queues: []PacketQueue{{Properties: []QueueProp{nil}}}}, nil},
		{"queue too long", &QueueGetConfigReply{Queues: []PacketQueue{{Properties: []QueueProp{QueuePropExperimenter{Data: make([]byte, 70000)}}}}}, openflow.ErrTooLong},
	}
	for _, tt := range tests {
		b, err := tt.msg.AppendBinary([]byte{0xaa})
		if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%s: AppendBinary = %v; want error %v", tt.name, err, tt.want)
		}
		if _, err := openflow.Marshal(1, tt.msg); err == nil {
			t.Errorf("%s: Marshal succeeded; want an error", tt.name)
		}
		_ = b
	}
}

// TestDecodeErrorCodes: a structure that does not decode is answered with
// its own error type and code (Open vSwitch's choice too), the innermost
// structure's where they nest.
func TestDecodeErrorCodes(t *testing.T) {
	tests := []struct {
		name       string
		typ        Type
		body       string // hex
		etyp, code uint16
	}{
		{"packet_in match type 0: BAD_MATCH/BAD_TYPE", TypePacketIn, "ffffffff 003c 00 00 0000000000000000 00000004 00000000 0000", 4, 0},
		{"flow_removed match length 3: BAD_MATCH/BAD_LEN", TypeFlowRemoved, strings.Repeat("00", 40) + "00010003 00000000", 4, 1},
		{"packet_out action length 9: BAD_ACTION/BAD_LEN", TypePacketOut, "ffffffff fffffffd 0008 000000000000 00000009 00000000", 2, 1},
		{"flow_mod instruction cut: BAD_INSTRUCTION/BAD_LEN", TypeFlowMod, strings.Repeat("00", 40) + "00010004 00000000 00010004", 3, 7},
		{"flow_mod action in an instruction: BAD_ACTION/BAD_LEN", TypeFlowMod, strings.Repeat("00", 40) + "00010004 00000000 00040018 00000000 00000009 00000000 00000000 00000000", 2, 1},
		{"flow_mod unknown action: BAD_ACTION/BAD_TYPE", TypeFlowMod, strings.Repeat("00", 40) + "00010004 00000000 00040010 00000000 00630008 00000000", 2, 0},
		{"group_mod bucket cut: GROUP_MOD_FAILED/BAD_BUCKET", TypeGroupMod, "0000 00 00 00000001 0008", 6, 12},
		{"meter_mod band cut: METER_MOD_FAILED/BAD_BAND", TypeMeterMod, "0000 0000 00000001 0001 0008 00000000", 12, 8},
		{"features_reply short: BAD_REQUEST/BAD_LEN", TypeFeaturesReply, strings.Repeat("00", 23), 1, 6},
	}
	for _, tt := range tests {
		body := mustHex(tt.body)
		h := openflow.Header{Version: openflow.Version13, Type: uint8(tt.typ), Length: uint16(8 + len(body))}
		_, err := Codec.Decode(h, body)
		if err == nil {
			t.Errorf("%s: Decode = nil error", tt.name)
			continue
		}
		if typ, code := openflow.ErrorCodeFor(err); typ != tt.etyp || code != tt.code {
			t.Errorf("%s: ErrorCodeFor(%v) = %s; want %s", tt.name, err,
				openflow.ErrorCodeName(openflow.Version13, typ, code), openflow.ErrorCodeName(openflow.Version13, tt.etyp, tt.code))
		}
	}
}
