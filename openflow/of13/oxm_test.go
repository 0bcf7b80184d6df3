package of13

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

func addrA(s string) netip.Addr     { return netip.MustParseAddr(s) }
func prefixA(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func hexA(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.Join(strings.Fields(s), "")
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// TestOXMFieldTable checks the field table against the widths and masks
// of the OpenFlow 1.3 specification (section 7.2.3.7), written out again
// here so that a slip in one place shows.
func TestOXMFieldTable(t *testing.T) {
	want := []struct {
		f        OXMField
		name     string
		width    int
		maskable bool
	}{
		{FieldInPort, "in_port", 4, false},
		{FieldInPhyPort, "in_phy_port", 4, false},
		{FieldMetadata, "metadata", 8, true},
		{FieldEthDst, "eth_dst", 6, true},
		{FieldEthSrc, "eth_src", 6, true},
		{FieldEthType, "eth_type", 2, false},
		{FieldVLANVID, "vlan_vid", 2, true},
		{FieldVLANPCP, "vlan_pcp", 1, false},
		{FieldIPDSCP, "ip_dscp", 1, false},
		{FieldIPECN, "ip_ecn", 1, false},
		{FieldIPProto, "ip_proto", 1, false},
		{FieldIPv4Src, "ip_src", 4, true},
		{FieldIPv4Dst, "ip_dst", 4, true},
		{FieldTCPSrc, "tcp_src", 2, false},
		{FieldTCPDst, "tcp_dst", 2, false},
		{FieldUDPSrc, "udp_src", 2, false},
		{FieldUDPDst, "udp_dst", 2, false},
		{FieldSCTPSrc, "sctp_src", 2, false},
		{FieldSCTPDst, "sctp_dst", 2, false},
		{FieldICMPv4Type, "icmp_type", 1, false},
		{FieldICMPv4Code, "icmp_code", 1, false},
		{FieldARPOp, "arp_op", 2, false},
		{FieldARPSPA, "arp_spa", 4, true},
		{FieldARPTPA, "arp_tpa", 4, true},
		{FieldARPSHA, "arp_sha", 6, true},
		{FieldARPTHA, "arp_tha", 6, true},
		{FieldIPv6Src, "ipv6_src", 16, true},
		{FieldIPv6Dst, "ipv6_dst", 16, true},
		{FieldIPv6FLabel, "ipv6_label", 4, true},
		{FieldICMPv6Type, "icmpv6_type", 1, false},
		{FieldICMPv6Code, "icmpv6_code", 1, false},
		{FieldIPv6NDTarget, "nd_target", 16, false},
		{FieldIPv6NDSLL, "nd_sll", 6, false},
		{FieldIPv6NDTLL, "nd_tll", 6, false},
		{FieldMPLSLabel, "mpls_label", 4, false},
		{FieldMPLSTC, "mpls_tc", 1, false},
		{FieldMPLSBOS, "mpls_bos", 1, false},
		{FieldPBBISID, "pbb_isid", 3, true},
		{FieldTunnelID, "tunnel_id", 8, true},
		{FieldIPv6Exthdr, "ipv6_exthdr", 2, true},
	}
	if len(want) != NumFields || NumFields != 40 {
		t.Fatalf("NumFields = %d; want 40 (%d in this table)", NumFields, len(want))
	}
	for i, w := range want {
		if int(w.f) != i {
			t.Errorf("%s = %d; want %d", w.name, w.f, i)
		}
		if got := w.f.String(); got != w.name {
			t.Errorf("OXMField(%d).String() = %q; want %q", i, got, w.name)
		}
		if got := w.f.Len(); got != w.width {
			t.Errorf("%s.Len() = %d; want %d", w.name, got, w.width)
		}
		if got := w.f.Maskable(); got != w.maskable {
			t.Errorf("%s.Maskable() = %v; want %v", w.name, got, w.maskable)
		}
		if !w.f.Known() {
			t.Errorf("%s.Known() = false", w.name)
		}
	}
	f := OXMField(40)
	if f.String() != "field40" || f.Len() != 0 || f.Maskable() || f.Known() {
		t.Errorf("OXMField(40) = %q len %d maskable %v known %v; want field40, 0, false, false", f, f.Len(), f.Maskable(), f.Known())
	}
}

func TestOXMClassString(t *testing.T) {
	for c, want := range map[OXMClass]string{ClassNXM0: "NXM_0", ClassNXM1: "NXM_1", ClassOpenFlowBasic: "OPENFLOW_BASIC", ClassExperimenter: "EXPERIMENTER", 0x1234: "0x1234"} {
		if got := c.String(); got != want {
			t.Errorf("OXMClass(%#x).String() = %q; want %q", uint16(c), got, want)
		}
	}
}

var (
	macA  = openflow.EthAddr{0x00, 0x01, 0x02, 0x03, 0x04, 0x05}
	maskA = openflow.EthAddr{0xff, 0xff, 0xff, 0x00, 0x00, 0x00}
	ouiA  = openflow.EthAddr{0x00, 0x01, 0x02, 0x00, 0x00, 0x00}
)

// oxmCases is one OXM per constructor with its TLV bytes and its String.
var oxmCases = []struct {
	o    OXM
	hex  string
	text string
}{
	{OXMInPort(7), "80000004 00000007", "in_port=7"},
	{OXMInPort(PortLocal), "80000004 fffffffe", "in_port=LOCAL"},
	{OXMInPhyPort(3), "80000204 00000003", "in_phy_port=3"},
	{OXMMetadata(0x12), "80000408 0000000000000012", "metadata=0x12"},
	{OXMMetadataMasked(0x12, 0xff), "80000510 0000000000000012 00000000000000ff", "metadata=0x12/0xff"},
	{OXMEthDst(macA), "80000606 000102030405", "eth_dst=00:01:02:03:04:05"},
	{OXMEthDstMasked(ouiA, maskA), "8000070c 000102000000 ffffff000000", "eth_dst=00:01:02:00:00:00/ff:ff:ff:00:00:00"},
	{OXMEthSrc(macA), "80000806 000102030405", "eth_src=00:01:02:03:04:05"},
	{OXMEthSrcMasked(ouiA, maskA), "8000090c 000102000000 ffffff000000", "eth_src=00:01:02:00:00:00/ff:ff:ff:00:00:00"},
	{OXMEthType(0x800), "80000a02 0800", "eth_type=0x800"},
	{OXMVLANVID(0x1005), "80000c02 1005", "vlan_vid=4101"},
	{OXMVLANVIDMasked(0x1000, 0x1000), "80000d04 1000 1000", "vlan_vid=4096/0x1000"},
	{OXMVLANPCP(3), "80000e01 03", "vlan_pcp=3"},
	{OXMIPDSCP(10), "80001001 0a", "ip_dscp=10"},
	{OXMIPECN(2), "80001201 02", "ip_ecn=2"},
	{OXMIPProto(17), "80001401 11", "ip_proto=17"},
	{OXMIPv4Src(addrA("10.0.0.1")), "80001604 0a000001", "ip_src=10.0.0.1"},
	{OXMIPv4SrcMasked(addrA("10.1.0.0"), addrA("255.255.0.0")), "80001708 0a010000 ffff0000", "ip_src=10.1.0.0/16"},
	{OXMIPv4SrcPrefix(prefixA("10.1.2.3/32")), "80001604 0a010203", "ip_src=10.1.2.3"},
	{OXMIPv4Dst(addrA("::ffff:10.0.0.2")), "80001804 0a000002", "ip_dst=10.0.0.2"},
	{OXMIPv4DstMasked(addrA("10.0.0.0"), addrA("255.0.255.0")), "80001908 0a000000 ff00ff00", "ip_dst=10.0.0.0/255.0.255.0"},
	{OXMIPv4DstPrefix(prefixA("10.1.2.3/12")), "80001908 0a000000 fff00000", "ip_dst=10.0.0.0/12"},
	{OXMTCPSrc(80), "80001a02 0050", "tcp_src=80"},
	{OXMTCPDst(443), "80001c02 01bb", "tcp_dst=443"},
	{OXMUDPSrc(53), "80001e02 0035", "udp_src=53"},
	{OXMUDPDst(67), "80002002 0043", "udp_dst=67"},
	{OXMSCTPSrc(1), "80002202 0001", "sctp_src=1"},
	{OXMSCTPDst(2), "80002402 0002", "sctp_dst=2"},
	{OXMICMPv4Type(8), "80002601 08", "icmp_type=8"},
	{OXMICMPv4Code(1), "80002801 01", "icmp_code=1"},
	{OXMARPOp(1), "80002a02 0001", "arp_op=1"},
	{OXMARPSPA(addrA("10.0.0.1")), "80002c04 0a000001", "arp_spa=10.0.0.1"},
	{OXMARPSPAMasked(addrA("10.0.0.0"), addrA("255.0.0.0")), "80002d08 0a000000 ff000000", "arp_spa=10.0.0.0/8"},
	{OXMARPTPA(addrA("10.0.0.2")), "80002e04 0a000002", "arp_tpa=10.0.0.2"},
	{OXMARPTPAMasked(addrA("10.0.0.0"), addrA("255.255.255.0")), "80002f08 0a000000 ffffff00", "arp_tpa=10.0.0.0/24"},
	{OXMARPSHA(macA), "80003006 000102030405", "arp_sha=00:01:02:03:04:05"},
	{OXMARPSHAMasked(ouiA, maskA), "8000310c 000102000000 ffffff000000", "arp_sha=00:01:02:00:00:00/ff:ff:ff:00:00:00"},
	{OXMARPTHA(macA), "80003206 000102030405", "arp_tha=00:01:02:03:04:05"},
	{OXMARPTHAMasked(ouiA, maskA), "8000330c 000102000000 ffffff000000", "arp_tha=00:01:02:00:00:00/ff:ff:ff:00:00:00"},
	{OXMIPv6Src(addrA("2001:db8::1")), "80003410 20010db8000000000000000000000001", "ipv6_src=2001:db8::1"},
	{OXMIPv6SrcMasked(addrA("2001:db8::"), addrA("ffff:ffff::")), "80003520 20010db8000000000000000000000000 ffffffff000000000000000000000000", "ipv6_src=2001:db8::/32"},
	{OXMIPv6SrcPrefix(prefixA("2001:db8::/32")), "80003520 20010db8000000000000000000000000 ffffffff000000000000000000000000", "ipv6_src=2001:db8::/32"},
	{OXMIPv6Dst(addrA("2001:db8::2")), "80003610 20010db8000000000000000000000002", "ipv6_dst=2001:db8::2"},
	{OXMIPv6DstMasked(addrA("::1"), addrA("::ffff")), "80003720 00000000000000000000000000000001 0000000000000000000000000000ffff", "ipv6_dst=::1/::ffff"},
	{OXMIPv6DstPrefix(prefixA("2001:db8::/127")), "80003720 20010db8000000000000000000000000 fffffffffffffffffffffffffffffffe", "ipv6_dst=2001:db8::/127"},
	{OXMIPv6FLabel(0x12345), "80003804 00012345", "ipv6_label=0x12345"},
	{OXMIPv6FLabelMasked(0x12345, 0xfffff), "80003908 00012345 000fffff", "ipv6_label=0x12345/0xfffff"},
	{OXMICMPv6Type(135), "80003a01 87", "icmpv6_type=135"},
	{OXMICMPv6Code(0), "80003c01 00", "icmpv6_code=0"},
	{OXMIPv6NDTarget(addrA("fe80::1")), "80003e10 fe800000000000000000000000000001", "nd_target=fe80::1"},
	{OXMIPv6NDSLL(macA), "80004006 000102030405", "nd_sll=00:01:02:03:04:05"},
	{OXMIPv6NDTLL(macA), "80004206 000102030405", "nd_tll=00:01:02:03:04:05"},
	{OXMMPLSLabel(100), "80004404 00000064", "mpls_label=100"},
	{OXMMPLSTC(3), "80004601 03", "mpls_tc=3"},
	{OXMMPLSBOS(1), "80004801 01", "mpls_bos=1"},
	{OXMPBBISID(0x123456), "80004a03 123456", "pbb_isid=0x123456"},
	{OXMPBBISIDMasked(0x123, 0xfff), "80004b06 000123 000fff", "pbb_isid=0x123/0xfff"},
	{OXMTunnelID(0x1234), "80004c08 0000000000001234", "tunnel_id=0x1234"},
	{OXMTunnelIDMasked(0x1234, 0xffff), "80004d10 0000000000001234 000000000000ffff", "tunnel_id=0x1234/0xffff"},
	{OXMIPv6Exthdr(0x1), "80004e02 0001", "ipv6_exthdr=0x1"},
	{OXMIPv6ExthdrMasked(0x1, 0x1ff), "80004f04 0001 01ff", "ipv6_exthdr=0x1/0x1ff"},
	// Other classes pass through raw.
	{OXM{Class: ClassNXM1, Field: 0, Value: []byte{0, 0, 0, 5}}, "00010004 00000005", "oxm(class=0x0001,field=0)=0x00000005"},
	{OXM{Class: ClassNXM0, Field: 1, Value: []byte{0, 5}, Mask: []byte{0, 0xff}}, "00000304 0005 00ff", "oxm(class=0x0000,field=1)=0x0005/0x00ff"},
	{OXM{Class: ClassExperimenter, Field: 42, Experimenter: 0x4f4e4600, Value: []byte{0, 0x12}}, "ffff5406 4f4e4600 0012", "oxm(exp=0x4f4e4600,field=42)=0x0012"},
	{OXM{Class: ClassExperimenter, Field: 42, Experimenter: 0x4f4e4600, Value: []byte{0, 0x12}, Mask: []byte{0, 0xff}}, "ffff5508 4f4e4600 0012 00ff", "oxm(exp=0x4f4e4600,field=42)=0x0012/0x00ff"},
	{OXM{Class: ClassOpenFlowBasic, Field: 41, Value: []byte{1}}, "80005201 01", "field41=0x01"},
}

func TestOXMRoundTrip(t *testing.T) {
	seen := map[OXMField]bool{}
	for _, c := range oxmCases {
		want := hexA(t, c.hex)
		got, err := c.o.AppendBinary([]byte{0xaa})
		if err != nil {
			t.Errorf("%s: AppendBinary: %v", c.text, err)
			continue
		}
		if !bytes.Equal(got[1:], want) || got[0] != 0xaa {
			t.Errorf("%s: AppendBinary = %x; want aa%x", c.text, got, want)
		}
		if n := c.o.WireLen(); n != len(want) {
			t.Errorf("%s: WireLen() = %d; want %d", c.text, n, len(want))
		}
		if s := c.o.String(); s != c.text {
			t.Errorf("OXM.String() = %q; want %q", s, c.text)
		}
		d, n, err := DecodeOXM(append(want, 0xee))
		if err != nil || n != len(want) {
			t.Errorf("DecodeOXM(%x) = _, %d, %v; want %d, nil", want, n, err, len(want))
			continue
		}
		if !d.Equal(&c.o) {
			t.Errorf("DecodeOXM(%x) = %v; want %v", want, d, c.o)
		}
		if c.o.Class == ClassOpenFlowBasic {
			seen[c.o.Field] = true
		}
	}
	for f := range OXMField(NumFields) {
		if !seen[f] {
			t.Errorf("no OXM case for field %s", f)
		}
	}
}

func TestOXMDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
	}{
		{"empty", "", openflow.ErrTruncated},
		{"short header", "800000", openflow.ErrTruncated},
		{"zero length", "80000000", openflow.ErrBadLength},
		{"length past end", "80000004 000000", openflow.ErrTruncated},
		{"in_port too short", "80000002 0000", openflow.ErrBadLength},
		{"in_port too long", "80000005 0000000001", openflow.ErrBadLength},
		{"in_port masked", "80000108 00000001 ffffffff", ErrNotMaskable},
		{"eth_type masked", "80000b04 0800 ffff", ErrNotMaskable},
		{"ipv4_src masked short", "80001704 0a000000", openflow.ErrBadLength},
		{"ipv4_src masked long", "8000170a 0a000000 ff000000 0000", openflow.ErrBadLength},
		{"metadata hasmask = 1x width", "80000508 0000000000000012", openflow.ErrBadLength},
		{"experimenter without id", "ffff5402 0012", openflow.ErrBadLength},
		{"raw masked odd", "00010103 000000", openflow.ErrBadLength},
		{"experimenter masked odd", "ffff5505 4f4e4600 00", openflow.ErrBadLength},
	} {
		_, _, err := DecodeOXM(hexA(t, c.hex))
		if !errors.Is(err, c.err) {
			t.Errorf("DecodeOXM(%s: %s) = %v; want %v", c.name, c.hex, err, c.err)
		}
	}
}

