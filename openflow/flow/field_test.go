package flow

import (
	"errors"
	"testing"

	"github.com/ofbox/ofbox/openflow/of13"
)

func TestFieldTable(t *testing.T) {
	seen := map[string]Field{}
	for f := range NumFields {
		names := append([]string{f.String()}, f.Aliases()...)
		for _, n := range names {
			if g, dup := seen[n]; dup {
				t.Errorf("name %q names both %v and %v", n, g, f)
			}
			seen[n] = f
			if got, err := ParseField(n); err != nil || got != f {
				t.Errorf("ParseField(%q) = %v, %v; want %v", n, got, err, f)
			}
		}
		if f.Bits() > 8*f.Len() || f.Bits() <= 8*(f.Len()-1)-8 {
			t.Errorf("%v: %d bits in %d bytes", f, f.Bits(), f.Len())
		}
		// The wire-width table of of13 must agree with ours.
		o := of13.OXMField(f)
		if o.Len() != f.Len() || o.Maskable() != f.Maskable() {
			t.Errorf("%v: of13 says len %d maskable %v; we say %d %v", f, o.Len(), o.Maskable(), f.Len(), f.Maskable())
		}
		if f.Prereq().String() == "prereq(?)" {
			t.Errorf("%v: prereq has no name", f)
		}
	}
	if NumFields != 40 || IPv6Exthdr != 39 || TCPSrc != 13 || IPv6NDTarget != 31 {
		t.Errorf("field numbers do not follow OXM")
	}
}

func TestFieldInvalid(t *testing.T) {
	f := Field(200)
	if f.Valid() || f.String() != "field(200)" || f.Bits() != 0 || f.Len() != 0 || f.Maskable() || f.Prereq() != PrereqNone || f.Aliases() != nil {
		t.Errorf("Field(200) methods are not all zero")
	}
	if _, ok := f.OF10Wildcards(); ok {
		t.Errorf("Field(200).OF10Wildcards() ok")
	}
	if _, err := ParseField("no_such"); !errors.Is(err, ErrBadField) {
		t.Errorf("ParseField(no_such) = %v; want ErrBadField", err)
	}
	if got := Prereq(99).String(); got != "prereq(?)" {
		t.Errorf("Prereq(99).String() = %q", got)
	}
}

func TestOF10Wildcards(t *testing.T) {
	for _, tc := range []struct {
		f    Field
		bits uint32
		ok   bool
	}{
		{InPort, 1, true}, {EthSrc, 4, true}, {IPv4Src, 0x3f00, true}, {IPv4Dst, 0xfc000, true},
		{ARPSPA, 0x3f00, true}, {TCPSrc, 1 << 6, true}, {ICMPv4Code, 1 << 7, true}, {VLANPCP, 1 << 20, true},
		{IPDSCP, 1 << 21, true}, {IPECN, 0, false}, {IPv6Src, 0, false}, {Metadata, 0, false}, {SCTPSrc, 0, false},
	} {
		bits, ok := tc.f.OF10Wildcards()
		if bits != tc.bits || ok != tc.ok {
			t.Errorf("%v.OF10Wildcards() = %#x, %v; want %#x, %v", tc.f, bits, ok, tc.bits, tc.ok)
		}
	}
}

func TestFullMask(t *testing.T) {
	for _, tc := range []struct {
		f    Field
		want string
	}{
		{VLANVID, "1fff"}, {IPDSCP, "3f"}, {MPLSLabel, "000fffff"}, {IPv6FLabel, "000fffff"},
		{PBBISID, "ffffff"}, {IPv6Exthdr, "01ff"}, {MPLSBOS, "01"}, {InPort, "ffffffff"},
	} {
		b := make([]byte, tc.f.Len())
		tc.f.fullMask(b)
		if got := hexs(b); got != tc.want {
			t.Errorf("%v.fullMask = %s; want %s", tc.f, got, tc.want)
		}
	}
}

func hexs(b []byte) string {
	const d = "0123456789abcdef"
	s := make([]byte, 0, 2*len(b))
	for _, c := range b {
		s = append(s, d[c>>4], d[c&15])
	}
	return string(s)
}

func TestPortNo(t *testing.T) {
	for _, tc := range []struct {
		p    PortNo
		s    string
		p10  uint16
		to10 bool
	}{
		{1, "1", 1, true}, {PortLocal, "LOCAL", 0xfffe, true}, {PortController, "CONTROLLER", 0xfffd, true},
		{PortAny, "ANY", 0xffff, true}, {PortInPort, "IN_PORT", 0xfff8, true}, {PortMax, "4294967040", 0xff00, true},
		{0xfeff, "65279", 0xfeff, true}, {0xff00, "65280", 0, false}, {70000, "70000", 0, false},
	} {
		if got := tc.p.String(); got != tc.s {
			t.Errorf("PortNo(%#x).String() = %q; want %q", uint32(tc.p), got, tc.s)
		}
		if got, err := ParsePort(tc.s); err != nil || got != tc.p {
			t.Errorf("ParsePort(%q) = %v, %v; want %v", tc.s, got, err, tc.p)
		}
		got, err := PortTo10(tc.p)
		if (err == nil) != tc.to10 || got != tc.p10 {
			t.Errorf("PortTo10(%v) = %#x, %v; want %#x", tc.p, got, err, tc.p10)
		}
		if tc.to10 && PortFrom10(got) != tc.p && tc.p != PortMax {
			t.Errorf("PortFrom10(%#x) = %v; want %v", got, PortFrom10(got), tc.p)
		}
	}
	if p, err := ParsePort("none"); err != nil || p != PortAny {
		t.Errorf("ParsePort(none) = %v, %v", p, err)
	}
	if _, err := ParsePort("eth0"); err == nil {
		t.Errorf("ParsePort(eth0) succeeded")
	}
}
