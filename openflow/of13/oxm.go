package of13

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// OXMClass is the class of an OXM TLV (ofp_oxm_class).
type OXMClass uint16

// OXM classes.
const (
	ClassNXM0          OXMClass = 0x0000 // Nicira extension fields, old
	ClassNXM1          OXMClass = 0x0001 // Nicira extension fields
	ClassOpenFlowBasic OXMClass = 0x8000 // the OpenFlow basic fields
	ClassExperimenter  OXMClass = 0xffff // experimenter fields, with an experimenter id
)

func (c OXMClass) String() string {
	switch c {
	case ClassNXM0:
		return "NXM_0"
	case ClassNXM1:
		return "NXM_1"
	case ClassOpenFlowBasic:
		return "OPENFLOW_BASIC"
	case ClassExperimenter:
		return "EXPERIMENTER"
	}
	return fmt.Sprintf("0x%04x", uint16(c))
}

// OXMField is a field number within an OXM class; the constants are the
// fields of ClassOpenFlowBasic (OFPXMT_OFB_*).
type OXMField uint8

// The OpenFlow 1.3 basic match fields, in spec order.
const (
	FieldInPort       OXMField = iota // switch input port
	FieldInPhyPort                    // switch physical input port
	FieldMetadata                     // metadata passed between tables
	FieldEthDst                       // Ethernet destination address
	FieldEthSrc                       // Ethernet source address
	FieldEthType                      // Ethernet frame type
	FieldVLANVID                      // VLAN id, with VIDPresent
	FieldVLANPCP                      // VLAN priority
	FieldIPDSCP                       // IP DSCP (6 bits of the ToS field)
	FieldIPECN                        // IP ECN (2 bits of the ToS field)
	FieldIPProto                      // IP protocol
	FieldIPv4Src                      // IPv4 source address
	FieldIPv4Dst                      // IPv4 destination address
	FieldTCPSrc                       // TCP source port
	FieldTCPDst                       // TCP destination port
	FieldUDPSrc                       // UDP source port
	FieldUDPDst                       // UDP destination port
	FieldSCTPSrc                      // SCTP source port
	FieldSCTPDst                      // SCTP destination port
	FieldICMPv4Type                   // ICMP type
	FieldICMPv4Code                   // ICMP code
	FieldARPOp                        // ARP opcode
	FieldARPSPA                       // ARP source IPv4 address
	FieldARPTPA                       // ARP target IPv4 address
	FieldARPSHA                       // ARP source hardware address
	FieldARPTHA                       // ARP target hardware address
	FieldIPv6Src                      // IPv6 source address
	FieldIPv6Dst                      // IPv6 destination address
	FieldIPv6FLabel                   // IPv6 flow label
	FieldICMPv6Type                   // ICMPv6 type
	FieldICMPv6Code                   // ICMPv6 code
	FieldIPv6NDTarget                 // target address for neighbour discovery
	FieldIPv6NDSLL                    // source link-layer address for ND
	FieldIPv6NDTLL                    // target link-layer address for ND
	FieldMPLSLabel                    // MPLS label
	FieldMPLSTC                       // MPLS traffic class
	FieldMPLSBOS                      // MPLS bottom-of-stack bit
	FieldPBBISID                      // PBB I-SID
	FieldTunnelID                     // logical port metadata
	FieldIPv6Exthdr                   // IPv6 extension header pseudo-field
)

// NumFields is the number of OpenFlow 1.3 basic fields.
const NumFields = int(FieldIPv6Exthdr) + 1

// How a field's value prints.
const (
	oxmDec  = iota // decimal, hex mask
	oxmHex         // hex
	oxmEth         // Ethernet address
	oxmIPv4        // dotted quad, prefix or dotted mask
	oxmIPv6        // RFC 5952, prefix or address mask
	oxmPort        // PortNo
)

// oxmInfo is one row of the field table: the single place that knows the
// name, width and maskability of each basic field.
type oxmInfo struct {
	name     string
	width    uint8
	maskable bool
	format   uint8
}

