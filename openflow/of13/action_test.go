package of13

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// actionCases is every action type with its wire form and its String.
var actionCases = []struct {
	a    Action
	hex  string
	text string
}{
	{ActionOutput{Port: 2}, "0000 0010 00000002 0000 000000000000", "output:2"},
	{ActionOutput{Port: PortController, MaxLen: 128}, "0000 0010 fffffffd 0080 000000000000", "CONTROLLER:128"},
	{ActionOutput{Port: PortNormal}, "0000 0010 fffffffa 0000 000000000000", "NORMAL"},
	{ActionOutput{Port: PortAny}, "0000 0010 ffffffff 0000 000000000000", "output:ANY"},
	{ActionCopyTTLOut{}, "000b 0008 00000000", "copy_ttl_out"},
	{ActionCopyTTLIn{}, "000c 0008 00000000", "copy_ttl_in"},
	{ActionSetMPLSTTL{TTL: 7}, "000f 0008 07000000", "set_mpls_ttl(7)"},
	{ActionDecMPLSTTL{}, "0010 0008 00000000", "dec_mpls_ttl"},
	{ActionPushVLAN{EtherType: 0x8100}, "0011 0008 8100 0000", "push_vlan:0x8100"},
	{ActionPopVLAN{}, "0012 0008 00000000", "pop_vlan"},
	{ActionPushMPLS{EtherType: 0x8847}, "0013 0008 8847 0000", "push_mpls:0x8847"},
	{ActionPopMPLS{EtherType: 0x0800}, "0014 0008 0800 0000", "pop_mpls:0x0800"},
	{ActionSetQueue{QueueID: 3}, "0015 0008 00000003", "set_queue:3"},
	{ActionGroup{GroupID: 5}, "0016 0008 00000005", "group:5"},
	{ActionSetNWTTL{TTL: 64}, "0017 0008 40000000", "mod_nw_ttl:64"},
	{ActionDecNWTTL{}, "0018 0008 00000000", "dec_ttl"},
	{ActionSetField{Field: OXMIPv4Dst(addrA("10.0.0.1"))}, "0019 0010 80001804 0a000001 00000000", "set_field:10.0.0.1->ip_dst"},
	{ActionSetField{Field: OXMIPv6Src(addrA("2001:db8::1"))}, "0019 0018 80003410 20010db8000000000000000000000001", "set_field:2001:db8::1->ipv6_src"},
	{ActionSetField{Field: OXMMetadata(1)}, "0019 0010 80000408 0000000000000001", "set_field:0x1->metadata"},
	{ActionSetField{Field: OXM{Class: ClassExperimenter, Field: 42, Experimenter: 0x4f4e4600, Value: []byte{0, 2}}}, "0019 0010 ffff5406 4f4e4600 0002 0000", "set_field:0x0002->oxm(exp=0x4f4e4600,field=42)"},
	{ActionPushPBB{EtherType: 0x88e7}, "001a 0008 88e7 0000", "push_pbb:0x88e7"},
	{ActionPopPBB{}, "001b 0008 00000000", "pop_pbb"},
	{ActionExperimenter{Experimenter: 0x2320, Data: []byte{0, 1, 0, 5, 0, 0, 0, 0}}, "ffff 0010 00002320 0001000500000000", "experimenter(0x2320,0x0001000500000000)"},
	{ActionExperimenter{Experimenter: 0x1234, Data: []byte{}}, "ffff 0008 00001234", "experimenter(0x1234,0x)"},
}

func TestActionRoundTrip(t *testing.T) {
	seen := map[ActionType]bool{}
	var all []Action
	var allHex []byte
	for _, c := range actionCases {
		want := hexA(t, c.hex)
		got, err := AppendActions([]byte{0xaa}, []Action{c.a})
		if err != nil {
			t.Errorf("AppendActions(%s): %v", c.text, err)
			continue
		}
		if !bytes.Equal(got, append([]byte{0xaa}, want...)) {
			t.Errorf("AppendActions(%s) = %x; want aa%x", c.text, got, want)
		}
		if n := ActionsLen([]Action{c.a}); n != len(want) {
			t.Errorf("ActionsLen(%s) = %d; want %d", c.text, n, len(want))
		}
		if s := c.a.String(); s != c.text {
			t.Errorf("%T.String() = %q; want %q", c.a, s, c.text)
		}
		as, err := DecodeActions(want)
		if err != nil || len(as) != 1 || !reflect.DeepEqual(as[0], c.a) {
			t.Errorf("DecodeActions(%x) = %v, %v; want [%v]", want, as, err, c.a)
		}
		if got := c.a.ActionType().String(); !strings.Contains(c.text, got) && c.a.ActionType() != ActionTypeOutput {
			t.Errorf("%T: ActionType().String() = %q, not in %q", c.a, got, c.text)
		}
		seen[c.a.ActionType()] = true
		all = append(all, c.a)
		allHex = append(allHex, want...)
	}
	for _, ty := range []ActionType{0, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 0xffff} {
		if !seen[ty] {
			t.Errorf("no case for action type %s", ty)
		}
	}
	as, err := DecodeActions(allHex)
	if err != nil || !reflect.DeepEqual(as, all) {
		t.Errorf("DecodeActions(all) = %v, %v; want %v", as, err, all)
	}
	if got, _ := AppendActions(nil, all); !bytes.Equal(got, allHex) {
		t.Errorf("AppendActions(all) = %x; want %x", got, allHex)
	}
	if got := ActionsString(nil); got != "drop" {
		t.Errorf("ActionsString(nil) = %q; want drop", got)
	}
	if got := ActionsString([]Action{ActionOutput{Port: 1}, nil, ActionDecNWTTL{}}); got != "output:1,<nil>,dec_ttl" {
		t.Errorf("ActionsString = %q", got)
	}
	if as, err := DecodeActions(nil); err != nil || as == nil || len(as) != 0 {
		t.Errorf("DecodeActions(nil) = %#v, %v; want empty, nil", as, err)
	}
}

