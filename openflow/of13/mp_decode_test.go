package of13

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
)

// mpBody returns a multipart body (after ofp_header) of kind t with the
// body given in hex (whitespace ignored).
func mpBody(t MultipartType, body string) []byte {
	return append(appendMPHeader(nil, t, 0), mustHex(body)...)
}

// rep repeats a hex string n times.
func rep(s string, n int) string { return strings.Repeat(s, n) }

// Offsets in the errors below count from the start of the header: the
// multipart body starts at 16.
func TestMultipartDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		msg  uint8 // mpRequest or mpReply
		body []byte
		want error
		off  int
	}{
		{"short multipart header", mpRequest, mustHex("0000 0000"), openflow.ErrTruncated, 12},
		{"desc request with a body", mpRequest, mpBody(MultipartDesc, "00000000"), openflow.ErrBadLength, 16},
		{"desc reply short", mpReply, mpBody(MultipartDesc, rep("00", 1000)), openflow.ErrTruncated, 16},
		{"desc reply long", mpReply, mpBody(MultipartDesc, rep("00", 1064)), openflow.ErrBadLength, 16 + 1056},
		{"flow request short", mpRequest, mpBody(MultipartFlow, rep("00", 31)), openflow.ErrTruncated, 16},
		{"flow request without match", mpRequest, mpBody(MultipartFlow, rep("00", 32)), openflow.ErrTruncated, 48},
		{"flow request match lies", mpRequest, mpBody(MultipartFlow, rep("00", 32)+"0001 0010 00000000"), openflow.ErrTruncated, 48},
		{"flow request trailing bytes", mpRequest, mpBody(MultipartFlow, rep("00", 32)+"0001 0004 00000000 00000000"), openflow.ErrBadLength, 56},
		{"aggregate request short", mpRequest, mpBody(MultipartAggregate, rep("00", 8)), openflow.ErrTruncated, 16},
		{"aggregate request match lies", mpRequest, mpBody(MultipartAggregate, rep("00", 32)+"0001 0003 00000000"), openflow.ErrBadLength, 48},
		{"flow reply zero-length entry", mpReply, mpBody(MultipartFlow, "0000"+rep("00", 54)), openflow.ErrBadLength, 16},
		{"flow reply entry below minimum", mpReply, mpBody(MultipartFlow, "0020"+rep("00", 54)), openflow.ErrBadLength, 16},
		{"flow reply entry overruns", mpReply, mpBody(MultipartFlow, "0040"+rep("00", 54)), openflow.ErrBadLength, 16},
		{"flow reply partial entry", mpReply, mpBody(MultipartFlow, "0038"+rep("00", 46)+"0001000400000000"+"0038"), openflow.ErrTruncated, 16 + 56},
		{"flow reply bad match", mpReply, mpBody(MultipartFlow, "0038"+rep("00", 46)+"0001 0030 00000000"), openflow.ErrTruncated, 16 + 48},
		{"flow reply bad instructions", mpReply, mpBody(MultipartFlow, "0040"+rep("00", 46)+"0001000400000000"+"0001 0004 00000000"), openflow.ErrBadLength, 16 + 56},
		{"aggregate reply short", mpReply, mpBody(MultipartAggregate, rep("00", 20)), openflow.ErrTruncated, 16},
		{"table request with a body", mpRequest, mpBody(MultipartTable, "00"), openflow.ErrBadLength, 16},
		{"table reply partial entry", mpReply, mpBody(MultipartTable, rep("00", 25)), openflow.ErrTruncated, 16 + 24},
		{"port stats request short", mpRequest, mpBody(MultipartPortStats, "ffffffff"), openflow.ErrTruncated, 16},
		{"port stats reply partial entry", mpReply, mpBody(MultipartPortStats, rep("00", 111)), openflow.ErrTruncated, 16},
		{"queue request long", mpRequest, mpBody(MultipartQueue, rep("00", 9)), openflow.ErrBadLength, 24},
		{"queue reply partial entry", mpReply, mpBody(MultipartQueue, rep("00", 41)), openflow.ErrTruncated, 56},
		{"group request short", mpRequest, mpBody(MultipartGroup, ""), openflow.ErrTruncated, 16},
		{"group reply zero-length entry", mpReply, mpBody(MultipartGroup, rep("00", 40)), openflow.ErrBadLength, 16},
		{"group reply partial bucket counter", mpReply, mpBody(MultipartGroup, "0030"+rep("00", 46)), openflow.ErrBadLength, 16},
		{"group desc request with a body", mpRequest, mpBody(MultipartGroupDesc, "00000000"), openflow.ErrBadLength, 16},
		{"group desc reply short entry", mpReply, mpBody(MultipartGroupDesc, "0004 0000"), openflow.ErrTruncated, 16},
		{"group desc reply bad bucket", mpReply, mpBody(MultipartGroupDesc, "0010 0100 00000001"+"0004"+rep("00", 6)), openflow.ErrTruncated, 24},
		{"group features request with a body", mpRequest, mpBody(MultipartGroupFeatures, "00"), openflow.ErrBadLength, 16},
		{"group features reply short", mpReply, mpBody(MultipartGroupFeatures, rep("00", 39)), openflow.ErrTruncated, 16},
		{"meter request short", mpRequest, mpBody(MultipartMeter, "00000001"), openflow.ErrTruncated, 16},
		{"meter reply zero length", mpReply, mpBody(MultipartMeter, rep("00", 40)), openflow.ErrBadLength, 20},
		{"meter reply partial band", mpReply, mpBody(MultipartMeter, "00000001 0030"+rep("00", 42)), openflow.ErrBadLength, 20},
		{"meter config request long", mpRequest, mpBody(MultipartMeterConfig, rep("00", 16)), openflow.ErrBadLength, 24},
		{"meter config reply entry overruns", mpReply, mpBody(MultipartMeterConfig, "0010 0001 00000001"), openflow.ErrBadLength, 16},
		{"meter config reply bad band", mpReply, mpBody(MultipartMeterConfig, "0010 0001 00000001 0001 0004 00000000"), openflow.ErrTruncated, 24},
		{"meter features request with a body", mpRequest, mpBody(MultipartMeterFeatures, "00"), openflow.ErrBadLength, 16},
		{"meter features reply short", mpReply, mpBody(MultipartMeterFeatures, rep("00", 8)), openflow.ErrTruncated, 16},
		{"port desc request with a body", mpRequest, mpBody(MultipartPortDesc, "00"), openflow.ErrBadLength, 16},
		{"port desc reply partial port", mpReply, mpBody(MultipartPortDesc, rep("00", 65)), openflow.ErrTruncated, 16 + 64},
		{"experimenter request short", mpRequest, mpBody(MultipartExperimenter, "00002320"), openflow.ErrTruncated, 16},
		{"experimenter reply short", mpReply, mpBody(MultipartExperimenter, ""), openflow.ErrTruncated, 16},
		{"table features short entry", mpReply, mpBody(MultipartTableFeatures, "0040"+rep("00", 30)), openflow.ErrTruncated, 16},
		{"table features zero length", mpReply, mpBody(MultipartTableFeatures, tfEntry(0, "")), openflow.ErrBadLength, 16},
		{"table features length not 8-aligned", mpRequest, mpBody(MultipartTableFeatures, tfEntry(68, "00000004")), openflow.ErrBadLength, 16},
		{"table features zero-length property", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0000 0000 00000000")), openflow.ErrBadLength, 16 + 64 + 2},
		{"table features property overruns", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0000 0009 00000000")), openflow.ErrBadLength, 16 + 64 + 2},
		{"table features short experimenter", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "fffe 0008 00002320")), openflow.ErrBadLength, 16 + 64 + 2},
		{"table features instruction id zero length", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0000 0008 0001 0000")), openflow.ErrBadLength, 16 + 64 + 6},
		{"table features instruction id short", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0001 0006 0001 0000")), openflow.ErrTruncated, 16 + 64 + 4},
		{"table features experimenter action id short", mpReply, mpBody(MultipartTableFeatures, tfEntry(80, "0004 000c 0000 0004 ffff 0004 00000000")), openflow.ErrBadLength, 16 + 64 + 10},
		{"table features apply action id overruns", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0006 0008 0000 0008")), openflow.ErrBadLength, 16 + 64 + 6},
		{"table features oxm id short", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "0008 0006 8000 0000")), openflow.ErrTruncated, 16 + 64 + 4},
		{"table features experimenter oxm id short", mpReply, mpBody(MultipartTableFeatures, tfEntry(72, "000a 0008 ffff 0004")), openflow.ErrTruncated, 16 + 64 + 8},
		{"second table features entry bad", mpReply, mpBody(MultipartTableFeatures, tfEntry(64, "")+tfEntry(72, "000c 0003 00000000")), openflow.ErrBadLength, 16 + 64 + 64 + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := decodeMultipartReply
			if tt.msg == mpRequest {
				dec = decodeMultipartRequest
			}
			h := openflow.Header{Version: openflow.Version13, Type: tt.msg, Length: uint16(openflow.HeaderLen + len(tt.body))}
			m, err := dec(h, tt.body)
			if m != nil || !errors.Is(err, tt.want) {
				t.Fatalf("decode(%x) = %v, %v; want nil, %v", tt.body, m, err, tt.want)
			}
			var de *openflow.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("decode(%x) error = %T; want *openflow.DecodeError", tt.body, err)
			}
			if de.Version != openflow.Version13 || de.Type != tt.msg || de.Offset != tt.off {
				t.Errorf("decode(%x) error = {%v %d %d %v}; want {1.3 %d %d ...}", tt.body, de.Version, de.Type, de.Offset, de.Err, tt.msg, tt.off)
			}
			if !strings.Contains(err.Error(), "OFPT_MULTIPART_") {
				t.Errorf("decode(%x) error = %q; want it to name the message", tt.body, err)
			}
		})
	}
}