var oxmTable = [NumFields]oxmInfo{
	FieldInPort:       {"in_port", 4, false, oxmPort},
	FieldInPhyPort:    {"in_phy_port", 4, false, oxmPort},
	FieldMetadata:     {"metadata", 8, true, oxmHex},
	FieldEthDst:       {"eth_dst", 6, true, oxmEth},
	FieldEthSrc:       {"eth_src", 6, true, oxmEth},
	FieldEthType:      {"eth_type", 2, false, oxmHex},
	FieldVLANVID:      {"vlan_vid", 2, true, oxmDec},
	FieldVLANPCP:      {"vlan_pcp", 1, false, oxmDec},
	FieldIPDSCP:       {"ip_dscp", 1, false, oxmDec},
	FieldIPECN:        {"ip_ecn", 1, false, oxmDec},
	FieldIPProto:      {"ip_proto", 1, false, oxmDec},
	FieldIPv4Src:      {"ip_src", 4, true, oxmIPv4},
	FieldIPv4Dst:      {"ip_dst", 4, true, oxmIPv4},
	FieldTCPSrc:       {"tcp_src", 2, false, oxmDec},
	FieldTCPDst:       {"tcp_dst", 2, false, oxmDec},
	FieldUDPSrc:       {"udp_src", 2, false, oxmDec},
	FieldUDPDst:       {"udp_dst", 2, false, oxmDec},
	FieldSCTPSrc:      {"sctp_src", 2, false, oxmDec},
	FieldSCTPDst:      {"sctp_dst", 2, false, oxmDec},
	FieldICMPv4Type:   {"icmp_type", 1, false, oxmDec},
	FieldICMPv4Code:   {"icmp_code", 1, false, oxmDec},
	FieldARPOp:        {"arp_op", 2, false, oxmDec},
	FieldARPSPA:       {"arp_spa", 4, true, oxmIPv4},
	FieldARPTPA:       {"arp_tpa", 4, true, oxmIPv4},
	FieldARPSHA:       {"arp_sha", 6, true, oxmEth},
	FieldARPTHA:       {"arp_tha", 6, true, oxmEth},
	FieldIPv6Src:      {"ipv6_src", 16, true, oxmIPv6},
	FieldIPv6Dst:      {"ipv6_dst", 16, true, oxmIPv6},
	FieldIPv6FLabel:   {"ipv6_label", 4, true, oxmHex},
	FieldICMPv6Type:   {"icmpv6_type", 1, false, oxmDec},
	FieldICMPv6Code:   {"icmpv6_code", 1, false, oxmDec},
	FieldIPv6NDTarget: {"nd_target", 16, false, oxmIPv6},
	FieldIPv6NDSLL:    {"nd_sll", 6, false, oxmEth},
	FieldIPv6NDTLL:    {"nd_tll", 6, false, oxmEth},
	FieldMPLSLabel:    {"mpls_label", 4, false, oxmDec},
	FieldMPLSTC:       {"mpls_tc", 1, false, oxmDec},
	FieldMPLSBOS:      {"mpls_bos", 1, false, oxmDec},
	FieldPBBISID:      {"pbb_isid", 3, true, oxmHex},
	FieldTunnelID:     {"tunnel_id", 8, true, oxmHex},
	FieldIPv6Exthdr:   {"ipv6_exthdr", 2, true, oxmHex},
}

// String is the ovs-ofctl name of a basic field ("eth_dst"), or
// "field<n>" for numbers OpenFlow 1.3 does not define.
func (f OXMField) String() string {
	if int(f) < NumFields {
		return oxmTable[f].name
	}
	return "field" + strconv.Itoa(int(f))
}

// Len is the width in bytes of the value of basic field f (0 for numbers
// OpenFlow 1.3 does not define).
func (f OXMField) Len() int {
	if int(f) < NumFields {
		return int(oxmTable[f].width)
	}
	return 0
}

// Maskable reports whether basic field f may carry a mask.
func (f OXMField) Maskable() bool { return int(f) < NumFields && oxmTable[f].maskable }

// Known reports whether f is one of the OpenFlow 1.3 basic fields.
func (f OXMField) Known() bool { return int(f) < NumFields }

// ErrNotMaskable: an OXM carries a mask on a field that takes none.
var ErrNotMaskable = errors.New("field is not maskable")