func TestActionExperimenterPadding(t *testing.T) {
	got, err := AppendActions(nil, []Action{ActionExperimenter{Experimenter: 1, Data: []byte{1, 2, 3}}})
	if want := hexA(t, "ffff 0010 00000001 0102030000000000"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("AppendActions(experimenter with 3 bytes) = %x, %v; want %x", got, err, want)
	}
}

func TestActionTypeString(t *testing.T) {
	for ty, want := range map[ActionType]string{ActionTypeOutput: "output", ActionTypeSetField: "set_field", ActionTypePushVLAN: "push_vlan", ActionTypeExperimenter: "experimenter", 1: "action1", 99: "action99"} {
		if got := ty.String(); got != want {
			t.Errorf("ActionType(%d).String() = %q; want %q", ty, got, want)
		}
	}
}

func TestDecodeActionsErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
		text      string
	}{
		{"short header", "0000 0010 0000", openflow.ErrTruncated, ""},
		{"zero length", "0000 0000 00000000", openflow.ErrBadLength, ""},
		{"length 4", "0012 0004 00000000", openflow.ErrBadLength, ""},
		{"length not multiple of 8", "0012 000c 00000000 00000000", openflow.ErrBadLength, ""},
		{"length past end", "0000 0010 00000002 0000", openflow.ErrTruncated, ""},
		{"length 0xffff lies", "0000 fff8 00000002 0000 000000000000", openflow.ErrTruncated, ""},
		{"output too short", "0000 0008 00000002", openflow.ErrBadLength, ""},
		{"output too long", "0000 0018 00000002 0000 000000000000 0000000000000000", openflow.ErrBadLength, ""},
		{"pop_vlan too long", "0012 0010 00000000 00000000 00000000", openflow.ErrBadLength, ""},
		{"set_field masked", "0019 0010 80001908 0a000000 ff000000", ErrNotMaskable, "set_field ip_dst"},
		{"set_field bad width", "0019 0010 80001802 0a00 000000000000", openflow.ErrBadLength, ""},
		{"set_field oxm past action", "0019 0008 80001804", openflow.ErrTruncated, ""},
		{"set_field zero oxm", "0019 0008 00000000", openflow.ErrBadLength, ""},
		{"set_field extra padding", "0019 0018 80001804 0a000001 0000000000000000 00000000", openflow.ErrBadLength, ""},
		{"unknown type 1", "0001 0008 00000000", ErrUnknownAction, "unknown action type 1 (0x0001)"},
		{"unknown type 26 of 1.0 (enqueue is 11 in 1.0; 1.3 has no 2)", "0002 0008 00000000", ErrUnknownAction, "type 2"},
		{"second action bad", "0012 0008 00000000 0063 0008 00000000", ErrUnknownAction, "offset 8"},
	} {
		as, err := DecodeActions(hexA(t, c.hex))
		if !errors.Is(err, c.err) || as != nil {
			t.Errorf("DecodeActions(%s: %s) = %v, %v; want nil, %v", c.name, c.hex, as, err, c.err)
			continue
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("DecodeActions(%s) error %q does not say %q", c.name, err, c.text)
		}
	}
}

func TestAppendActionsErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		as   []Action
		err  error
	}{
		{"nil action", []Action{ActionOutput{}, nil}, nil},
		{"masked set_field", []Action{ActionSetField{Field: OXMMetadataMasked(1, 1)}}, ErrNotMaskable},
		{"bad set_field", []Action{ActionSetField{Field: OXM{Class: ClassOpenFlowBasic, Field: FieldInPort}}}, openflow.ErrBadLength},
		{"huge experimenter", []Action{ActionExperimenter{Data: make([]byte, 0x10000)}}, openflow.ErrTooLong},
	} {
		b, err := AppendActions([]byte{1}, c.as)
		if err == nil || (c.err != nil && !errors.Is(err, c.err)) || !bytes.Equal(b, []byte{1}) {
			t.Errorf("AppendActions(%s) = %x, %v; want [01], %v", c.name, b, err, c.err)
		}
	}
}

// FuzzActions: DecodeActions never panics nor returns (nil, nil), and an
// action list that decodes re-encodes to one that decodes the same.
func FuzzActions(f *testing.F) {
	for _, c := range actionCases {
		f.Add(hexA(f, c.hex))
	}
	var all []byte
	for _, c := range actionCases {
		all = append(all, hexA(f, c.hex)...)
	}
	f.Add(all)
	f.Fuzz(func(t *testing.T, b []byte) {
		as, err := DecodeActions(b)
		if err != nil {
			if as != nil {
				t.Fatalf("DecodeActions failed but returned %v", as)
			}
			return
		}
		if as == nil {
			t.Fatalf("DecodeActions(%x) = nil, nil", b)
		}
		enc, err := AppendActions(nil, as)
		if err != nil {
			t.Fatalf("AppendActions(%v) of decoded actions: %v", as, err)
		}
		if len(enc) != len(b) || ActionsLen(as) != len(b) {
			t.Fatalf("re-encoded %d bytes (ActionsLen %d); decoded %d", len(enc), ActionsLen(as), len(b))
		}
		as2, err := DecodeActions(enc)
		if err != nil || !reflect.DeepEqual(as, as2) {
			t.Fatalf("decode→encode→decode: %v, %v != %v", as2, err, as)
		}
		_ = ActionsString(as)
	})
}
