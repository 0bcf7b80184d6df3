package of13

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// flowModFixedA is the length of ofp_flow_mod before its match.
const flowModFixedA = 48

// flowModA wraps a match and instructions into a whole OpenFlow 1.3
// FLOW_MOD (add, table 0, priority 0x8000, no buffer, any port and group),
// built here by hand so that ovs-ofctl ofp-print can check them without
// this package's flow_mod code.
func flowModA(t testing.TB, m *Match, is []Instruction) []byte {
	t.Helper()
	b := []byte{4, 14, 0, 0, 0, 0, 0, 1}
	b = append(b, make([]byte, 16)...) // cookie, cookie mask
	b = append(b, 0, 0)                // table 0, command add
	b = append(b, 0, 0, 0, 0, 0x80, 0) // idle, hard timeouts, priority
	b = binary.BigEndian.AppendUint32(b, NoBuffer)
	b = binary.BigEndian.AppendUint32(b, uint32(PortAny))
	b = binary.BigEndian.AppendUint32(b, GroupAny)
	b = append(b, 0, 0, 0, 0) // flags, pad
	var err error
	if m == nil {
		m = &Match{}
	}
	if b, err = m.AppendBinary(b); err != nil {
		t.Fatalf("Match.AppendBinary: %v", err)
	}
	if b, err = AppendInstructions(b, is); err != nil {
		t.Fatalf("AppendInstructions: %v", err)
	}
	binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
	return b
}

// splitFlowModA decodes the match and instructions of a whole FLOW_MOD
// built by flowModA.
func splitFlowModA(t testing.TB, b []byte) (*Match, []Instruction) {
	t.Helper()
	if len(b) < flowModFixedA {
		t.Fatalf("flow mod of %d bytes", len(b))
	}
	m := &Match{}
	n, err := m.Decode(b[flowModFixedA:])
	if err != nil {
		t.Fatalf("Match.Decode(%x): %v", b[flowModFixedA:], err)
	}
	is, err := DecodeInstructions(b[flowModFixedA+n:])
	if err != nil {
		t.Fatalf("DecodeInstructions(%x): %v", b[flowModFixedA+n:], err)
	}
	return m, is
}

// ofpPrintA runs ovs-ofctl ofp-print over a whole message and returns what
// it prints. It fails the test if the output reports bad, truncated or
// invalid bytes or a decode error.
func ofpPrintA(t testing.TB, msg []byte) string {
	t.Helper()
	return ofpPrintMsgA(t, msg, "OFPT_FLOW_MOD")
}

// ofpPrintMsgA is ofpPrintA for a message that ovs-ofctl must name name.
func ofpPrintMsgA(t testing.TB, msg []byte, name string) string {
	t.Helper()
	path, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-ofctl not on PATH: %v", err)
		}
		t.Skip("ovs-ofctl not on PATH: cannot cross-check vectors")
	}
	h := hex.EncodeToString(msg)
	out, err := exec.Command(path, "ofp-print", h).CombinedOutput()
	if err != nil {
		t.Fatalf("ovs-ofctl ofp-print %s: %v\n%s", h, err, out)
	}
	s := string(out)
	low := strings.ToLower(s)
	for _, bad := range []string{"bad", "truncated", "invalid", "decode error", "warn"} {
		if strings.Contains(low, bad) {
			t.Fatalf("ovs-ofctl ofp-print %s reports %q:\n%s", h, bad, s)
		}
	}
	if !strings.Contains(s, name) {
		t.Fatalf("ovs-ofctl ofp-print %s does not print %s:\n%s", h, name, s)
	}
	return s
}

// flowVecA is a FLOW_MOD golden vector: a match and instructions, the
// file they live in under testdata, and what ovs-ofctl must print of them
// (in its own names: dl_src for eth_src, nw_src for ipv4_src, ...).
type flowVecA struct {
	file string
	m    []OXM
	is   []Instruction
	ovs  []string
}

func ethTA(t uint16) OXM { return OXMEthType(t) }
func ipPA(p uint8) OXM   { return OXMIPProto(p) }