// OXM is one OpenFlow extensible match TLV. Fields of other classes than
// ClassOpenFlowBasic, and basic fields OpenFlow 1.3 does not define, are
// kept as they came so that nothing is lost.
type OXM struct {
	Class OXMClass
	Field OXMField // 7 bits on the wire
	// Experimenter is the experimenter id of a ClassExperimenter field.
	Experimenter uint32
	Value        []byte
	Mask         []byte // nil when the field is not masked
}

// oxmHeaderLen is the length of the 32-bit OXM header.
const oxmHeaderLen = 4

// payloadLen is the oxm_length of o: value, mask and experimenter id.
func (o OXM) payloadLen() int {
	n := len(o.Value) + len(o.Mask)
	if o.Class == ClassExperimenter {
		n += 4
	}
	return n
}

// WireLen is the encoded length of o including its 4-byte header.
func (o OXM) WireLen() int { return oxmHeaderLen + o.payloadLen() }

func (o OXM) known() bool { return o.Class == ClassOpenFlowBasic && o.Field.Known() }

// Name names the field: the basic field name, or the class and number of
// any other.
func (o OXM) Name() string {
	switch {
	case o.Class == ClassOpenFlowBasic:
		return o.Field.String()
	case o.Class == ClassExperimenter:
		return fmt.Sprintf("oxm(exp=%#x,field=%d)", o.Experimenter, o.Field)
	}
	return fmt.Sprintf("oxm(class=%#04x,field=%d)", uint16(o.Class), o.Field)
}

// Validate checks what the wire demands of o: a 7-bit field number, the
// value width of a basic field, masks only on maskable fields and of the
// value's width, and a length that fits the 8-bit oxm_length.
func (o OXM) Validate() error {
	if o.Field > 0x7f {
		return fmt.Errorf("oxm %s: %w: field number %d does not fit 7 bits", o.Name(), openflow.ErrBadLength, o.Field)
	}
	if o.Mask != nil && len(o.Mask) != len(o.Value) {
		return fmt.Errorf("oxm %s: %w: mask of %d bytes for a value of %d", o.Name(), openflow.ErrBadLength, len(o.Mask), len(o.Value))
	}
	if o.known() {
		w := o.Field.Len()
		if len(o.Value) != w {
			return fmt.Errorf("oxm %s: %w: value of %d bytes, want %d", o.Name(), openflow.ErrBadLength, len(o.Value), w)
		}
		if o.Mask != nil && !o.Field.Maskable() {
			return fmt.Errorf("oxm %s: %w", o.Name(), ErrNotMaskable)
		}
	}
	if o.payloadLen() == 0 {
		return fmt.Errorf("oxm %s: %w: empty value", o.Name(), openflow.ErrBadLength)
	}
	if n := o.payloadLen(); n > 0xff {
		return fmt.Errorf("oxm %s: %w: %d bytes", o.Name(), openflow.ErrTooLong, n)
	}
	return nil
}

// AppendBinary appends the TLV form of o to b.
func (o OXM) AppendBinary(b []byte) ([]byte, error) {
	if err := o.Validate(); err != nil {
		return b, err
	}
	hm := uint32(0)
	if o.Mask != nil {
		hm = 1
	}
	b = binary.BigEndian.AppendUint32(b, uint32(o.Class)<<16|uint32(o.Field)<<9|hm<<8|uint32(o.payloadLen()))
	if o.Class == ClassExperimenter {
		b = binary.BigEndian.AppendUint32(b, o.Experimenter)
	}
	b = append(b, o.Value...)
	return append(b, o.Mask...), nil
}

