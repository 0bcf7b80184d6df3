package openflow

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestVersionString(t *testing.T) {
	for v, want := range map[Version]string{Version10: "1.0", 2: "1.1", 3: "1.2", Version13: "1.3", 5: "1.4", 6: "1.5", 9: "0x09"} {
		if got := v.String(); got != want {
			t.Errorf("Version(%d).String() = %q; want %q", uint8(v), got, want)
		}
	}
	if !Version10.Supported() || !Version13.Supported() || Version(2).Supported() {
		t.Error("Supported: want only 1.0 and 1.3")
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	h := Header{Version: Version13, Type: 10, Length: 0x1234, Xid: 0xdeadbeef}
	b, err := h.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0x04, 0x0a, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef}
	if !bytes.Equal(b, want) {
		t.Fatalf("AppendBinary = % x; want % x", b, want)
	}
	got, err := DecodeHeader(b)
	if err != nil || got != h {
		t.Fatalf("DecodeHeader = %+v, %v; want %+v", got, err, h)
	}
	if s := h.String(); s != "OFPT_PACKET_IN (OF1.3) (xid=0xdeadbeef) len=4660" {
		t.Errorf("String() = %q", s)
	}
}

func TestDecodeHeaderErrors(t *testing.T) {
	if _, err := DecodeHeader([]byte{1, 0, 0}); !errors.Is(err, ErrTruncated) {
		t.Errorf("DecodeHeader(3 bytes) err = %v; want ErrTruncated", err)
	}
	_, err := DecodeHeader([]byte{4, 0, 0, 7, 0, 0, 0, 1})
	var de *DecodeError
	if !errors.As(err, &de) || !errors.Is(err, ErrBadLength) || de.Offset != 2 {
		t.Errorf("DecodeHeader(length 7) err = %v; want DecodeError at offset 2 wrapping ErrBadLength", err)
	}
}

// testMsg is a minimal Message for exercising Append/Unmarshal without a
// version codec.
type testMsg struct {
	body []byte
	err  error
}

func (m *testMsg) Version() Version { return Version13 }
func (m *testMsg) MsgType() uint8   { return TypeEchoRequest }
func (m *testMsg) AppendBinary(b []byte) ([]byte, error) {
	return append(b, m.body...), m.err
}

type testCodec struct{}

func (testCodec) Version() Version { return Version13 }
func (testCodec) Decode(h Header, body []byte) (Message, error) {
	return &Unknown{Ver: h.Version, Type: h.Type, Body: append([]byte(nil), body...)}, nil
}

func TestAppendUnmarshal(t *testing.T) {
	prefix := []byte{0xaa}
	b, err := Append(prefix, 7, &testMsg{body: []byte("hi")})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte{0xaa, 0x04, 0x02, 0x00, 0x0a, 0, 0, 0, 7, 'h', 'i'}
	if !bytes.Equal(b, want) {
		t.Fatalf("Append = % x; want % x", b, want)
	}
	h, m, err := Unmarshal(b[1:], testCodec{})
	if err != nil || h.Xid != 7 || !bytes.Equal(m.(*Unknown).Body, []byte("hi")) {
		t.Fatalf("Unmarshal = %+v, %+v, %v", h, m, err)
	}
	re, err := Marshal(h.Xid, m)
	if err != nil || !bytes.Equal(re, b[1:]) {
		t.Fatalf("Marshal(Unknown) = % x, %v; want % x", re, err, b[1:])
	}
}

func TestAppendErrors(t *testing.T) {
	b, err := Append([]byte{1}, 1, &testMsg{err: errors.New("boom")})
	if err == nil || !strings.Contains(err.Error(), "boom") || len(b) != 1 {
		t.Errorf("Append(failing body) = % x, %v; want the prefix back and the error", b, err)
	}
	b, err = Append(nil, 1, &testMsg{body: make([]byte, MaxLen)})
	if !errors.Is(err, ErrTooLong) || len(b) != 0 {
		t.Errorf("Append(65543 bytes) = %d bytes, %v; want ErrTooLong", len(b), err)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	good, _ := Marshal(1, &testMsg{body: []byte{1, 2}})
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"short", good[:5], ErrTruncated},
		{"length disagrees", append(good, 0), ErrBadLength},
		{"no codec", []byte{0x02, 0, 0, 8, 0, 0, 0, 1}, ErrBadVersion},
	}
	for _, tt := range tests {
		if _, _, err := Unmarshal(tt.b, testCodec{}); !errors.Is(err, tt.want) {
			t.Errorf("Unmarshal(%s) err = %v; want %v", tt.name, err, tt.want)
		}
	}
}

func TestEthAddrString(t *testing.T) {
	if s := (EthAddr{0, 0x1b, 0x21, 0xaa, 0xbb, 0xff}).String(); s != "00:1b:21:aa:bb:ff" {
		t.Errorf("EthAddr.String() = %q", s)
	}
}
