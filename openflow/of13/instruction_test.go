package of13

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// instructionCases is every instruction type with its wire form and its
// String.
var instructionCases = []struct {
	i    Instruction
	hex  string
	text string
}{
	{InstructionGotoTable{TableID: 3}, "0001 0008 03000000", "goto_table:3"},
	{InstructionWriteMetadata{Metadata: 1, Mask: 0xff}, "0002 0018 00000000 0000000000000001 00000000000000ff", "write_metadata:0x1/0xff"},
	{InstructionWriteMetadata{Metadata: 1, Mask: ^uint64(0)}, "0002 0018 00000000 0000000000000001 ffffffffffffffff", "write_metadata:0x1"},
	{InstructionWriteActions{Actions: []Action{ActionOutput{Port: 1}}}, "0003 0018 00000000 0000 0010 00000001 0000 000000000000", "write_actions(output:1)"},
	{InstructionWriteActions{Actions: []Action{}}, "0003 0008 00000000", "write_actions(drop)"},
	{InstructionApplyActions{Actions: []Action{ActionPopVLAN{}, ActionOutput{Port: 2}}}, "0004 0020 00000000 0012 0008 00000000 0000 0010 00000002 0000 000000000000", "apply_actions(pop_vlan,output:2)"},
	{InstructionApplyActions{Actions: []Action{}}, "0004 0008 00000000", "apply_actions(drop)"},
	{InstructionClearActions{}, "0005 0008 00000000", "clear_actions"},
	{InstructionMeter{MeterID: 7}, "0006 0008 00000007", "meter:7"},
	{InstructionExperimenter{Experimenter: 0x2320, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}}, "ffff 0010 00002320 0102030405060708", "experimenter_instruction(0x2320,0x0102030405060708)"},
	{InstructionExperimenter{Experimenter: 0x2320, Data: []byte{}}, "ffff 0008 00002320", "experimenter_instruction(0x2320,0x)"},
}

func TestInstructionRoundTrip(t *testing.T) {
	seen := map[InstructionType]bool{}
	var all []Instruction
	var allHex []byte
	for _, c := range instructionCases {
		want := hexA(t, c.hex)
		got, err := AppendInstructions([]byte{0xaa}, []Instruction{c.i})
		if err != nil {
			t.Errorf("AppendInstructions(%s): %v", c.text, err)
			continue
		}
		if !bytes.Equal(got, append([]byte{0xaa}, want...)) {
			t.Errorf("AppendInstructions(%s) = %x; want aa%x", c.text, got, want)
		}
		if s := c.i.String(); s != c.text {
			t.Errorf("%T.String() = %q; want %q", c.i, s, c.text)
		}
		is, err := DecodeInstructions(want)
		if err != nil || len(is) != 1 || !reflect.DeepEqual(is[0], c.i) {
			t.Errorf("DecodeInstructions(%x) = %v, %v; want [%v]", want, is, err, c.i)
		}
		if !strings.HasPrefix(c.text, c.i.InstructionType().String()) {
			t.Errorf("%T: InstructionType().String() = %q, not a prefix of %q", c.i, c.i.InstructionType(), c.text)
		}
		seen[c.i.InstructionType()] = true
		all = append(all, c.i)
		allHex = append(allHex, want...)
	}
	for _, ty := range []InstructionType{1, 2, 3, 4, 5, 6, 0xffff} {
		if !seen[ty] {
			t.Errorf("no case for instruction type %s", ty)
		}
	}
	is, err := DecodeInstructions(allHex)
	if err != nil || !reflect.DeepEqual(is, all) {
		t.Errorf("DecodeInstructions(all) = %v, %v; want %v", is, err, all)
	}
	if is, err := DecodeInstructions(nil); err != nil || is == nil || len(is) != 0 {
		t.Errorf("DecodeInstructions(nil) = %#v, %v; want empty, nil", is, err)
	}
}

func TestInstructionsString(t *testing.T) {
	for _, c := range []struct {
		is   []Instruction
		want string
	}{
		{nil, "drop"},
		{[]Instruction{InstructionApplyActions{}}, "drop"},
		{[]Instruction{InstructionApplyActions{Actions: []Action{ActionOutput{Port: 1}}}, InstructionGotoTable{TableID: 2}}, "output:1,goto_table:2"},
		{[]Instruction{nil, InstructionClearActions{}}, "<nil>,clear_actions"},
	} {
		if got := InstructionsString(c.is); got != c.want {
			t.Errorf("InstructionsString(%v) = %q; want %q", c.is, got, c.want)
		}
	}
	for ty, want := range map[InstructionType]string{1: "goto_table", 2: "write_metadata", 3: "write_actions", 4: "apply_actions", 5: "clear_actions", 6: "meter", 0xffff: "experimenter", 7: "instruction7"} {
		if got := ty.String(); got != want {
			t.Errorf("InstructionType(%d).String() = %q; want %q", ty, got, want)
		}
	}
}

func TestInstructionExperimenterPadding(t *testing.T) {
	got, err := AppendInstructions(nil, []Instruction{InstructionExperimenter{Experimenter: 1, Data: []byte{9}}})
	if want := hexA(t, "ffff 0010 00000001 0900000000000000"); err != nil || !bytes.Equal(got, want) {
		t.Errorf("AppendInstructions(experimenter with 1 byte) = %x, %v; want %x", got, err, want)
	}
}

func TestDecodeInstructionsErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
		text      string
	}{
		{"short header", "0001 0008 0300", openflow.ErrTruncated, ""},
		{"zero length", "0001 0000 03000000", openflow.ErrBadLength, ""},
		{"length 4", "0001 0004 03000000", openflow.ErrBadLength, ""},
		{"odd length", "0001 0009 03000000 00", openflow.ErrBadLength, ""},
		{"length past end", "0004 0010 00000000", openflow.ErrTruncated, ""},
		{"length 0xfff8 lies", "0004 fff8 00000000 0012 0008 00000000", openflow.ErrTruncated, ""},
		{"goto too long", "0001 0010 03000000 00000000 00000000", openflow.ErrBadLength, ""},
		{"write_metadata short", "0002 0010 00000000 0000000000000001", openflow.ErrBadLength, ""},
		{"meter too long", "0006 0010 00000001 0000000000000000", openflow.ErrBadLength, ""},
		{"clear too long", "0005 0010 00000000 0000000000000000", openflow.ErrBadLength, ""},
		{"bad action inside", "0004 0010 00000000 0063 0008 00000000", ErrUnknownAction, "apply_actions"},
		{"action cut inside", "0003 0010 00000000 0000 0010 00000001", openflow.ErrTruncated, "write_actions"},
		{"unknown type", "0007 0008 00000000", ErrUnknownInstruction, "unknown instruction type 7 (0x0007)"},
		{"unknown type 0", "0000 0008 00000000", ErrUnknownInstruction, "type 0"},
		{"second bad", "0005 0008 00000000 0009 0008 00000000", ErrUnknownInstruction, "offset 8"},
	} {
		is, err := DecodeInstructions(hexA(t, c.hex))
		if !errors.Is(err, c.err) || is != nil {
			t.Errorf("DecodeInstructions(%s: %s) = %v, %v; want nil, %v", c.name, c.hex, is, err, c.err)
			continue
		}
		if !strings.Contains(err.Error(), c.text) {
			t.Errorf("DecodeInstructions(%s) error %q does not say %q", c.name, err, c.text)
		}
	}
}

func TestAppendInstructionsErrors(t *testing.T) {
	many := make([]Action, 5000)
	for i := range many {
		many[i] = ActionOutput{Port: 1}
	}
	for _, c := range []struct {
		name string
		is   []Instruction
		err  error
	}{
		{"nil", []Instruction{InstructionClearActions{}, nil}, nil},
		{"nil action", []Instruction{InstructionApplyActions{Actions: []Action{nil}}}, nil},
		{"bad action", []Instruction{InstructionWriteActions{Actions: []Action{ActionSetField{Field: maskedA(OXMInPort(1))}}}}, ErrNotMaskable},
		{"too many actions", []Instruction{InstructionApplyActions{Actions: many}}, openflow.ErrTooLong},
		{"huge experimenter", []Instruction{InstructionExperimenter{Data: make([]byte, 0x10000)}}, openflow.ErrTooLong},
	} {
		b, err := AppendInstructions([]byte{1}, c.is)
		if err == nil || (c.err != nil && !errors.Is(err, c.err)) || !bytes.Equal(b, []byte{1}) {
			t.Errorf("AppendInstructions(%s) = %d bytes, %v; want 1 byte, %v", c.name, len(b), err, c.err)
		}
	}
}

// maskedA gives o an all-ones mask, for tests of masks where none may go.
func maskedA(o OXM) OXM {
	o.Mask = bytes.Repeat([]byte{0xff}, len(o.Value))
	return o
}

// FuzzInstructions: DecodeInstructions never panics nor returns (nil,
// nil), and a list that decodes re-encodes to one that decodes the same.
func FuzzInstructions(f *testing.F) {
	var all []byte
	for _, c := range instructionCases {
		f.Add(hexA(f, c.hex))
		all = append(all, hexA(f, c.hex)...)
	}
	f.Add(all)
	for _, v := range flowVecsA {
		msg := flowModA(f, &Match{Fields: v.m}, v.is)
		var m Match
		n, _ := m.Decode(msg[flowModFixedA:])
		f.Add(msg[flowModFixedA+n:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		is, err := DecodeInstructions(b)
		if err != nil {
			if is != nil {
				t.Fatalf("DecodeInstructions failed but returned %v", is)
			}
			return
		}
		if is == nil {
			t.Fatalf("DecodeInstructions(%x) = nil, nil", b)
		}
		enc, err := AppendInstructions(nil, is)
		if err != nil {
			t.Fatalf("AppendInstructions(%v) of decoded instructions: %v", is, err)
		}
		if len(enc) != len(b) {
			t.Fatalf("re-encoded %d bytes; decoded %d", len(enc), len(b))
		}
		is2, err := DecodeInstructions(enc)
		if err != nil || !reflect.DeepEqual(is, is2) {
			t.Fatalf("decode→encode→decode: %v, %v != %v", is2, err, is)
		}
		_ = InstructionsString(is)
	})
}