// parseOXM decodes the OXM TLV at the start of b. Value and Mask alias b.
// It returns the bytes consumed. It does not allocate unless it fails.
func parseOXM(b []byte) (OXM, int, error) {
	if len(b) < oxmHeaderLen {
		return OXM{}, 0, fmt.Errorf("oxm: %w: %d bytes left for a 4-byte header", openflow.ErrTruncated, len(b))
	}
	h := binary.BigEndian.Uint32(b)
	o := OXM{Class: OXMClass(h >> 16), Field: OXMField(h >> 9 & 0x7f)}
	hasMask := h&0x100 != 0
	n := int(h & 0xff)
	if n == 0 {
		return o, 0, fmt.Errorf("oxm %s: %w: zero length", o.Name(), openflow.ErrBadLength)
	}
	if oxmHeaderLen+n > len(b) {
		return o, 0, fmt.Errorf("oxm %s: %w: length %d, %d bytes left", o.Name(), openflow.ErrTruncated, n, len(b)-oxmHeaderLen)
	}
	p := b[oxmHeaderLen : oxmHeaderLen+n : oxmHeaderLen+n]
	if o.Class == ClassExperimenter {
		if len(p) < 4 {
			return o, 0, fmt.Errorf("oxm %s: %w: length %d leaves no room for the experimenter id", o.Name(), openflow.ErrBadLength, n)
		}
		o.Experimenter = binary.BigEndian.Uint32(p)
		p = p[4:]
	}
	if o.known() {
		w := o.Field.Len()
		switch {
		case hasMask && !o.Field.Maskable():
			return o, 0, fmt.Errorf("oxm %s: %w", o.Name(), ErrNotMaskable)
		case hasMask && len(p) != 2*w:
			return o, 0, fmt.Errorf("oxm %s: %w: masked length %d, want %d", o.Name(), openflow.ErrBadLength, len(p), 2*w)
		case !hasMask && len(p) != w:
			return o, 0, fmt.Errorf("oxm %s: %w: length %d, want %d", o.Name(), openflow.ErrBadLength, len(p), w)
		}
	}
	if hasMask {
		if len(p)%2 != 0 {
			return o, 0, fmt.Errorf("oxm %s: %w: odd masked length %d", o.Name(), openflow.ErrBadLength, len(p))
		}
		h := len(p) / 2
		o.Value, o.Mask = p[:h:h], p[h:]
	} else {
		o.Value = p
	}
	return o, oxmHeaderLen + n, nil
}

// DecodeOXM decodes one OXM TLV at the start of b into a value that owns its
// memory, and returns the bytes consumed.
func DecodeOXM(b []byte) (OXM, int, error) {
	o, n, err := parseOXM(b)
	if err != nil {
		return OXM{}, 0, err
	}
	return o.Clone(), n, nil
}

// Clone returns a copy of o that shares no memory with it.
func (o OXM) Clone() OXM {
	o.Value = append([]byte{}, o.Value...)
	if o.Mask != nil {
		o.Mask = append([]byte{}, o.Mask...)
	}
	return o
}

// Equal reports whether o and p are the same field with the same value and
// mask.
func (o OXM) Equal(p *OXM) bool {
	return o.Class == p.Class && o.Field == p.Field && o.Experimenter == p.Experimenter &&
		string(o.Value) == string(p.Value) && (o.Mask == nil) == (p.Mask == nil) && string(o.Mask) == string(p.Mask)
}

// Uint returns the value as a big-endian unsigned integer (the low 8 bytes
// of longer values).
func (o OXM) Uint() uint64 { return beUint(o.Value) }

// MaskUint returns the mask as a big-endian unsigned integer, or all ones
// of the value's width when the field is not masked.
func (o OXM) MaskUint() uint64 {
	if o.Mask == nil {
		if len(o.Value) >= 8 {
			return ^uint64(0)
		}
		return 1<<(8*len(o.Value)) - 1
	}
	return beUint(o.Mask)
}

func beUint(p []byte) uint64 {
	var v uint64
	for _, c := range p {
		v = v<<8 | uint64(c)
	}
	return v
}

// String prints o in ovs-ofctl syntax: "ip_dst=10.0.0.0/8".
func (o OXM) String() string {
	var s strings.Builder
	s.WriteString(o.Name())
	s.WriteByte('=')
	s.WriteString(o.valueString())
	return s.String()
}