var flowVecsA = []flowVecA{
	{"flow_mod_oxm_l2.hex",
		[]OXM{OXMInPort(7), OXMMetadataMasked(0x12, 0xff), OXMEthDstMasked(ouiA, maskA), OXMEthSrc(macA), OXMVLANVID(0x1005), OXMVLANPCP(3), OXMTunnelIDMasked(0x1234, 0xffff)},
		[]Instruction{InstructionGotoTable{TableID: 1}},
		[]string{"in_port=7", "metadata=0x12/0xff", "dl_dst=00:01:02:00:00:00/ff:ff:ff:00:00:00", "dl_src=00:01:02:03:04:05", "dl_vlan=5", "dl_vlan_pcp=3", "tun_id=0x1234/0xffff", "actions=goto_table:1"}},
	{"flow_mod_oxm_ipv4_tcp.hex",
		[]OXM{ethTA(0x800), OXMIPDSCP(10), OXMIPECN(2), ipPA(6), OXMIPv4SrcPrefix(prefixA("10.1.0.0/16")), OXMIPv4Dst(addrA("10.0.0.2")), OXMTCPSrc(80), OXMTCPDst(443)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionSetField{Field: OXMIPv4Dst(addrA("10.0.0.9"))}, ActionDecNWTTL{}, ActionSetNWTTL{TTL: 9}, ActionOutput{Port: 2}}}},
		[]string{"tcp", "nw_src=10.1.0.0/16", "nw_dst=10.0.0.2", "nw_tos=40", "nw_ecn=2", "tp_src=80", "tp_dst=443", "actions=set_field:10.0.0.9->ip_dst,dec_ttl,mod_nw_ttl:9,output:2"}},
	{"flow_mod_oxm_udp_sctp_icmp.hex",
		[]OXM{ethTA(0x800), ipPA(17), OXMUDPSrc(53), OXMUDPDst(67)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionSetField{Field: OXMUDPDst(68)}, ActionOutput{Port: PortController, MaxLen: ControllerMaxLenNoBuffer}}}},
		[]string{"udp", "tp_src=53", "tp_dst=67", "actions=set_field:68->udp_dst,CONTROLLER:65535"}},
	{"flow_mod_oxm_sctp.hex",
		[]OXM{ethTA(0x800), ipPA(132), OXMSCTPSrc(1), OXMSCTPDst(2)},
		[]Instruction{InstructionWriteActions{Actions: []Action{ActionSetQueue{QueueID: 3}, ActionOutput{Port: 1}}}},
		[]string{"sctp", "tp_src=1", "tp_dst=2", "actions=write_actions(set_queue:3,output:1)"}},
	{"flow_mod_oxm_icmp.hex",
		[]OXM{ethTA(0x800), ipPA(1), OXMICMPv4Type(8), OXMICMPv4Code(0)},
		[]Instruction{InstructionMeter{MeterID: 1}, InstructionApplyActions{Actions: []Action{ActionGroup{GroupID: 5}}}},
		[]string{"icmp", "icmp_type=8", "icmp_code=0", "actions=meter:1,group:5"}},
	{"flow_mod_oxm_arp.hex",
		[]OXM{ethTA(0x806), OXMARPOp(1), OXMARPSPAMasked(addrA("10.0.0.0"), addrA("255.0.0.0")), OXMARPTPA(addrA("10.0.0.1")), OXMARPSHAMasked(ouiA, maskA), OXMARPTHA(macA)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionSetField{Field: OXMARPTHA(macA)}, ActionOutput{Port: PortInPort}}}},
		[]string{"arp", "arp_op=1", "arp_spa=10.0.0.0/8", "arp_tpa=10.0.0.1", "arp_sha=00:01:02:00:00:00/ff:ff:ff:00:00:00", "arp_tha=00:01:02:03:04:05", "actions=set_field:00:01:02:03:04:05->arp_tha,IN_PORT"}},
	{"flow_mod_oxm_ipv6.hex",
		[]OXM{ethTA(0x86dd), OXMIPv6SrcPrefix(prefixA("2001:db8::/32")), OXMIPv6Dst(addrA("2001:db8::1")), OXMIPv6FLabelMasked(0x12345, 0xfffff)},
		[]Instruction{InstructionClearActions{}, InstructionWriteMetadata{Metadata: 1, Mask: 3}, InstructionGotoTable{TableID: 5}},
		[]string{"ipv6", "ipv6_src=2001:db8::/32", "ipv6_dst=2001:db8::1", "ipv6_label=0x12345", "actions=clear_actions,write_metadata:0x1/0x3,goto_table:5"}},
	{"flow_mod_oxm_icmpv6_nd.hex",
		[]OXM{ethTA(0x86dd), ipPA(58), OXMICMPv6Type(135), OXMICMPv6Code(0), OXMIPv6NDTarget(addrA("fe80::1")), OXMIPv6NDSLL(macA)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionOutput{Port: PortFlood}}}},
		[]string{"icmp6", "icmp_type=135", "icmp_code=0", "nd_target=fe80::1", "nd_sll=00:01:02:03:04:05", "actions=FLOOD"}},
	{"flow_mod_oxm_nd_tll.hex",
		[]OXM{ethTA(0x86dd), ipPA(58), OXMICMPv6Type(136), OXMIPv6NDTLL(macA)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionOutput{Port: PortAll}, ActionOutput{Port: PortLocal}}}},
		[]string{"icmp6", "icmp_type=136", "nd_tll=00:01:02:03:04:05", "actions=ALL,LOCAL"}},
	{"flow_mod_oxm_mpls.hex",
		[]OXM{ethTA(0x8847), OXMMPLSLabel(100), OXMMPLSTC(3), OXMMPLSBOS(1)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionSetMPLSTTL{TTL: 7}, ActionDecMPLSTTL{}, ActionPopMPLS{EtherType: 0x800}, ActionOutput{Port: PortNormal}}}},
		[]string{"mpls", "mpls_label=100", "mpls_tc=3", "mpls_bos=1", "actions=set_mpls_ttl(7),dec_mpls_ttl,pop_mpls:0x0800,NORMAL"}},
	{"flow_mod_actions_push.hex",
		[]OXM{OXMInPort(1)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionPushVLAN{EtherType: 0x8100}, ActionSetField{Field: OXMVLANVID(0x1005)}, ActionPushMPLS{EtherType: 0x8847}, ActionSetField{Field: OXMMPLSLabel(5)}, ActionOutput{Port: 2}}}},
		[]string{"in_port=1", "actions=push_vlan:0x8100,set_field:4101->vlan_vid,push_mpls:0x8847,set_field:5->mpls_label,output:2"}},
	{"flow_mod_actions_pop_vlan.hex",
		[]OXM{OXMVLANVIDMasked(0x1000, 0x1000)},
		[]Instruction{InstructionApplyActions{Actions: []Action{ActionPopVLAN{}, ActionSetField{Field: OXMEthDst(macA)}, ActionSetField{Field: OXMTunnelID(5)}, ActionSetField{Field: OXMMetadata(6)}, ActionExperimenter{Experimenter: 0x2320, Data: []byte{0, 1, 0, 5, 0, 0, 0, 0}}}}},
		[]string{"vlan_tci=0x1000/0x1000", "actions=pop_vlan,set_field:00:01:02:03:04:05->eth_dst,set_field:0x5->tun_id,set_field:0x6->metadata,resubmit:5"}},
	{"flow_mod_oxm_raw_classes.hex",
		[]OXM{ethTA(0x800), ipPA(6), {Class: ClassNXM1, Field: 0, Value: []byte{0, 0, 0, 5}}, {Class: ClassExperimenter, Field: 42, Experimenter: 0x4f4e4600, Value: []byte{0, 0x12}}},
		[]Instruction{InstructionApplyActions{}},
		[]string{"tcp", "reg0=0x5", "tcp_flags=syn|ack", "actions=drop"}},
	{"flow_mod_match_empty.hex", nil, nil, []string{"ADD actions=drop"}},
}

