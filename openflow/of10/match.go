package of10

import (
	"encoding/binary"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Wildcards is the ofp_flow_wildcards bit set of an ofp_match: a set bit
// means the field is ignored. The nw_src and nw_dst addresses instead have
// a 6-bit count of ignored low-order bits (0 = exact, 32 or more = any).
type Wildcards uint32

// Wildcard bits.
const (
	WildcardInPort    Wildcards = 1 << 0
	WildcardDLVLAN    Wildcards = 1 << 1
	WildcardDLSrc     Wildcards = 1 << 2
	WildcardDLDst     Wildcards = 1 << 3
	WildcardDLType    Wildcards = 1 << 4
	WildcardNWProto   Wildcards = 1 << 5
	WildcardTPSrc     Wildcards = 1 << 6
	WildcardTPDst     Wildcards = 1 << 7
	WildcardDLVLANPCP Wildcards = 1 << 20
	WildcardNWTOS     Wildcards = 1 << 21

	WildcardNWSrcShift           = 8
	WildcardNWSrcMask  Wildcards = 0x3f << WildcardNWSrcShift
	WildcardNWSrcAll   Wildcards = 32 << WildcardNWSrcShift
	WildcardNWDstShift           = 14
	WildcardNWDstMask  Wildcards = 0x3f << WildcardNWDstShift
	WildcardNWDstAll   Wildcards = 32 << WildcardNWDstShift

	// WildcardAll ignores every field.
	WildcardAll Wildcards = 1<<22 - 1
)

// NWSrcBits is the number of ignored low-order bits of nw_src, 0 to 32.
func (w Wildcards) NWSrcBits() int { return min(int(w&WildcardNWSrcMask)>>WildcardNWSrcShift, 32) }

// NWDstBits is the number of ignored low-order bits of nw_dst, 0 to 32.
func (w Wildcards) NWDstBits() int { return min(int(w&WildcardNWDstMask)>>WildcardNWDstShift, 32) }

// WithNWSrcPrefix returns w with nw_src matching a prefix of n bits
// (0 = any, 32 = exact).
func (w Wildcards) WithNWSrcPrefix(n int) Wildcards {
	return w&^WildcardNWSrcMask | Wildcards(32-clampPrefix(n))<<WildcardNWSrcShift
}

// WithNWDstPrefix returns w with nw_dst matching a prefix of n bits.
func (w Wildcards) WithNWDstPrefix(n int) Wildcards {
	return w&^WildcardNWDstMask | Wildcards(32-clampPrefix(n))<<WildcardNWDstShift
}

func clampPrefix(n int) int { return max(0, min(n, 32)) }

var wildcardNames = [...]struct {
	w    Wildcards
	name string
}{
	{WildcardInPort, "in_port"}, {WildcardDLVLAN, "dl_vlan"}, {WildcardDLSrc, "dl_src"},
	{WildcardDLDst, "dl_dst"}, {WildcardDLType, "dl_type"}, {WildcardNWProto, "nw_proto"},
	{WildcardTPSrc, "tp_src"}, {WildcardTPDst, "tp_dst"}, {WildcardDLVLANPCP, "dl_vlan_pcp"},
	{WildcardNWTOS, "nw_tos"},
}

// String names the ignored fields, joined by "|"; a partly ignored address
// prints as the prefix still matched ("nw_src/24"). WildcardAll prints as
// "all" and an exact match as "exact".
func (w Wildcards) String() string {
	const flags = WildcardAll &^ (WildcardNWSrcMask | WildcardNWDstMask)
	if w&flags == flags && w.NWSrcBits() == 32 && w.NWDstBits() == 32 && w&^WildcardAll == 0 {
		return "all"
	}
	var parts []string
	for _, n := range wildcardNames {
		if w&n.w != 0 {
			parts = append(parts, n.name)
		}
	}
	for _, a := range [...]struct {
		name string
		bits int
	}{{"nw_src", w.NWSrcBits()}, {"nw_dst", w.NWDstBits()}} {
		switch {
		case a.bits >= 32:
			parts = append(parts, a.name)
		case a.bits > 0:
			parts = append(parts, a.name+"/"+strconv.Itoa(32-a.bits))
		}
	}
	if rest := w &^ WildcardAll; rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	if len(parts) == 0 {
		return "exact"
	}
	return strings.Join(parts, "|")
}

// MatchLen is the length of ofp_match.
const MatchLen = 40

// Match is ofp_match. Fields whose Wildcards bit is set are ignored. The
// addresses are IPv4; the zero netip.Addr encodes as 0.0.0.0 and decoding
// always yields an IPv4 address.
type Match struct {
	Wildcards Wildcards
	InPort    PortNo
	DLSrc     openflow.EthAddr
	DLDst     openflow.EthAddr
	DLVLAN    uint16 // VLANNone: no VLAN header
	DLVLANPCP uint8
	DLType    uint16
	NWTOS     uint8 // DSCP in the upper 6 bits
	NWProto   uint8 // or the low 8 bits of the ARP opcode
	NWSrc     netip.Addr
	NWDst     netip.Addr
	TPSrc     uint16 // or ICMP type
	TPDst     uint16 // or ICMP code
}

// AppendBinary appends the 40-byte ofp_match.
func (m *Match) AppendBinary(b []byte) ([]byte, error) { return appendMatch(b, m), nil }

func appendMatch(b []byte, m *Match) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(m.Wildcards))
	b = binary.BigEndian.AppendUint16(b, uint16(m.InPort))
	b = append(b, m.DLSrc[:]...)
	b = append(b, m.DLDst[:]...)
	b = binary.BigEndian.AppendUint16(b, m.DLVLAN)
	b = append(b, m.DLVLANPCP, 0)
	b = binary.BigEndian.AppendUint16(b, m.DLType)
	b = append(b, m.NWTOS, m.NWProto, 0, 0)
	b = appendIPv4(b, m.NWSrc)
	b = appendIPv4(b, m.NWDst)
	b = binary.BigEndian.AppendUint16(b, m.TPSrc)
	return binary.BigEndian.AppendUint16(b, m.TPDst)
}