// valueString prints the value and mask of o, without the name: in the
// field's own format for a basic field of the right width, in hex bytes
// otherwise.
func (o OXM) valueString() string {
	if !o.known() || len(o.Value) != o.Field.Len() || (o.Mask != nil && len(o.Mask) != len(o.Value)) {
		s := "0x" + hex.EncodeToString(o.Value)
		if o.Mask != nil {
			s += "/0x" + hex.EncodeToString(o.Mask)
		}
		return s
	}
	var s string
	switch oxmTable[o.Field].format {
	case oxmPort:
		s = PortNo(o.Uint()).String()
	case oxmDec:
		s = strconv.FormatUint(o.Uint(), 10)
	case oxmHex:
		s = "0x" + strconv.FormatUint(o.Uint(), 16)
	case oxmEth:
		s = openflow.EthAddr(o.Value).String()
		if o.Mask != nil {
			s += "/" + openflow.EthAddr(o.Mask).String()
		}
		return s
	default: // oxmIPv4, oxmIPv6
		a, _ := netip.AddrFromSlice(o.Value)
		s = a.String()
		if o.Mask != nil {
			if n, ok := prefixLen(o.Mask); ok {
				return s + "/" + strconv.Itoa(n)
			}
			m, _ := netip.AddrFromSlice(o.Mask)
			s += "/" + m.String()
		}
		return s
	}
	if o.Mask != nil {
		s += "/0x" + strconv.FormatUint(o.MaskUint(), 16)
	}
	return s
}

// prefixLen returns the number of leading ones of a CIDR mask, and whether
// the mask is one.
func prefixLen(m []byte) (int, bool) {
	n, i := 0, 0
	for ; i < len(m) && m[i] == 0xff; i++ {
		n += 8
	}
	if i < len(m) {
		l := bits.LeadingZeros8(^m[i])
		if m[i] != byte(0xff<<(8-l)) {
			return 0, false
		}
		n += l
		for i++; i < len(m); i++ {
			if m[i] != 0 {
				return 0, false
			}
		}
	}
	return n, true
}

// Constructors of basic OXM fields. The ...Masked forms take a mask of the
// value's width; the address forms take addresses of the right family
// (an IPv4 address for an IPv6 field encodes as its 4-in-6 mapping).

func oxmBasic(f OXMField, v uint64) OXM {
	w := f.Len()
	p := make([]byte, w)
	for i := w - 1; i >= 0; i-- {
		p[i] = byte(v)
		v >>= 8
	}
	return OXM{Class: ClassOpenFlowBasic, Field: f, Value: p}
}

func oxmBasicMasked(f OXMField, v, m uint64) OXM {
	o := oxmBasic(f, v)
	o.Mask = oxmBasic(f, m).Value
	return o
}

func oxmBytes(f OXMField, v []byte) OXM {
	return OXM{Class: ClassOpenFlowBasic, Field: f, Value: append([]byte{}, v...)}
}

func oxmBytesMasked(f OXMField, v, m []byte) OXM {
	o := oxmBytes(f, v)
	o.Mask = append([]byte{}, m...)
	return o
}

// ip4 returns the 4 bytes of an IPv4 (or 4-in-6) address; zeros for any
// other.
func ip4(a netip.Addr) []byte {
	if a = a.Unmap(); !a.Is4() {
		return make([]byte, 4)
	}
	b := a.As4()
	return b[:]
}

// ip16 returns the 16 bytes of an address (IPv4 as 4-in-6); zeros for the
// zero Addr.
func ip16(a netip.Addr) []byte {
	b := a.As16()
	return b[:]
}

