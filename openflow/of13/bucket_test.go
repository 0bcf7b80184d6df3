package of13

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

var bucketsA = []Bucket{
	{Weight: 10, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{ActionOutput{Port: 1}}},
	{Weight: 20, WatchPort: PortAny, WatchGroup: GroupAny, Actions: []Action{ActionSetField{Field: OXMEthDst(macA)}, ActionOutput{Port: 2}}},
}

const bucketsAHex = "0020 000a ffffffff ffffffff 00000000 0000001000000001 0000000000000000" +
	"0030 0014 ffffffff ffffffff 00000000 0019001080000606 0001020304050000 0000001000000002 0000000000000000"

func TestBucketRoundTrip(t *testing.T) {
	want := hexA(t, bucketsAHex)
	b, err := AppendBuckets([]byte{0xaa}, bucketsA)
	if err != nil || !bytes.Equal(b[1:], want) {
		t.Fatalf("AppendBuckets = %x, %v; want aa%x", b, err, want)
	}
	bs, err := DecodeBuckets(want)
	if err != nil || !reflect.DeepEqual(bs, bucketsA) {
		t.Errorf("DecodeBuckets(%x) = %v, %v; want %v", want, bs, err, bucketsA)
	}
	if bs, err := DecodeBuckets(nil); err != nil || bs == nil || len(bs) != 0 {
		t.Errorf("DecodeBuckets(nil) = %#v, %v; want empty, nil", bs, err)
	}
	empty := []Bucket{{WatchPort: 1, WatchGroup: 2, Actions: []Action{}}}
	b, _ = AppendBuckets(nil, empty)
	if bs, err := DecodeBuckets(b); err != nil || !reflect.DeepEqual(bs, empty) || len(b) != 16 {
		t.Errorf("DecodeBuckets(%x) = %v, %v; want %v", b, bs, err, empty)
	}
	for _, c := range []struct {
		k    Bucket
		want string
	}{
		{bucketsA[0], "bucket=weight:10,actions=output:1"},
		{Bucket{WatchPort: 3, WatchGroup: 4}, "bucket=watch_port:3,watch_group:4,actions=drop"},
	} {
		if got := c.k.String(); got != c.want {
			t.Errorf("Bucket.String() = %q; want %q", got, c.want)
		}
	}
}

func TestBucketErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
	}{
		{"short", "0010 0000 ffffffff", openflow.ErrTruncated},
		{"length 8", "0008 0000 ffffffff ffffffff 00000000", openflow.ErrBadLength},
		{"length 0", "0000 0000 ffffffff ffffffff 00000000", openflow.ErrBadLength},
		{"odd length", "0012 0000 ffffffff ffffffff 00000000 0000", openflow.ErrBadLength},
		{"length past end", "0020 0000 ffffffff ffffffff 00000000", openflow.ErrTruncated},
		{"bad action", "0018 0000 ffffffff ffffffff 00000000 0063000800000000", ErrUnknownAction},
	} {
		bs, err := DecodeBuckets(hexA(t, c.hex))
		if !errors.Is(err, c.err) || bs != nil {
			t.Errorf("DecodeBuckets(%s: %s) = %v, %v; want nil, %v", c.name, c.hex, bs, err, c.err)
		}
	}
	many := make([]Action, 5000)
	for i := range many {
		many[i] = ActionOutput{Port: 1}
	}
	for _, bs := range [][]Bucket{{{Actions: []Action{nil}}}, {{Actions: many}}} {
		if b, err := AppendBuckets([]byte{1}, bs); err == nil || len(b) != 1 {
			t.Errorf("AppendBuckets(bad) = %d bytes, %v; want 1, error", len(b), err)
		}
	}
}

// TestBucketOVS wraps the buckets in a GROUP_MOD and checks that
// ovs-ofctl reads them as written.
func TestBucketOVS(t *testing.T) {
	body := []byte{0, 0, 1, 0} // add, select
	body = binary.BigEndian.AppendUint32(body, 7)
	body, err := AppendBuckets(body, bucketsA)
	if err != nil {
		t.Fatal(err)
	}
	out := ofpPrintMsgA(t, wrapA(15, body), "OFPT_GROUP_MOD")
	for _, w := range []string{"group_id=7,type=select", "bucket=weight:10,actions=output:1", "bucket=weight:20,actions=set_field:00:01:02:03:04:05->eth_dst,output:2"} {
		if !strings.Contains(out, w) {
			t.Errorf("ovs-ofctl does not show %q:\n%s", w, out)
		}
	}
}

// FuzzBuckets: DecodeBuckets never panics, and what decodes round-trips.
func FuzzBuckets(f *testing.F) {
	f.Add(hexA(f, bucketsAHex))
	f.Fuzz(func(t *testing.T, b []byte) {
		bs, err := DecodeBuckets(b)
		if err != nil {
			return
		}
		if bs == nil {
			t.Fatalf("DecodeBuckets(%x) = nil, nil", b)
		}
		enc, err := AppendBuckets(nil, bs)
		if err != nil {
			t.Fatalf("AppendBuckets(%v): %v", bs, err)
		}
		bs2, err := DecodeBuckets(enc)
		if err != nil || !reflect.DeepEqual(bs, bs2) {
			t.Fatalf("decode→encode→decode: %v, %v != %v", bs2, err, bs)
		}
	})
}
