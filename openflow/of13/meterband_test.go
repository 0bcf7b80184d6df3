package of13

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

var bandsA = []MeterBand{
	MeterBandDrop{Rate: 1000, BurstSize: 100},
	MeterBandDSCPRemark{Rate: 2000, BurstSize: 200, PrecLevel: 1},
}

const bandsAHex = "0001 0010 000003e8 00000064 00000000" + "0002 0010 000007d0 000000c8 01000000"

func TestMeterBandRoundTrip(t *testing.T) {
	exp := MeterBandExperimenter{Rate: 1, BurstSize: 2, Experimenter: 0x2320, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}
	all := append(append([]MeterBand{}, bandsA...), exp)
	want := hexA(t, bandsAHex+"ffff 0018 00000001 00000002 00002320 0102030405060708")
	b, err := AppendMeterBands([]byte{0xaa}, all)
	if err != nil || !bytes.Equal(b[1:], want) {
		t.Fatalf("AppendMeterBands = %x, %v; want aa%x", b, err, want)
	}
	ms, err := DecodeMeterBands(want)
	if err != nil || !reflect.DeepEqual(ms, all) {
		t.Errorf("DecodeMeterBands(%x) = %v, %v; want %v", want, ms, err, all)
	}
	b, _ = AppendMeterBands(nil, []MeterBand{MeterBandExperimenter{Experimenter: 1, Data: []byte{9}}})
	if w := hexA(t, "ffff 0018 00000000 00000000 00000001 0900000000000000"); !bytes.Equal(b, w) {
		t.Errorf("AppendMeterBands(experimenter, 1 byte) = %x; want %x", b, w)
	}
	if ms, err := DecodeMeterBands(nil); err != nil || ms == nil || len(ms) != 0 {
		t.Errorf("DecodeMeterBands(nil) = %#v, %v; want empty, nil", ms, err)
	}
	for _, c := range []struct{ got, want string }{
		{bandsA[0].String(), "type=drop rate=1000 burst_size=100"},
		{bandsA[1].String(), "type=dscp_remark rate=2000 burst_size=200 prec_level=1"},
		{exp.String(), "type=experimenter rate=1 burst_size=2 experimenter=0x2320 data=0x0102030405060708"},
		{MeterBandTypeDrop.String(), "drop"}, {MeterBandTypeDSCPRemark.String(), "dscp_remark"},
		{MeterBandTypeExperimenter.String(), "experimenter"}, {MeterBandType(3).String(), "band3"},
		{bandsA[0].BandType().String() + bandsA[1].BandType().String() + exp.BandType().String(), "dropdscp_remarkexperimenter"},
	} {
		if c.got != c.want {
			t.Errorf("String() = %q; want %q", c.got, c.want)
		}
	}
}

func TestMeterBandErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
	}{
		{"short", "0001 0010 000003e8", openflow.ErrTruncated},
		{"length 8", "0001 0008 000003e8 00000064 00000000", openflow.ErrBadLength},
		{"odd length", "0001 0011 000003e8 00000064 00000000 00", openflow.ErrBadLength},
		{"length past end", "0001 0018 000003e8 00000064 00000000", openflow.ErrTruncated},
		{"drop too long", "0001 0018 000003e8 00000064 00000000 0000000000000000", openflow.ErrBadLength},
		{"unknown type", "0003 0010 000003e8 00000064 00000000", ErrUnknownMeterBand},
	} {
		ms, err := DecodeMeterBands(hexA(t, c.hex))
		if !errors.Is(err, c.err) || ms != nil {
			t.Errorf("DecodeMeterBands(%s: %s) = %v, %v; want nil, %v", c.name, c.hex, ms, err, c.err)
		}
	}
	for _, ms := range [][]MeterBand{{nil}, {MeterBandExperimenter{Data: make([]byte, 0x10000)}}} {
		if b, err := AppendMeterBands([]byte{1}, ms); err == nil || len(b) != 1 {
			t.Errorf("AppendMeterBands(bad) = %d bytes, %v; want 1, error", len(b), err)
		}
	}
}

// TestMeterBandOVS wraps the bands in a METER_MOD and checks that
// ovs-ofctl reads them as written.
func TestMeterBandOVS(t *testing.T) {
	body := []byte{0, 0, 0, 5, 0, 0, 0, 1} // add, kbps|burst|stats, meter 1
	body, err := AppendMeterBands(body, bandsA)
	if err != nil {
		t.Fatal(err)
	}
	out := ofpPrintMsgA(t, wrapA(29, body), "OFPT_METER_MOD")
	for _, w := range []string{"meter=1", "type=drop rate=1000 burst_size=100", "type=dscp_remark rate=2000 burst_size=200 prec_level=1"} {
		if !strings.Contains(out, w) {
			t.Errorf("ovs-ofctl does not show %q:\n%s", w, out)
		}
	}
}

// FuzzMeterBands: DecodeMeterBands never panics, and what decodes
// round-trips.
func FuzzMeterBands(f *testing.F) {
	f.Add(hexA(f, bandsAHex+"ffff 0018 00000001 00000002 00002320 0102030405060708"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := DecodeMeterBands(b)
		if err != nil {
			return
		}
		if ms == nil {
			t.Fatalf("DecodeMeterBands(%x) = nil, nil", b)
		}
		enc, err := AppendMeterBands(nil, ms)
		if err != nil {
			t.Fatalf("AppendMeterBands(%v): %v", ms, err)
		}
		ms2, err := DecodeMeterBands(enc)
		if err != nil || !reflect.DeepEqual(ms, ms2) || len(enc) != len(b) {
			t.Fatalf("decode→encode→decode: %v, %v != %v", ms2, err, ms)
		}
	})
}