func OXMInPort(p PortNo) OXM              { return oxmBasic(FieldInPort, uint64(p)) }
func OXMInPhyPort(p PortNo) OXM           { return oxmBasic(FieldInPhyPort, uint64(p)) }
func OXMMetadata(v uint64) OXM            { return oxmBasic(FieldMetadata, v) }
func OXMMetadataMasked(v, m uint64) OXM   { return oxmBasicMasked(FieldMetadata, v, m) }
func OXMEthDst(a openflow.EthAddr) OXM    { return oxmBytes(FieldEthDst, a[:]) }
func OXMEthSrc(a openflow.EthAddr) OXM    { return oxmBytes(FieldEthSrc, a[:]) }
func OXMEthType(t uint16) OXM             { return oxmBasic(FieldEthType, uint64(t)) }
func OXMVLANVID(v uint16) OXM             { return oxmBasic(FieldVLANVID, uint64(v)) }
func OXMVLANVIDMasked(v, m uint16) OXM    { return oxmBasicMasked(FieldVLANVID, uint64(v), uint64(m)) }
func OXMVLANPCP(v uint8) OXM              { return oxmBasic(FieldVLANPCP, uint64(v)) }
func OXMIPDSCP(v uint8) OXM               { return oxmBasic(FieldIPDSCP, uint64(v)) }
func OXMIPECN(v uint8) OXM                { return oxmBasic(FieldIPECN, uint64(v)) }
func OXMIPProto(v uint8) OXM              { return oxmBasic(FieldIPProto, uint64(v)) }
func OXMIPv4Src(a netip.Addr) OXM         { return oxmBytes(FieldIPv4Src, ip4(a)) }
func OXMIPv4Dst(a netip.Addr) OXM         { return oxmBytes(FieldIPv4Dst, ip4(a)) }
func OXMTCPSrc(p uint16) OXM              { return oxmBasic(FieldTCPSrc, uint64(p)) }
func OXMTCPDst(p uint16) OXM              { return oxmBasic(FieldTCPDst, uint64(p)) }
func OXMUDPSrc(p uint16) OXM              { return oxmBasic(FieldUDPSrc, uint64(p)) }
func OXMUDPDst(p uint16) OXM              { return oxmBasic(FieldUDPDst, uint64(p)) }
func OXMSCTPSrc(p uint16) OXM             { return oxmBasic(FieldSCTPSrc, uint64(p)) }
func OXMSCTPDst(p uint16) OXM             { return oxmBasic(FieldSCTPDst, uint64(p)) }
func OXMICMPv4Type(v uint8) OXM           { return oxmBasic(FieldICMPv4Type, uint64(v)) }
func OXMICMPv4Code(v uint8) OXM           { return oxmBasic(FieldICMPv4Code, uint64(v)) }
func OXMARPOp(v uint16) OXM               { return oxmBasic(FieldARPOp, uint64(v)) }
func OXMARPSPA(a netip.Addr) OXM          { return oxmBytes(FieldARPSPA, ip4(a)) }
func OXMARPTPA(a netip.Addr) OXM          { return oxmBytes(FieldARPTPA, ip4(a)) }
func OXMARPSHA(a openflow.EthAddr) OXM    { return oxmBytes(FieldARPSHA, a[:]) }
func OXMARPTHA(a openflow.EthAddr) OXM    { return oxmBytes(FieldARPTHA, a[:]) }
func OXMIPv6Src(a netip.Addr) OXM         { return oxmBytes(FieldIPv6Src, ip16(a)) }
func OXMIPv6Dst(a netip.Addr) OXM         { return oxmBytes(FieldIPv6Dst, ip16(a)) }
func OXMIPv6FLabel(v uint32) OXM          { return oxmBasic(FieldIPv6FLabel, uint64(v)) }
func OXMICMPv6Type(v uint8) OXM           { return oxmBasic(FieldICMPv6Type, uint64(v)) }
func OXMICMPv6Code(v uint8) OXM           { return oxmBasic(FieldICMPv6Code, uint64(v)) }
func OXMIPv6NDTarget(a netip.Addr) OXM    { return oxmBytes(FieldIPv6NDTarget, ip16(a)) }
func OXMIPv6NDSLL(a openflow.EthAddr) OXM { return oxmBytes(FieldIPv6NDSLL, a[:]) }
func OXMIPv6NDTLL(a openflow.EthAddr) OXM { return oxmBytes(FieldIPv6NDTLL, a[:]) }
func OXMMPLSLabel(v uint32) OXM           { return oxmBasic(FieldMPLSLabel, uint64(v)) }
func OXMMPLSTC(v uint8) OXM               { return oxmBasic(FieldMPLSTC, uint64(v)) }
func OXMMPLSBOS(v uint8) OXM              { return oxmBasic(FieldMPLSBOS, uint64(v)) }
func OXMPBBISID(v uint32) OXM             { return oxmBasic(FieldPBBISID, uint64(v)) }
func OXMTunnelID(v uint64) OXM            { return oxmBasic(FieldTunnelID, v) }
func OXMIPv6Exthdr(v uint16) OXM          { return oxmBasic(FieldIPv6Exthdr, uint64(v)) }