// TestFlowVectors checks each golden FLOW_MOD: the bytes in testdata are
// what this package encodes, they decode back to the same match and
// instructions, re-encode byte for byte, and ovs-ofctl prints them without
// complaint and with the fields and actions encoded. go test -update
// rewrites the files.
func TestFlowVectors(t *testing.T) {
	for _, v := range flowVecsA {
		t.Run(v.file, func(t *testing.T) {
			m := &Match{Fields: v.m}
			msg := flowModA(t, m, v.is)
			path := filepath.Join("testdata", v.file)
			if *update {
				var s strings.Builder
				s.WriteString("# OpenFlow 1.3 FLOW_MOD: " + m.String() + " actions=" + InstructionsString(v.is) + "\n")
				s.WriteString("# (owner A's match/instruction vector; checked with ovs-ofctl ofp-print)\n")
				for i := 0; i < len(msg); i += 16 {
					s.WriteString(hex.EncodeToString(msg[i:min(i+16, len(msg))]) + "\n")
				}
				if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			golden := readHexA(t, path)
			if !bytes.Equal(golden, msg) {
				t.Fatalf("%s = %x; this package encodes %x", path, golden, msg)
			}
			dm, dis := splitFlowModA(t, golden)
			if !dm.Equal(m) {
				t.Errorf("decoded match = %v; want %v", dm, m)
			}
			wantIs := v.is
			if wantIs == nil {
				wantIs = []Instruction{}
			}
			if !reflect.DeepEqual(dis, normInstructions(wantIs)) {
				t.Errorf("decoded instructions = %v; want %v", dis, wantIs)
			}
			if again := flowModA(t, dm, dis); !bytes.Equal(again, golden) {
				t.Errorf("re-encoded = %x; want %x", again, golden)
			}
			out := ofpPrintA(t, golden)
			for _, w := range v.ovs {
				if !strings.Contains(out, w) {
					t.Errorf("ovs-ofctl ofp-print does not show %q:\n%s", w, out)
				}
			}
		})
	}
}

// normInstructions makes the empty action lists of is what decoding gives
// (empty, not nil) and the OXMs in set_field actions unmasked copies, so
// that it compares with reflect.DeepEqual.
func normInstructions(is []Instruction) []Instruction {
	out := make([]Instruction, len(is))
	for k, i := range is {
		switch i := i.(type) {
		case InstructionApplyActions:
			out[k] = InstructionApplyActions{Actions: normActions(i.Actions)}
		case InstructionWriteActions:
			out[k] = InstructionWriteActions{Actions: normActions(i.Actions)}
		default:
			out[k] = i
		}
	}
	return out
}

func normActions(as []Action) []Action {
	out := make([]Action, len(as))
	for k, a := range as {
		if e, ok := a.(ActionExperimenter); ok && e.Data == nil {
			e.Data = []byte{}
			a = e
		}
		out[k] = a
	}
	return out
}

// readHexA reads a golden vector: hex digits, any whitespace, '#'
// comments to the end of the line.
func readHexA(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	var s strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		s.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(s.String())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

func TestMatchRoundTrip(t *testing.T) {
	var all []OXM
	for _, c := range oxmCases {
		all = append(all, c.o)
	}
	for _, fields := range [][]OXM{nil, {OXMInPort(1)}, {OXMEthType(0x800)}, {OXMIPv6SrcPrefix(prefixA("2001:db8::/32"))}, all} {
		m := Match{Fields: fields}
		b, err := m.AppendBinary([]byte{9})
		if err != nil {
			t.Fatalf("AppendBinary(%v): %v", m, err)
		}
		b = b[1:]
		if len(b)%8 != 0 || int(binary.BigEndian.Uint16(b[2:])) != m.Len() || (m.Len()+7)&^7 != len(b) {
			t.Errorf("AppendBinary(%v) = %d bytes, length field %d, Len %d", m, len(b), binary.BigEndian.Uint16(b[2:]), m.Len())
		}
		var d Match
		n, err := d.Decode(append(b, 1, 2, 3))
		if err != nil || n != len(b) {
			t.Fatalf("Decode(%x) = %d, %v; want %d, nil", b, n, err, len(b))
		}
		if !d.Equal(&m) {
			t.Errorf("Decode(%x) = %v; want %v", b, d, m)
		}
		if d.String() != m.String() {
			t.Errorf("String() = %q; want %q", d.String(), m.String())
		}
		// The decoded values are copies, not views of the input.
		for i := range b {
			b[i] = 0
		}
		if !d.Equal(&m) {
			t.Errorf("decoded match changed with its input")
		}
		c := d.Clone()
		d.Reset()
		if len(d.Fields) != 0 || !c.Equal(&m) {
			t.Errorf("Reset or Clone is wrong: %v, %v", d, c)
		}
	}
	if got := (&Match{}).String(); got != "" {
		t.Errorf("empty Match.String() = %q; want \"\"", got)
	}
	m := Match{Fields: []OXM{OXMInPort(1), OXMEthType(0x800)}}
	if got := m.String(); got != "in_port=1,eth_type=0x800" {
		t.Errorf("String() = %q; want in_port=1,eth_type=0x800", got)
	}
	if o, ok := m.Get(FieldEthType); !ok || o.Uint() != 0x800 {
		t.Errorf("Get(eth_type) = %v, %v; want eth_type=0x800, true", o, ok)
	}
	if o, ok := m.Get(FieldIPProto); ok {
		t.Errorf("Get(ip_proto) = %v, true; want false", o)
	}
	m.Add(OXMIPProto(6))
	if len(m.Fields) != 3 {
		t.Errorf("Add did not add")
	}
	if m.Equal(&Match{}) || m.Equal(&Match{Fields: []OXM{OXMInPort(1), OXMEthType(0x800), OXMIPProto(7)}}) {
		t.Errorf("Equal is wrong")
	}
}

func TestMatchDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		name, hex string
		err       error
	}{
		{"empty", "", openflow.ErrTruncated},
		{"short", "000100", openflow.ErrTruncated},
		{"standard type", "0000 0058" + strings.Repeat("00", 84), ErrBadMatchType},
		{"length < 4", "0001 0003 00000000", openflow.ErrBadLength},
		{"length 0", "0001 0000 00000000", openflow.ErrBadLength},
		{"no padding", "0001 0004", openflow.ErrTruncated},
		{"padding cut", "0001 000c 80000004 00000001 0000", openflow.ErrTruncated},
		{"length past end", "0001 0010 80000004 00000001", openflow.ErrTruncated},
		{"tlv past length", "0001 000a 80000004 00000001 0000 0000", openflow.ErrTruncated},
		{"zero tlv", "0001 0008 80000000", openflow.ErrBadLength},
		{"bad tlv width", "0001 000a 80000002 0001 000000000000", openflow.ErrBadLength},
		{"masked in_port", "0001 0010 80000108 00000001 ffffffff", ErrNotMaskable},
		{"tlv header cut", "0001 000a 80000004 00000001 8000 000000000000", openflow.ErrTruncated},
		{"length lies 0xffff", "0001 ffff 80000004 00000001", openflow.ErrTruncated},
	} {
		m := Match{Fields: []OXM{OXMInPort(3)}}
		n, err := m.Decode(hexA(t, c.hex))
		if !errors.Is(err, c.err) || n != 0 || len(m.Fields) != 0 {
			t.Errorf("Decode(%s: %s) = %d, %v, %d fields; want 0, %v, 0 fields", c.name, c.hex, n, err, len(m.Fields), c.err)
		}
	}
}

