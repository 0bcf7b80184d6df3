package openflow

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestErrorMsgRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		e    *ErrorMsg
		wire []byte
		text string
	}{
		{"1.0 bad request", &ErrorMsg{Ver: Version10, Type: 1, Code: 1, Data: []byte{1, 2}},
			[]byte{0, 1, 0, 1, 1, 2}, "openflow 1.0 error: OFPBRC_BAD_TYPE"},
		{"1.3 bad match", &ErrorMsg{Ver: Version13, Type: 4, Code: 9, Data: []byte{}},
			[]byte{0, 4, 0, 9}, "openflow 1.3 error: OFPBMC_BAD_PREREQ"},
		{"1.3 experimenter", &ErrorMsg{Ver: Version13, Type: 0xffff, Code: 5, Experimenter: 0x2320, Data: []byte{9}},
			[]byte{0xff, 0xff, 0, 5, 0, 0, 0x23, 0x20, 9}, "openflow 1.3 error: OFPET_EXPERIMENTER(code=5) experimenter=0x2320"},
		{"hello failed text", &ErrorMsg{Ver: Version13, Type: 0, Code: 0, Data: []byte("no common version")},
			append([]byte{0, 0, 0, 0}, "no common version"...), `openflow 1.3 error: OFPHFC_INCOMPATIBLE: "no common version"`},
		{"1.0 unknown code", &ErrorMsg{Ver: Version10, Type: 3, Code: 99, Data: []byte{}},
			[]byte{0, 3, 0, 99}, "openflow 1.0 error: OFPET_FLOW_MOD_FAILED(code=99)"},
		{"1.3 unknown type", &ErrorMsg{Ver: Version13, Type: 77, Code: 1, Data: []byte{}},
			[]byte{0, 77, 0, 1}, "openflow 1.3 error: OFPET_77(code=1)"},
	}
	for _, tt := range tests {
		b, err := tt.e.AppendBinary(nil)
		if err != nil || !bytes.Equal(b, tt.wire) {
			t.Errorf("%s: AppendBinary = % x, %v; want % x", tt.name, b, err, tt.wire)
		}
		got, err := DecodeErrorMsg(tt.e.Ver, b)
		if err != nil || got.Type != tt.e.Type || got.Code != tt.e.Code || got.Experimenter != tt.e.Experimenter || !bytes.Equal(got.Data, tt.e.Data) {
			t.Errorf("%s: DecodeErrorMsg = %+v, %v; want %+v", tt.name, got, err, tt.e)
		}
		if s := tt.e.Error(); s != tt.text {
			t.Errorf("%s: Error() = %q; want %q", tt.name, s, tt.text)
		}
	}
}

func TestErrorMsgAsError(t *testing.T) {
	var err error = fmt.Errorf("flow_mod rejected: %w", &ErrorMsg{Ver: Version13, Type: 5, Code: 3})
	var em *ErrorMsg
	if !errors.As(err, &em) || em.Code != 3 {
		t.Fatalf("errors.As(%v) failed", err)
	}
	if !errors.Is(err, &ErrorMsg{Type: 5, Code: 3}) || errors.Is(err, &ErrorMsg{Type: 5, Code: 4}) {
		t.Error("errors.Is should match on type and code")
	}
	if em.Version() != Version13 || em.MsgType() != TypeError {
		t.Error("ErrorMsg Message methods")
	}
}

func TestDecodeErrorMsgTruncated(t *testing.T) {
	for _, b := range [][]byte{{0, 1, 0}, {0xff, 0xff, 0, 1, 0, 0}} {
		if _, err := DecodeErrorMsg(Version13, b); !errors.Is(err, ErrTruncated) {
			t.Errorf("DecodeErrorMsg(% x) err = %v; want ErrTruncated", b, err)
		}
	}
	// OpenFlow 1.0 has no experimenter errors: 0xffff is just a type.
	if e, err := DecodeErrorMsg(Version10, []byte{0xff, 0xff, 0, 1, 7}); err != nil || !bytes.Equal(e.Data, []byte{7}) {
		t.Errorf("DecodeErrorMsg(1.0, type 0xffff) = %+v, %v", e, err)
	}
}

func TestNewErrorMsgTruncatesTo64(t *testing.T) {
	raw := bytes.Repeat([]byte{1}, 100)
	e := NewErrorMsg(Version13, 1, 6, raw)
	raw[0] = 9
	if len(e.Data) != 64 || e.Data[0] != 1 {
		t.Errorf("NewErrorMsg kept %d bytes (first %d); want a 64-byte copy", len(e.Data), e.Data[0])
	}
}

func TestNames(t *testing.T) {
	tests := []struct{ got, want string }{
		{TypeName(Version10, 16), "OFPT_STATS_REQUEST"},
		{TypeName(Version13, 18), "OFPT_MULTIPART_REQUEST"},
		{TypeName(Version13, 29), "OFPT_METER_MOD"},
		{TypeName(Version13, 30), "OFPT_30"},
		{TypeName(Version10, 22), "OFPT_22"},
		{TypeName(5, 2), "OFPT_ECHO_REQUEST"},
		{TypeName(5, 10), "OFPT_10"},
		{ErrorTypeName(Version13, 0xffff), "OFPET_EXPERIMENTER"},
		{ErrorTypeName(Version10, 5), "OFPET_QUEUE_OP_FAILED"},
		{ErrorTypeName(Version13, 13), "OFPET_TABLE_FEATURES_FAILED"},
		{ErrorCodeName(Version13, 12, 11), "OFPMMFC_OUT_OF_BANDS"},
		{ErrorCodeName(Version10, 2, 8), "OFPBAC_BAD_QUEUE"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q; want %q", tt.got, tt.want)
		}
	}
	de := &DecodeError{Version: Version13, Type: 14, Offset: 56, Err: ErrTruncated}
	if !strings.Contains(de.Error(), "decode OFPT_FLOW_MOD at offset 56: truncated") {
		t.Errorf("DecodeError.Error() = %q", de.Error())
	}
}