// tfEntry is an ofp_table_features of table 1 with the given length field
// and the property bytes props (hex).
func tfEntry(length int, props string) string {
	return hex.EncodeToString([]byte{byte(length >> 8), byte(length), 1}) + rep("00", 61) + props
}

func TestMultipartUnknown(t *testing.T) {
	for _, msg := range []uint8{mpRequest, mpReply} {
		body := mpBody(MultipartType(99), "0102030405")
		body[3] = 1 // flags
		h := openflow.Header{Version: openflow.Version13, Type: msg}
		dec := decodeMultipartReply
		if msg == mpRequest {
			dec = decodeMultipartRequest
		}
		m, err := dec(h, body)
		if err != nil {
			t.Fatalf("decode(%x) = %v", body, err)
		}
		want := &MultipartUnknown{Flags: 1, Request: msg == mpRequest, Type: 99, Body: []byte{1, 2, 3, 4, 5}}
		if d := cmp.Diff(want, m); d != "" {
			t.Errorf("decode(%x) mismatch (-want +got):\n%s", body, d)
		}
		u := m.(*MultipartUnknown)
		if u.MsgType() != msg || u.Version() != openflow.Version13 || u.MultipartType() != 99 {
			t.Errorf("%#v: MsgType, Version, MultipartType = %d, %v, %v", u, u.MsgType(), u.Version(), u.MultipartType())
		}
		got, err := u.AppendBinary(nil)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("AppendBinary() = %x, %v; want %x", got, err, body)
		}
		body[8]++
		if u.Body[0] != 1 {
			t.Errorf("decoded body aliases the input")
		}
	}
}