func TestMatchEncodeErrors(t *testing.T) {
	big := make([]OXM, 300)
	for i := range big {
		big[i] = OXM{Class: ClassNXM1, Field: 1, Value: make([]byte, 250)}
	}
	for _, c := range []struct {
		name string
		m    Match
		err  error
	}{
		{"bad field", Match{Fields: []OXM{{Class: ClassOpenFlowBasic, Field: FieldInPort, Value: []byte{1}}}}, openflow.ErrBadLength},
		{"too long", Match{Fields: big}, openflow.ErrTooLong},
	} {
		b, err := c.m.AppendBinary([]byte{7})
		if !errors.Is(err, c.err) || !bytes.Equal(b, []byte{7}) {
			t.Errorf("AppendBinary(%s) = %d bytes, %v; want 1 byte, %v", c.name, len(b), err, c.err)
		}
	}
}

// TestMatchDecodeAllocs checks that decoding into a reused Match
// allocates nothing once warm.
func TestMatchDecodeAllocs(t *testing.T) {
	var all []OXM
	for _, c := range oxmCases {
		all = append(all, c.o)
	}
	big, err := (&Match{Fields: all}).AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	small, _ := (&Match{Fields: all[:3]}).AppendBinary(nil)
	var m Match
	if _, err := m.Decode(big); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := m.Decode(small); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Decode(big); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Match.Decode into a reused Match: %v allocs per run; want 0", allocs)
	}
	if len(m.Fields) != len(all) {
		t.Errorf("Decode gave %d fields; want %d", len(m.Fields), len(all))
	}
}

