package of13

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// wrapA builds a whole OpenFlow 1.3 message of type typ around body.
func wrapA(typ uint8, body []byte) []byte {
	b := []byte{4, typ, 0, 0, 0, 0, 0, 2}
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

var portA = Port{
	PortNo:     3,
	HWAddr:     openflow.EthAddr{0x52, 0x54, 0, 0x12, 0x34, 0x56},
	Name:       "eth3",
	Config:     PortConfigNoRecv | PortConfigNoPacketIn,
	State:      PortStateLive,
	Curr:       PortFeature1GbFD | PortFeatureCopper | PortFeatureAutoneg,
	Advertised: PortFeature1GbFD,
	Supported:  PortFeature10MbHD | PortFeature100MbFD | PortFeature1GbFD,
	Peer:       PortFeature10GbFD | PortFeatureFiber,
	CurrSpeed:  1000000,
	MaxSpeed:   10000000,
}

const portAHex = "00000003 00000000 525400123456 0000 65746833000000000000000000000000" +
	"00000044 00000004 00002820 00000020 00000029 00001040 000f4240 00989680"

func TestPortRoundTrip(t *testing.T) {
	b := AppendPort([]byte{0xaa}, &portA)
	want := hexA(t, portAHex)
	if !bytes.Equal(b[1:], want) || len(want) != PortLen {
		t.Fatalf("AppendPort = %x; want aa%x", b, want)
	}
	p, err := DecodePort(append(want, 0xee))
	if err != nil || p != portA {
		t.Errorf("DecodePort(%x) = %+v, %v; want %+v", want, p, err, portA)
	}
	if _, err := DecodePort(want[:63]); !errors.Is(err, openflow.ErrTruncated) {
		t.Errorf("DecodePort(63 bytes) = %v; want truncated", err)
	}
	long := portA
	long.Name = "a-very-long-port-name"
	b = AppendPort(nil, &long)
	if p, _ := DecodePort(b); len(b) != PortLen || p.Name != "a-very-long-port" {
		t.Errorf("AppendPort(long name) = %d bytes, name %q; want 64, a-very-long-port", len(b), p.Name)
	}
	full := hexA(t, portAHex)
	copy(full[16:32], "0123456789abcdef")
	if p, _ := DecodePort(full); p.Name != "0123456789abcdef" {
		t.Errorf("DecodePort(unterminated name) = %q", p.Name)
	}
}

func TestPortStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{PortConfig(0).String(), "0"},
		{(PortConfigPortDown | PortConfigNoRecv | PortConfigNoFwd | PortConfigNoPacketIn).String(), "PORT_DOWN NO_RECV NO_FWD NO_PACKET_IN"},
		{PortConfig(1 << 1).String(), "0x2"},
		{(PortStateLinkDown | PortStateBlocked | PortStateLive).String(), "LINK_DOWN BLOCKED LIVE"},
		{PortState(0x8 | 1).String(), "LINK_DOWN 0x8"},
		{PortFeatures(0xffff).String(), "10MB-HD 10MB-FD 100MB-HD 100MB-FD 1GB-HD 1GB-FD 10GB-FD 40GB-FD 100GB-FD 1TB-FD OTHER COPPER FIBER AUTO_NEG AUTO_PAUSE AUTO_PAUSE_ASYM"},
		{PortFeatures(0x10000).String(), "0x10000"},
		{portA.String(), "3(eth3): addr:52:54:00:12:34:56 config: NO_RECV NO_PACKET_IN state: LIVE speed: 1000 Mbps now, 10000 Mbps max"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q; want %q", c.got, c.want)
		}
	}
	for p, want := range map[PortNo]string{1: "1", PortMax: "4294967040", PortInPort: "IN_PORT", PortTable: "TABLE", PortNormal: "NORMAL",
		PortFlood: "FLOOD", PortAll: "ALL", PortController: "CONTROLLER", PortLocal: "LOCAL", PortAny: "ANY"} {
		if got := p.String(); got != want {
			t.Errorf("PortNo(%#x).String() = %q; want %q", uint32(p), got, want)
		}
	}
}

// TestPortOVS wraps the port in a PORT_STATUS and checks that ovs-ofctl
// reads it as written.
func TestPortOVS(t *testing.T) {
	body := append([]byte{2, 0, 0, 0, 0, 0, 0, 0}, AppendPort(nil, &portA)...) // reason modify
	out := ofpPrintMsgA(t, wrapA(12, body), "OFPT_PORT_STATUS")
	for _, w := range []string{"MOD: 3(eth3): addr:52:54:00:12:34:56", "config:     NO_RECV NO_PACKET_IN", "state:      LIVE",
		"current:    1GB-FD COPPER AUTO_NEG", "advertised: 1GB-FD", "supported:  10MB-HD 100MB-FD 1GB-FD", "peer:       10GB-FD FIBER",
		"speed: 1000 Mbps now, 10000 Mbps max"} {
		if !strings.Contains(out, w) {
			t.Errorf("ovs-ofctl does not show %q:\n%s", w, out)
		}
	}
}
