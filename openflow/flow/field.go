package flow

import (
	"fmt"
	"strings"
)

// Field is a match field. Its value is the OpenFlow 1.3 OXM basic field
// number (OFPXMT_OFB_*), so Field(oxm.Field) converts directly.
type Field uint8

// The match fields, in OXM order.
const (
	InPort Field = iota
	InPhyPort
	Metadata
	EthDst
	EthSrc
	EthType
	VLANVID
	VLANPCP
	IPDSCP
	IPECN
	IPProto
	IPv4Src
	IPv4Dst
	TCPSrc
	TCPDst
	UDPSrc
	UDPDst
	SCTPSrc
	SCTPDst
	ICMPv4Type
	ICMPv4Code
	ARPOp
	ARPSPA
	ARPTPA
	ARPSHA
	ARPTHA
	IPv6Src
	IPv6Dst
	IPv6FLabel
	ICMPv6Type
	ICMPv6Code
	IPv6NDTarget
	IPv6NDSLL
	IPv6NDTLL
	MPLSLabel
	MPLSTC
	MPLSBOS
	PBBISID
	TunnelID
	IPv6Exthdr

	// NumFields is the number of fields; every Field below it is valid.
	NumFields
)

// OF1.0 ofp_match wildcard bits (OFPFW_*), the OF1.0 column of the table.
const (
	wild10InPort   uint32 = 1 << 0
	wild10DLVLAN   uint32 = 1 << 1
	wild10DLSrc    uint32 = 1 << 2
	wild10DLDst    uint32 = 1 << 3
	wild10DLType   uint32 = 1 << 4
	wild10NWProto  uint32 = 1 << 5
	wild10TPSrc    uint32 = 1 << 6
	wild10TPDst    uint32 = 1 << 7
	wild10NWSrc    uint32 = 0x3f << 8
	wild10NWDst    uint32 = 0x3f << 14
	wild10DLVLANPC uint32 = 1 << 20
	wild10NWTOS    uint32 = 1 << 21
)

// kind says how a field's value is printed and parsed.
type kind uint8

const (
	kindDec  kind = iota // decimal; masked values print in hex
	kindHex              // hexadecimal
	kindPort             // a port number or reserved port name
	kindMAC              // Ethernet address
	kindIPv4             // dotted quad, masks as prefix lengths where CIDR
	kindIPv6             // IPv6 text, masks as prefix lengths where CIDR
)

// fieldInfo is one row of the field table.
type fieldInfo struct {
	name     string   // ovs-ofctl name, what String returns
	aliases  []string // other names Parse accepts (OF1.0/NXM, OXM spec style)
	bits     uint8    // significant bits of the value
	size     uint8    // bytes of the value on the wire (OXM payload length)
	maskable bool     // OF1.3 allows a mask
	prereq   Prereq
	wild10   uint32 // OF1.0 wildcard bits; 0: OF1.0 cannot match the field
	kind     kind
}