func BenchmarkMatchDecode(b *testing.B) {
	m := Match{Fields: []OXM{OXMInPort(1), OXMEthType(0x800), OXMIPProto(6), OXMIPv4SrcPrefix(prefixA("10.0.0.0/8")), OXMTCPDst(80)}}
	p, _ := m.AppendBinary(nil)
	var d Match
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Decode(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatchEncode(b *testing.B) {
	m := Match{Fields: []OXM{OXMInPort(1), OXMEthType(0x800), OXMIPProto(6), OXMIPv4SrcPrefix(prefixA("10.0.0.0/8")), OXMTCPDst(80)}}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if buf, err = m.AppendBinary(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzMatch: Decode never panics, and what decodes re-encodes to bytes
// that decode to the same match.
func FuzzMatch(f *testing.F) {
	for _, v := range flowVecsA {
		msg := flowModA(f, &Match{Fields: v.m}, v.is)
		f.Add(msg[flowModFixedA:])
	}
	f.Add([]byte{0, 1, 0, 4, 0, 0, 0, 0})
	f.Add([]byte{0, 1, 0, 12, 0xff, 0xff, 0x54, 0x06, 0x4f, 0x4e, 0x46, 0, 0, 0x12, 0, 0})
	var m, m2 Match
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := m.Decode(b)
		if err != nil {
			if n != 0 || len(m.Fields) != 0 {
				t.Fatalf("Decode failed but returned %d, %d fields", n, len(m.Fields))
			}
			return
		}
		if n > len(b) || n%8 != 0 {
			t.Fatalf("Decode(%x) = %d", b, n)
		}
		enc, err := m.AppendBinary(nil)
		if err != nil {
			t.Fatalf("AppendBinary(%v) of a decoded match: %v", m, err)
		}
		if len(enc) != n {
			t.Fatalf("re-encoded %d bytes; decoded %d", len(enc), n)
		}
		if _, err := m2.Decode(enc); err != nil {
			t.Fatalf("Decode(re-encoded %x): %v", enc, err)
		}
		if !m2.Equal(&m) {
			t.Fatalf("decode→encode→decode: %v != %v", m2, m)
		}
		_ = m.String()
	})
}

// ovsFlowsA are flows in ovs-ofctl syntax that ovs-ofctl itself encodes
// for TestOVSEncodedFlows: every basic field Open vSwitch supports, Open
// vSwitch's own NXM and experimenter fields (which must pass through
// raw), every action and instruction it supports in OpenFlow 1.3, and
// Nicira experimenter actions.
var ovsFlowsA = []string{
	"in_port=1,actions=output:2",
	"in_port=LOCAL,metadata=0x1234/0xffff,actions=CONTROLLER:65535",
	"dl_src=00:01:02:03:04:05,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=FLOOD,ALL,IN_PORT,NORMAL,LOCAL",
	"dl_type=0x88cc,actions=drop",
	"dl_vlan=5,dl_vlan_pcp=3,actions=pop_vlan,output:1",
	"vlan_tci=0x1000/0x1000,actions=set_field:7->vlan_vid",
	"vlan_tci=0,actions=push_vlan:0x8100,set_field:4101->vlan_vid,set_field:2->vlan_pcp",
	"ip,nw_tos=40,nw_ecn=2,nw_ttl=3,actions=set_field:10->ip_dscp,set_field:1->ip_ecn,dec_ttl,mod_nw_ttl:9",
	"ip,nw_src=10.0.0.0/8,nw_dst=192.168.1.1,actions=set_field:10.0.0.1->ip_src,set_field:10.0.0.2->ip_dst",
	"ip,nw_dst=10.1.0.0/255.255.0.0,nw_proto=47,actions=output:3",
	"tcp,tp_src=80,tp_dst=443,tcp_flags=+syn-ack,actions=set_field:8080->tcp_dst,set_field:1->tcp_src",
	"udp,tp_src=53,tp_dst=67,actions=set_field:68->udp_dst,set_field:1->udp_src",
	"sctp,tp_src=1,tp_dst=2,actions=set_field:3->sctp_dst,set_field:4->sctp_src",
	"icmp,icmp_type=8,icmp_code=0,actions=set_queue:3,output:1",
	"arp,arp_op=1,arp_spa=10.0.0.0/8,arp_tpa=10.0.0.1,arp_sha=00:01:02:03:04:05,arp_tha=00:00:00:00:00:00/ff:ff:ff:00:00:00,actions=set_field:2->arp_op,set_field:10.0.0.9->arp_spa,set_field:00:01:02:03:04:06->arp_sha",
	"ipv6,ipv6_src=2001:db8::/32,ipv6_dst=2001:db8::1,ipv6_label=0x12345,actions=set_field:2001:db8::2->ipv6_dst,set_field:0x1->ipv6_label",
	"icmp6,icmp_type=135,icmp_code=0,nd_target=fe80::1,nd_sll=00:01:02:03:04:05,actions=set_field:fe80::2->nd_target",
	"icmp6,icmp_type=136,nd_tll=00:01:02:03:04:05,actions=set_field:00:01:02:03:04:07->nd_tll",
	"mpls,mpls_label=100,mpls_tc=3,mpls_bos=1,actions=set_field:5->mpls_label,set_field:1->mpls_tc,set_mpls_ttl(5),dec_mpls_ttl,pop_mpls:0x0800",
	"ip,actions=push_mpls:0x8847,set_field:10->mpls_label,output:4",
	"tun_id=0x5,actions=set_field:0x6->tun_id,group:7",
	"tun_id=0x50/0xf0,actions=meter:3,write_actions(output:1),write_metadata:0x1/0x3,goto_table:4",
	"actions=clear_actions,goto_table:2",
	"actions=write_metadata:0x5",
	"reg0=0x5,actions=resubmit(,3)",
	"ip,ct_state=+trk,actions=ct(commit),output:1",
	"actions=note:01.02.03,set_field:0x1/0x1->reg1,output:1",
	"actions=learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[])",
}

// TestOVSEncodedFlows is the other direction of the ovs-ofctl cross-check:
// ovs-ofctl encodes flows and sends them to a fake switch on a Unix
// socket; each FLOW_MOD's match and instructions must decode here and
// re-encode byte for byte.
func TestOVSEncodedFlows(t *testing.T) {
	path, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-ofctl not on PATH: %v", err)
		}
		t.Skip("ovs-ofctl not on PATH: cannot cross-check")
	}
	dir := t.TempDir()
	flows := filepath.Join(dir, "flows")
	if err := os.WriteFile(flows, []byte(strings.Join(ovsFlowsA, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("cannot listen on a Unix socket: %v", err)
	}
	defer ln.Close()
	got := make(chan [][]byte, 1)
	go func() { got <- fakeSwitchA(ln) }()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--no-names", "-O", "OpenFlow13", "add-flows", "unix:"+sock, flows).CombinedOutput()
	if err != nil {
		t.Fatalf("ovs-ofctl add-flows: %v\n%s", err, out)
	}
	ln.Close()
	var mods [][]byte
	select {
	case mods = <-got:
	case <-ctx.Done():
		t.Fatal("fake switch did not finish")
	}
	if len(mods) != len(ovsFlowsA) {
		t.Fatalf("got %d flow mods; want %d", len(mods), len(ovsFlowsA))
	}
	for i, msg := range mods {
		m, is := splitFlowModA(t, msg)
		again := flowModA(t, m, is)
		if !bytes.Equal(again[flowModFixedA:], msg[flowModFixedA:]) {
			t.Errorf("%s:\novs-ofctl encodes %x\nre-encoded       %x", ovsFlowsA[i], msg[flowModFixedA:], again[flowModFixedA:])
		}
		if testing.Verbose() {
			t.Logf("%s\n  => %s actions=%s", ovsFlowsA[i], m, InstructionsString(is))
		}
	}
}

// fakeSwitchA speaks just enough OpenFlow 1.3 on the first connection of
// ln for ovs-ofctl add-flows, and returns the FLOW_MODs it received.
func fakeSwitchA(ln net.Listener) [][]byte {
	c, err := ln.Accept()
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	reply := func(typ uint8, xid []byte, body []byte) {
		b := append([]byte{4, typ, 0, 0}, xid...)
		b = append(b, body...)
		binary.BigEndian.PutUint16(b[2:], uint16(len(b)))
		c.Write(b)
	}
	reply(0, []byte{0, 0, 0, 1}, nil) // hello
	var mods [][]byte
	for {
		h := make([]byte, 8)
		if _, err := io.ReadFull(c, h); err != nil {
			return mods
		}
		n := int(binary.BigEndian.Uint16(h[2:]))
		if n < 8 {
			return mods
		}
		msg := append(h, make([]byte, n-8)...)
		if _, err := io.ReadFull(c, msg[8:]); err != nil {
			return mods
		}
		xid := msg[4:8]
		switch msg[1] {
		case 2: // echo request
			reply(3, xid, msg[8:])
		case 5: // features request
			reply(6, xid, []byte{0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
		case 14:
			mods = append(mods, msg)
		case 18: // multipart request: an empty reply of the same kind
			reply(19, xid, append([]byte{msg[8], msg[9]}, 0, 0, 0, 0, 0, 0))
		case 20: // barrier
			reply(21, xid, nil)
		}
	}
}

// TestStringOVSSyntax feeds Match.String and InstructionsString of the
// golden vectors to ovs-ofctl parse-flow, and checks that Open vSwitch
// reads them as the same flow as the encoded vector. Vectors whose text
// uses fields Open vSwitch does not know (in_phy_port, pbb_isid,
// ipv6_exthdr) or raw experimenter data are left out.
func TestStringOVSSyntax(t *testing.T) {
	path, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-ofctl not on PATH: %v", err)
		}
		t.Skip("ovs-ofctl not on PATH: cannot cross-check")
	}
	checked := 0
	for _, v := range flowVecsA {
		m := &Match{Fields: v.m}
		text := "actions=" + InstructionsString(v.is)
		if len(v.m) > 0 {
			text = m.String() + "," + text
		}
		if strings.Contains(text, "in_phy_port") || strings.Contains(text, "pbb_isid") || strings.Contains(text, "ipv6_exthdr") || strings.Contains(text, "oxm(") || strings.Contains(text, "experimenter") {
			continue
		}
		out, err := exec.Command(path, "-O", "OpenFlow13", "parse-flow", text).CombinedOutput()
		if err != nil {
			t.Errorf("ovs-ofctl parse-flow %q: %v\n%s", text, err, out)
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		parsed := lines[len(lines)-1]
		plines := strings.Split(strings.TrimSpace(ofpPrintA(t, flowModA(t, m, v.is))), "\n")
		printed := plines[len(plines)-1]
		if parsed != printed {
			t.Errorf("%s:\nparse-flow gives %s\nofp-print gives  %s", text, parsed, printed)
		}
		checked++
	}
	if checked < 8 {
		t.Errorf("only %d vectors checked", checked)
	}
}