// appendIPv4 appends a as 4 bytes: an invalid (zero) Addr as 0.0.0.0, an
// IPv4-mapped IPv6 address as its IPv4 form. Other IPv6 addresses cannot
// be held and also append 0.0.0.0; Match users set IPv4 addresses.
func appendIPv4(b []byte, a netip.Addr) []byte {
	if a.Is4() || a.Is4In6() {
		v := a.Unmap().As4()
		return append(b, v[:]...)
	}
	return append(b, 0, 0, 0, 0)
}

// DecodeMatch decodes the ofp_match at the start of b.
func DecodeMatch(b []byte) (Match, error) {
	r := wire.NewReader(b)
	m := readMatch(&r)
	if r.Err() != nil {
		return Match{}, short(&r)
	}
	return m, nil
}

func readMatch(r *wire.Reader) Match {
	var m Match
	m.Wildcards = Wildcards(r.U32())
	m.InPort = PortNo(r.U16())
	m.DLSrc = r.Array6()
	m.DLDst = r.Array6()
	m.DLVLAN = r.U16()
	m.DLVLANPCP = r.U8()
	r.Skip(1)
	m.DLType = r.U16()
	m.NWTOS = r.U8()
	m.NWProto = r.U8()
	r.Skip(2)
	m.NWSrc = readIPv4(r)
	m.NWDst = readIPv4(r)
	m.TPSrc = r.U16()
	m.TPDst = r.U16()
	return m
}

func readIPv4(r *wire.Reader) netip.Addr {
	var a [4]byte
	copy(a[:], r.Bytes(4))
	return netip.AddrFrom4(a)
}

// Ethernet types and IP protocols that the flow syntax abbreviates.
const (
	ethTypeIPv4 = 0x0800
	ethTypeARP  = 0x0806
	ipProtoICMP = 1
	ipProtoTCP  = 6
	ipProtoUDP  = 17
	ipProtoSCTP = 132
)

// String prints the fields the match does not ignore in ovs-ofctl flow
// syntax ("tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80"); a match of
// everything prints as "".
func (m *Match) String() string {
	w := m.Wildcards
	var parts []string
	add := func(s string) { parts = append(parts, s) }
	isSet := func(bit Wildcards) bool { return w&bit == 0 }
	proto := isSet(WildcardNWProto)
	arp, ip := false, false
	if isSet(WildcardDLType) {
		switch m.DLType {
		case ethTypeIPv4:
			ip = true
			switch {
			case proto && m.NWProto == ipProtoICMP:
				add("icmp")
			case proto && m.NWProto == ipProtoTCP:
				add("tcp")
			case proto && m.NWProto == ipProtoUDP:
				add("udp")
			case proto && m.NWProto == ipProtoSCTP:
				add("sctp")
			default:
				add("ip")
				ip = false // nw_proto still to print
			}
		case ethTypeARP:
			arp = true
			add("arp")
		default:
			add("dl_type=0x" + strconv.FormatUint(uint64(m.DLType), 16))
		}
	}
	if isSet(WildcardInPort) {
		add("in_port=" + m.InPort.String())
	}
	if isSet(WildcardDLVLAN) {
		if m.DLVLAN == VLANNone {
			add("dl_vlan=0xffff")
		} else {
			add("dl_vlan=" + strconv.Itoa(int(m.DLVLAN)))
		}
	}
	if isSet(WildcardDLVLANPCP) {
		add("dl_vlan_pcp=" + strconv.Itoa(int(m.DLVLANPCP)))
	}
	if isSet(WildcardDLSrc) {
		add("dl_src=" + m.DLSrc.String())
	}
	if isSet(WildcardDLDst) {
		add("dl_dst=" + m.DLDst.String())
	}
	src, dst, op := "nw_src=", "nw_dst=", "nw_proto="
	if arp {
		src, dst, op = "arp_spa=", "arp_tpa=", "arp_op="
	}
	if bits := w.NWSrcBits(); bits < 32 {
		add(src + formatPrefix(m.NWSrc, 32-bits))
	}
	if bits := w.NWDstBits(); bits < 32 {
		add(dst + formatPrefix(m.NWDst, 32-bits))
	}
	if proto && !ip {
		add(op + strconv.Itoa(int(m.NWProto)))
	}
	if isSet(WildcardNWTOS) {
		add("nw_tos=" + strconv.Itoa(int(m.NWTOS)))
	}
	tps, tpd := "tp_src=", "tp_dst="
	if ip && m.NWProto == ipProtoICMP {
		tps, tpd = "icmp_type=", "icmp_code="
	}
	if isSet(WildcardTPSrc) {
		add(tps + strconv.Itoa(int(m.TPSrc)))
	}
	if isSet(WildcardTPDst) {
		add(tpd + strconv.Itoa(int(m.TPDst)))
	}
	return strings.Join(parts, ",")
}

func formatPrefix(a netip.Addr, n int) string {
	if !a.IsValid() {
		a = netip.IPv4Unspecified()
	}
	if n >= 32 {
		return a.String()
	}
	p, _ := a.Prefix(n)
	return p.String()
}
