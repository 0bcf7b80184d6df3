package flow

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of13"
)

// wireCases are model messages whose Wire encoding must equal Encode's,
// bytes and errors, in both versions.
func wireCases(t testing.TB) []Message {
	parse := func(s string) *FlowMod {
		fm, err := ParseFlowMod(s)
		if err != nil {
			t.Fatalf("ParseFlowMod(%q): %v", s, err)
		}
		return fm
	}
	var learned FlowMod = FlowMod{Command: Add, Priority: 1, IdleTimeout: 60, BufferID: 7, OutPort: PortAny, OutGroup: GroupAny,
		Instructions: []Instruction{ApplyActions{Actions: []Action{Output{Port: 2}}}}}
	learned.Match.SetInPort(1)
	learned.Match.SetEthSrc(openflow.EthAddr{2, 0, 0, 0, 0, 1}, openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	learned.Match.SetEthDst(openflow.EthAddr{2, 0, 0, 0, 0, 2}, openflow.EthAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	return []Message{
		&learned,
		parse("priority=0 actions=CONTROLLER:65535"),
		parse("delete"),
		parse("table=0 priority=5,ip,nw_src=10.0.0.0/8,tcp,tp_dst=80 idle_timeout=3 actions=output:1,output:2"),
		parse("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=output:3"), // masked: no OF1.0
		parse("in_port=1 actions=mod_vlan_vid:5,output:2"),                   // not outputs only
		parse("in_port=1 actions=output:70000"),                              // no OF1.0 port
		parse("in_port=1 actions=goto_table:1"),                              // no OF1.0 instruction
		parse("in_port=1,send_flow_rem,cookie=0x5 actions=drop"),
		&FlowMod{Command: Add, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, Flags: Emerg},
		&FlowMod{Command: Add, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny, TableID: 3},
		&FlowMod{Command: Add, BufferID: NoBuffer, OutPort: PortAny, OutGroup: GroupAny,
			Instructions: []Instruction{WriteActions{Actions: []Action{Output{Port: 1}}}, ApplyActions{Actions: []Action{Output{Port: PortFlood}}}}},
		&PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{Output{Port: PortFlood}}, Data: []byte{1, 2, 3, 4}},
		&PacketOut{BufferID: 9, InPort: PortController},
		&PacketOut{BufferID: NoBuffer, InPort: 70000, Actions: []Action{Output{Port: 1}}},
		&PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{Output{Port: 70000}}},
		&PacketOut{BufferID: NoBuffer, InPort: 1, Actions: []Action{PopVLAN{}, Output{Port: 2, MaxLen: 128}}},
		&BarrierRequest{},
	}
}

func TestWire(t *testing.T) {
	for _, v := range bothVersions {
		for i, m := range wireCases(t) {
			t.Run(fmt.Sprintf("%s/%d", v, i), func(t *testing.T) {
				want, werr := encodeFrame(v, m)
				w, err := Wire(v, m)
				var got []byte
				if err == nil {
					if w.Version() != v {
						t.Errorf("Wire(%s, %v).Version() = %s; want %s", v, m, w.Version(), v)
					}
					got, err = openflow.Append(nil, 5, w)
				}
				// openflow.Append wraps the error Encode returns.
				if (err == nil) != (werr == nil) || err != nil && !strings.HasSuffix(err.Error(), werr.Error()) {
					t.Fatalf("Wire(%s, %v) error = %v; want %v", v, m, err, werr)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("Wire(%s, %v) =\n%x; want\n%x", v, m, got, want)
				}
			})
		}
	}
}

func encodeFrame(v openflow.Version, m Message) ([]byte, error) {
	w, err := m.Encode(v)
	if err != nil {
		return nil, err
	}
	return openflow.Append(nil, 5, w)
}

func TestWireAllocs(t *testing.T) {
	cases := wireCases(t)
	buf := make([]byte, 0, 4096)
	for _, v := range bothVersions {
		for i, m := range cases[:4] {
			w, err := Wire(v, m)
			if err != nil {
				t.Fatal(err)
			}
			got := testing.AllocsPerRun(100, func() {
				w, _ := Wire(v, m)
				buf, _ = w.AppendBinary(buf[:0])
			})
			if got != 0 {
				t.Errorf("Wire(%s, case %d).AppendBinary allocs = %v; want 0", v, i, got)
			}
			_ = w
		}
	}
}

func TestDecodePacketIn(t *testing.T) {
	pi := &PacketIn{BufferID: 3, TotalLen: 60, Reason: ReasonAction, Data: []byte{1, 2, 3}}
	pi.Match.SetInPort(4)
	pi13 := *pi
	pi13.TableID, pi13.Cookie = 2, 9
	for _, c := range []struct {
		v  openflow.Version
		pi *PacketIn
	}{{openflow.Version10, pi}, {openflow.Version13, &pi13}} {
		w, err := c.pi.Encode(c.v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := DecodeAs[*PacketIn](w)
		if err != nil {
			t.Fatal(err)
		}
		var got PacketIn
		got.Cookie = 77 // overwritten
		if err := DecodePacketIn(&got, w); err != nil {
			t.Fatalf("DecodePacketIn(%s) error = %v", c.v, err)
		}
		if diff := cmp.Diff(want, &got); diff != "" {
			t.Errorf("DecodePacketIn(%s) differs from Decode (-want +got):\n%s", c.v, diff)
		}
		if n := testing.AllocsPerRun(100, func() { _ = DecodePacketIn(&got, w) }); n != 0 {
			t.Errorf("DecodePacketIn(%s) allocs = %v; want 0", c.v, n)
		}
	}
	w, _ := (&BarrierRequest{}).Encode(openflow.Version13)
	if err := DecodePacketIn(new(PacketIn), w); err == nil {
		t.Errorf("DecodePacketIn(barrier request) error = nil; want one")
	}
	if err := DecodePacketIn(new(PacketIn), nil); err == nil {
		t.Errorf("DecodePacketIn(nil) error = nil; want one")
	}
}

// TestNonZero checks nonZero against Match.Has, field by field.
func TestNonZero(t *testing.T) {
	if NumFields > 64 {
		t.Fatalf("NumFields = %d; nonZero holds 64", NumFields)
	}
	for f := range NumFields {
		var m Match
		var one [16]byte
		one[f.Len()-1] = 1
		if err := m.Set(f, one[:f.Len()], nil); err != nil {
			t.Fatalf("Set(%s): %v", f, err)
		}
		want := uint64(0)
		for g := range NumFields {
			if m.Has(g) {
				want |= 1 << g
			}
		}
		if got := nonZero(&m.Mask); got != want || got != 1<<f {
			t.Errorf("nonZero(mask of %s) = %#x; want %#x", f, got, want)
		}
	}
}

// TestDecodePacketInBadMatch checks that a packet-in whose match does not
// convert fails and leaves dst zero.
func TestDecodePacketInBadMatch(t *testing.T) {
	w := &of13.PacketIn{BufferID: 1, Match: of13.Match{Fields: []of13.OXM{
		{Class: of13.ClassOpenFlowBasic, Field: 0, Value: []byte{0, 0, 0, 1}},
		{Class: of13.ClassOpenFlowBasic, Field: 0, Value: []byte{0, 0, 0, 2}},
	}}}
	dst := PacketIn{BufferID: 9}
	if err := DecodePacketIn(&dst, w); !errors.Is(err, ErrDupField) {
		t.Errorf("DecodePacketIn(in_port twice) = %v; want ErrDupField", err)
	}
	if !reflect.DeepEqual(dst, PacketIn{}) {
		t.Errorf("dst after an error = %v; want zero", &dst)
	}
}