// fields is the field table: every encoder, validator, printer and parser
// reads it.
var fields = [NumFields]fieldInfo{
	InPort:       {"in_port", nil, 32, 4, false, PrereqNone, wild10InPort, kindPort},
	InPhyPort:    {"in_phy_port", nil, 32, 4, false, PrereqInPort, 0, kindPort},
	Metadata:     {"metadata", nil, 64, 8, true, PrereqNone, 0, kindHex},
	EthDst:       {"eth_dst", []string{"dl_dst"}, 48, 6, true, PrereqNone, wild10DLDst, kindMAC},
	EthSrc:       {"eth_src", []string{"dl_src"}, 48, 6, true, PrereqNone, wild10DLSrc, kindMAC},
	EthType:      {"eth_type", []string{"dl_type"}, 16, 2, false, PrereqNone, wild10DLType, kindHex},
	VLANVID:      {"vlan_vid", nil, 13, 2, true, PrereqNone, wild10DLVLAN, kindDec},
	VLANPCP:      {"vlan_pcp", []string{"dl_vlan_pcp"}, 3, 1, false, PrereqVLAN, wild10DLVLANPC, kindDec},
	IPDSCP:       {"ip_dscp", nil, 6, 1, false, PrereqIP, wild10NWTOS, kindDec},
	IPECN:        {"ip_ecn", []string{"nw_ecn"}, 2, 1, false, PrereqIP, 0, kindDec},
	IPProto:      {"ip_proto", []string{"nw_proto"}, 8, 1, false, PrereqIP, wild10NWProto, kindDec},
	IPv4Src:      {"ip_src", []string{"nw_src", "ipv4_src"}, 32, 4, true, PrereqIPv4, wild10NWSrc, kindIPv4},
	IPv4Dst:      {"ip_dst", []string{"nw_dst", "ipv4_dst"}, 32, 4, true, PrereqIPv4, wild10NWDst, kindIPv4},
	TCPSrc:       {"tcp_src", []string{"tp_src"}, 16, 2, false, PrereqTCP, wild10TPSrc, kindDec},
	TCPDst:       {"tcp_dst", []string{"tp_dst"}, 16, 2, false, PrereqTCP, wild10TPDst, kindDec},
	UDPSrc:       {"udp_src", nil, 16, 2, false, PrereqUDP, wild10TPSrc, kindDec},
	UDPDst:       {"udp_dst", nil, 16, 2, false, PrereqUDP, wild10TPDst, kindDec},
	SCTPSrc:      {"sctp_src", nil, 16, 2, false, PrereqSCTP, 0, kindDec},
	SCTPDst:      {"sctp_dst", nil, 16, 2, false, PrereqSCTP, 0, kindDec},
	ICMPv4Type:   {"icmp_type", []string{"icmpv4_type"}, 8, 1, false, PrereqICMPv4, wild10TPSrc, kindDec},
	ICMPv4Code:   {"icmp_code", []string{"icmpv4_code"}, 8, 1, false, PrereqICMPv4, wild10TPDst, kindDec},
	ARPOp:        {"arp_op", nil, 16, 2, false, PrereqARP, wild10NWProto, kindDec},
	ARPSPA:       {"arp_spa", nil, 32, 4, true, PrereqARP, wild10NWSrc, kindIPv4},
	ARPTPA:       {"arp_tpa", nil, 32, 4, true, PrereqARP, wild10NWDst, kindIPv4},
	ARPSHA:       {"arp_sha", nil, 48, 6, true, PrereqARP, 0, kindMAC},
	ARPTHA:       {"arp_tha", nil, 48, 6, true, PrereqARP, 0, kindMAC},
	IPv6Src:      {"ipv6_src", nil, 128, 16, true, PrereqIPv6, 0, kindIPv6},
	IPv6Dst:      {"ipv6_dst", nil, 128, 16, true, PrereqIPv6, 0, kindIPv6},
	IPv6FLabel:   {"ipv6_label", []string{"ipv6_flabel"}, 20, 4, true, PrereqIPv6, 0, kindHex},
	ICMPv6Type:   {"icmpv6_type", nil, 8, 1, false, PrereqICMPv6, 0, kindDec},
	ICMPv6Code:   {"icmpv6_code", nil, 8, 1, false, PrereqICMPv6, 0, kindDec},
	IPv6NDTarget: {"nd_target", []string{"ipv6_nd_target"}, 128, 16, false, PrereqND, 0, kindIPv6},
	IPv6NDSLL:    {"nd_sll", []string{"ipv6_nd_sll"}, 48, 6, false, PrereqNDSolicit, 0, kindMAC},
	IPv6NDTLL:    {"nd_tll", []string{"ipv6_nd_tll"}, 48, 6, false, PrereqNDAdvert, 0, kindMAC},
	MPLSLabel:    {"mpls_label", nil, 20, 4, false, PrereqMPLS, 0, kindDec},
	MPLSTC:       {"mpls_tc", nil, 3, 1, false, PrereqMPLS, 0, kindDec},
	MPLSBOS:      {"mpls_bos", nil, 1, 1, false, PrereqMPLS, 0, kindDec},
	PBBISID:      {"pbb_isid", nil, 24, 3, true, PrereqPBB, 0, kindDec},
	TunnelID:     {"tun_id", []string{"tunnel_id"}, 64, 8, true, PrereqNone, 0, kindHex},
	IPv6Exthdr:   {"ipv6_exthdr", nil, 9, 2, true, PrereqIPv6, 0, kindHex},
}

// fieldByName maps every name and alias to its field.
var fieldByName = func() map[string]Field {
	m := make(map[string]Field, 2*int(NumFields))
	for f := range NumFields {
		m[fields[f].name] = f
		for _, a := range fields[f].aliases {
			m[a] = f
		}
	}
	return m
}()

// Valid reports whether f is a field of the table.
func (f Field) Valid() bool { return f < NumFields }

// String returns the ovs-ofctl name of the field ("eth_dst", "ip_src",
// "tcp_dst"), or "field(N)" for a number outside the table.
func (f Field) String() string {
	if !f.Valid() {
		return fmt.Sprintf("field(%d)", uint8(f))
	}
	return fields[f].name
}

// Bits is the number of significant bits of the field's value.
func (f Field) Bits() int {
	if !f.Valid() {
		return 0
	}
	return int(fields[f].bits)
}

// Len is the length of the field's value in bytes, as an OXM carries it.
func (f Field) Len() int {
	if !f.Valid() {
		return 0
	}
	return int(fields[f].size)
}

// Maskable reports whether OpenFlow 1.3 allows an arbitrary mask on f.
func (f Field) Maskable() bool { return f.Valid() && fields[f].maskable }

// Prereq is what a match on f needs the match to establish too.
func (f Field) Prereq() Prereq {
	if !f.Valid() {
		return PrereqNone
	}
	return fields[f].prereq
}

// OF10Wildcards returns the OpenFlow 1.0 ofp_match wildcard bits that
// control f, and false if OpenFlow 1.0 cannot match on f. Several fields
// share bits (tp_src is the TCP or UDP port or the ICMP type, by nw_proto).
func (f Field) OF10Wildcards() (uint32, bool) {
	if !f.Valid() || fields[f].wild10 == 0 {
		return 0, false
	}
	return fields[f].wild10, true
}

// Aliases returns the other names Parse accepts for f.
func (f Field) Aliases() []string {
	if !f.Valid() {
		return nil
	}
	return append([]string(nil), fields[f].aliases...)
}

// ParseField returns the field with the given ovs-ofctl name or alias.
// Names are case-insensitive.
func ParseField(name string) (Field, error) {
	if f, ok := fieldByName[strings.ToLower(name)]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("flow: unknown field %q: %w", name, ErrBadField)
}

// fullMask returns the exact-match mask of f: its low Bits() bits set, in
// big-endian bytes of Len().
func (f Field) fullMask(b []byte) {
	n, bits := f.Len(), f.Bits()
	for i := range b[:n] {
		lo := (n - 1 - i) * 8 // bit number of this byte's lowest bit
		switch {
		case bits >= lo+8:
			b[i] = 0xff
		case bits > lo:
			b[i] = byte(1<<(bits-lo) - 1)
		default:
			b[i] = 0
		}
	}
}