// TestMultipartEmpty checks the kinds whose lists may be empty.
func TestMultipartEmpty(t *testing.T) {
	for _, k := range []MultipartType{
		MultipartFlow, MultipartTable, MultipartPortStats, MultipartQueue, MultipartGroup, MultipartGroupDesc,
		MultipartMeter, MultipartMeterConfig, MultipartTableFeatures, MultipartPortDesc,
	} {
		body := mpBody(k, "")
		m, err := decodeMultipartReply(openflow.Header{Version: openflow.Version13, Type: mpReply}, body)
		if err != nil {
			t.Errorf("decodeMultipartReply(%x) = %v", body, err)
			continue
		}
		if got := m.(interface{ MultipartType() MultipartType }).MultipartType(); got != k {
			t.Errorf("decodeMultipartReply(%x) = %T of kind %v; want %v", body, m, got, k)
		}
		got, err := m.AppendBinary(nil)
		if err != nil || !bytes.Equal(got, body) {
			t.Errorf("AppendBinary(%T) = %x, %v; want %x", m, got, err, body)
		}
	}
}

// TestTableFeaturesLossless checks that ids and properties this codec does
// not interpret survive a round trip.
func TestTableFeaturesLossless(t *testing.T) {
	props := "" +
		"0000 0012 0001 0004 ffff 000a 00002320 abcd" + "000000000000" + // instructions: goto, experimenter with data
		"0007 000a 0000 0006 0102" + "000000000000" + // apply-actions miss: output with data
		"000a 0010 ffff 0108 00002320 8000 0004" + // wildcards: experimenter oxm, in_port
		"0003 0004" + "00000000" + // next-tables miss: none
		"0010 0007 616263" + "00" + // unknown property 16
		"ffff 000c 00002320 00000007" + "00000000" // experimenter miss without data
	n := 64 + len(mustHex(props))
	body := mpBody(MultipartTableFeatures, tfEntry(n, props))
	h := openflow.Header{Version: openflow.Version13, Type: mpRequest}
	m, err := decodeMultipartRequest(h, body)
	if err != nil {
		t.Fatalf("decodeMultipartRequest(%x) = %v", body, err)
	}
	want := &TableFeaturesRequest{Tables: []TableFeatures{{TableID: 1, Properties: []TableFeatureProp{
		&TableFeatureInstructions{IDs: []InstructionID{
			{Type: InstructionTypeGotoTable},
			{Type: InstructionTypeExperimenter, Experimenter: 0x2320, Data: []byte{0xab, 0xcd}},
		}},
		&TableFeatureApplyActions{Miss: true, IDs: []ActionID{{Type: ActionTypeOutput, Data: []byte{1, 2}}}},
		&TableFeatureWildcards{IDs: []OXMID{
			{Class: ClassExperimenter, Field: 0, HasMask: true, Length: 8, Experimenter: 0x2320},
			{Class: ClassOpenFlowBasic, Field: FieldInPort, Length: 4},
		}},
		&TableFeatureNextTables{Miss: true},
		&TableFeatureUnknown{Type: 16, Data: []byte("abc")},
		&TableFeatureExperimenter{Miss: true, Experimenter: 0x2320, ExpType: 7},
	}}}}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("decodeMultipartRequest(%x) mismatch (-want +got):\n%s", body, d)
	}
	enc, err := m.AppendBinary(nil)
	if err != nil || !bytes.Equal(enc, body) {
		t.Errorf("AppendBinary() = %x, %v; want %x", enc, err, body)
	}
}