func TestOXMValidate(t *testing.T) {
	long := make([]byte, 200)
	for _, c := range []struct {
		name string
		o    OXM
		err  error
	}{
		{"ok", OXMInPort(1), nil},
		{"field number", OXM{Class: ClassNXM1, Field: 0x80, Value: []byte{1}}, openflow.ErrBadLength},
		{"mask width", OXM{Class: ClassOpenFlowBasic, Field: FieldMetadata, Value: make([]byte, 8), Mask: make([]byte, 4)}, openflow.ErrBadLength},
		{"value width", OXM{Class: ClassOpenFlowBasic, Field: FieldEthType, Value: []byte{8}}, openflow.ErrBadLength},
		{"not maskable", OXM{Class: ClassOpenFlowBasic, Field: FieldInPort, Value: make([]byte, 4), Mask: make([]byte, 4)}, ErrNotMaskable},
		{"too long", OXM{Class: ClassNXM1, Field: 1, Value: long, Mask: long}, openflow.ErrTooLong},
		{"raw empty", OXM{Class: ClassNXM1, Field: 1}, openflow.ErrBadLength},
		{"experimenter empty", OXM{Class: ClassExperimenter, Field: 1}, nil},
		{"raw max", OXM{Class: ClassNXM1, Field: 1, Value: make([]byte, 255)}, nil},
		{"experimenter too long", OXM{Class: ClassExperimenter, Field: 1, Value: make([]byte, 252)}, openflow.ErrTooLong},
	} {
		err := c.o.Validate()
		if !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("Validate(%s) = %v; want %v", c.name, err, c.err)
		}
		b, err2 := c.o.AppendBinary([]byte{1})
		if (err2 == nil) != (err == nil) || (err != nil && len(b) != 1) {
			t.Errorf("AppendBinary(%s) = %x, %v; want error %v and nothing appended", c.name, b, err2, err)
		}
	}
}