func OXMEthDstMasked(a, m openflow.EthAddr) OXM { return oxmBytesMasked(FieldEthDst, a[:], m[:]) }
func OXMEthSrcMasked(a, m openflow.EthAddr) OXM { return oxmBytesMasked(FieldEthSrc, a[:], m[:]) }
func OXMIPv4SrcMasked(a, m netip.Addr) OXM      { return oxmBytesMasked(FieldIPv4Src, ip4(a), ip4(m)) }
func OXMIPv4DstMasked(a, m netip.Addr) OXM      { return oxmBytesMasked(FieldIPv4Dst, ip4(a), ip4(m)) }
func OXMARPSPAMasked(a, m netip.Addr) OXM       { return oxmBytesMasked(FieldARPSPA, ip4(a), ip4(m)) }
func OXMARPTPAMasked(a, m netip.Addr) OXM       { return oxmBytesMasked(FieldARPTPA, ip4(a), ip4(m)) }
func OXMARPSHAMasked(a, m openflow.EthAddr) OXM { return oxmBytesMasked(FieldARPSHA, a[:], m[:]) }
func OXMARPTHAMasked(a, m openflow.EthAddr) OXM { return oxmBytesMasked(FieldARPTHA, a[:], m[:]) }
func OXMIPv6SrcMasked(a, m netip.Addr) OXM      { return oxmBytesMasked(FieldIPv6Src, ip16(a), ip16(m)) }
func OXMIPv6DstMasked(a, m netip.Addr) OXM      { return oxmBytesMasked(FieldIPv6Dst, ip16(a), ip16(m)) }
func OXMIPv6FLabelMasked(v, m uint32) OXM {
	return oxmBasicMasked(FieldIPv6FLabel, uint64(v), uint64(m))
}
func OXMPBBISIDMasked(v, m uint32) OXM  { return oxmBasicMasked(FieldPBBISID, uint64(v), uint64(m)) }
func OXMTunnelIDMasked(v, m uint64) OXM { return oxmBasicMasked(FieldTunnelID, v, m) }
func OXMIPv6ExthdrMasked(v, m uint16) OXM {
	return oxmBasicMasked(FieldIPv6Exthdr, uint64(v), uint64(m))
}

// OXMIPv4SrcPrefix matches an IPv4 source prefix such as 10.0.0.0/8.
func OXMIPv4SrcPrefix(p netip.Prefix) OXM { return prefixOXM(FieldIPv4Src, p) }

// OXMIPv4DstPrefix matches an IPv4 destination prefix.
func OXMIPv4DstPrefix(p netip.Prefix) OXM { return prefixOXM(FieldIPv4Dst, p) }

// OXMIPv6SrcPrefix matches an IPv6 source prefix.
func OXMIPv6SrcPrefix(p netip.Prefix) OXM { return prefixOXM(FieldIPv6Src, p) }

// OXMIPv6DstPrefix matches an IPv6 destination prefix.
func OXMIPv6DstPrefix(p netip.Prefix) OXM { return prefixOXM(FieldIPv6Dst, p) }

// prefixOXM builds field f from prefix p: unmasked for a full-length
// prefix, masked otherwise.
func prefixOXM(f OXMField, p netip.Prefix) OXM {
	w := f.Len()
	v := ip16(p.Masked().Addr())
	if w == 4 {
		v = ip4(p.Masked().Addr())
	}
	bitsLen := p.Bits()
	if bitsLen < 0 {
		bitsLen = 0
	}
	if bitsLen >= 8*w {
		return oxmBytes(f, v)
	}
	m := make([]byte, w)
	for i := range m {
		switch {
		case bitsLen >= 8:
			m[i] = 0xff
			bitsLen -= 8
		case bitsLen > 0:
			m[i] = byte(0xff << (8 - bitsLen))
			bitsLen = 0
		}
	}
	return oxmBytesMasked(f, v, m)
}