func TestOXMHelpers(t *testing.T) {
	o := OXMMetadataMasked(0x12, 0xff)
	if o.Uint() != 0x12 || o.MaskUint() != 0xff {
		t.Errorf("Uint, MaskUint = %#x, %#x; want 0x12, 0xff", o.Uint(), o.MaskUint())
	}
	if m := OXMTunnelID(1).MaskUint(); m != ^uint64(0) {
		t.Errorf("OXMTunnelID(1).MaskUint() = %#x; want all ones", m)
	}
	if m := OXMEthType(1).MaskUint(); m != 0xffff {
		t.Errorf("OXMEthType(1).MaskUint() = %#x; want 0xffff", m)
	}
	c := o.Clone()
	c.Value[7] = 0x13
	if o.Value[7] != 0x12 {
		t.Errorf("Clone shares memory with the original")
	}
	if o.Equal(&c) {
		t.Errorf("Equal(%v, %v) = true", o, c)
	}
	u := OXMInPort(1)
	if u.Equal(&o) || !u.Equal(&u) {
		t.Errorf("Equal is wrong")
	}
	if b := ip4(addrA("2001:db8::1")); !bytes.Equal(b, make([]byte, 4)) {
		t.Errorf("ip4(IPv6) = %x; want zeros", b)
	}
	if p := OXMIPv4SrcPrefix(netip.Prefix{}); len(p.Value) != 4 || len(p.Mask) != 4 || p.Mask[0] != 0 {
		t.Errorf("OXMIPv4SrcPrefix(invalid) = %v; want 0.0.0.0/0", p)
	}
	// Values that do not fit their field still print.
	for _, c := range []struct {
		o    OXM
		want string
	}{
		{OXM{Class: ClassOpenFlowBasic, Field: FieldEthDst, Value: []byte{1, 2}}, "eth_dst=0x0102"},
		{OXM{Class: ClassOpenFlowBasic, Field: FieldIPv6Src, Value: []byte{1, 2}, Mask: []byte{3}}, "ipv6_src=0x0102/0x03"},
		{OXM{Class: ClassOpenFlowBasic, Field: FieldIPv6Src, Value: make([]byte, 9)}, "ipv6_src=0x000000000000000000"},
		{OXM{Class: ClassOpenFlowBasic, Field: FieldInPort, Value: []byte{0, 0, 0, 1}, Mask: []byte{0, 0, 0, 1}}, "in_port=1/0x1"},
	} {
		if got := c.o.String(); got != c.want {
			t.Errorf("OXM.String() = %q; want %q", got, c.want)
		}
	}
}

func TestPrefixLen(t *testing.T) {
	for _, c := range []struct {
		mask string
		n    int
		ok   bool
	}{
		{"ffffffff", 32, true}, {"00000000", 0, true}, {"fff00000", 12, true},
		{"ff00ff00", 0, false}, {"f0f00000", 0, false}, {"fe000001", 0, false}, {"0f000000", 0, false},
	} {
		n, ok := prefixLen(hexA(t, c.mask))
		if n != c.n || ok != c.ok {
			t.Errorf("prefixLen(%s) = %d, %v; want %d, %v", c.mask, n, ok, c.n, c.ok)
		}
	}
}
