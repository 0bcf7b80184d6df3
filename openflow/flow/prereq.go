package flow

// Prereq is the condition a match must establish before it may match on a
// field (OpenFlow 1.3 §7.2.3.8): an exact eth_type, ip_proto or ICMPv6
// type, a present in_port, or a VLAN tag.
type Prereq uint8

// The prerequisites of the field table.
const (
	PrereqNone      Prereq = iota
	PrereqInPort           // in_port matched
	PrereqVLAN             // vlan_vid matched and not OFPVID_NONE
	PrereqIP               // eth_type=0x0800 or eth_type=0x86dd
	PrereqIPv4             // eth_type=0x0800
	PrereqIPv6             // eth_type=0x86dd
	PrereqARP              // eth_type=0x0806
	PrereqTCP              // IP and ip_proto=6
	PrereqUDP              // IP and ip_proto=17
	PrereqSCTP             // IP and ip_proto=132
	PrereqICMPv4           // IPv4 and ip_proto=1
	PrereqICMPv6           // IPv6 and ip_proto=58
	PrereqND               // ICMPv6 and icmpv6_type=135 or 136
	PrereqNDSolicit        // ICMPv6 and icmpv6_type=135
	PrereqNDAdvert         // ICMPv6 and icmpv6_type=136
	PrereqMPLS             // eth_type=0x8847 or eth_type=0x8848
	PrereqPBB              // eth_type=0x88e7
)

// EtherTypes and IP protocols the prerequisites name.
const (
	EthTypeIPv4      uint16 = 0x0800
	EthTypeARP       uint16 = 0x0806
	EthTypeRARP      uint16 = 0x8035
	EthTypeVLAN      uint16 = 0x8100
	EthTypeIPv6      uint16 = 0x86dd
	EthTypeMPLS      uint16 = 0x8847
	EthTypeMPLSMcast uint16 = 0x8848
	EthTypeQinQ      uint16 = 0x88a8
	EthTypePBB       uint16 = 0x88e7

	IPProtoICMP   uint8 = 1
	IPProtoTCP    uint8 = 6
	IPProtoUDP    uint8 = 17
	IPProtoICMPv6 uint8 = 58
	IPProtoSCTP   uint8 = 132

	ICMPv6NeighborSolicit uint8 = 135
	ICMPv6NeighborAdvert  uint8 = 136
)

// VIDPresent is the OFPVID_PRESENT bit of a vlan_vid value: set when the
// packet has a VLAN tag. A vlan_vid of 0 (OFPVID_NONE) matches untagged
// packets.
const VIDPresent uint16 = 0x1000

var prereqNames = [...]string{
	PrereqNone:      "none",
	PrereqInPort:    "in_port",
	PrereqVLAN:      "vlan_vid!=none",
	PrereqIP:        "eth_type=0x0800 or 0x86dd",
	PrereqIPv4:      "eth_type=0x0800",
	PrereqIPv6:      "eth_type=0x86dd",
	PrereqARP:       "eth_type=0x0806",
	PrereqTCP:       "ip_proto=6",
	PrereqUDP:       "ip_proto=17",
	PrereqSCTP:      "ip_proto=132",
	PrereqICMPv4:    "eth_type=0x0800,ip_proto=1",
	PrereqICMPv6:    "eth_type=0x86dd,ip_proto=58",
	PrereqND:        "icmpv6_type=135 or 136",
	PrereqNDSolicit: "icmpv6_type=135",
	PrereqNDAdvert:  "icmpv6_type=136",
	PrereqMPLS:      "eth_type=0x8847 or 0x8848",
	PrereqPBB:       "eth_type=0x88e7",
}

// String describes the prerequisite in match syntax.
func (p Prereq) String() string {
	if int(p) < len(prereqNames) {
		return prereqNames[p]
	}
	return "prereq(?)"
}

// ethIs reports whether m matches exactly eth_type t.
func (m *Match) ethIs(t uint16) bool { return m.Mask.EthType == 0xffff && m.Key.EthType == t }

// protoIs reports whether m matches exactly ip_proto p.
func (m *Match) protoIs(p uint8) bool { return m.Mask.IPProto == 0xff && m.Key.IPProto == p }

func (m *Match) isIP() bool { return m.ethIs(EthTypeIPv4) || m.ethIs(EthTypeIPv6) }

func (m *Match) icmp6TypeIs(t uint8) bool {
	return m.Mask.ICMPv6Type == 0xff && m.Key.ICMPv6Type == t
}

// Satisfies reports whether m establishes prerequisite p.
func (m *Match) Satisfies(p Prereq) bool {
	switch p {
	case PrereqNone:
		return true
	case PrereqInPort:
		return m.Mask.InPort != 0
	case PrereqVLAN:
		return m.Mask.VLANVID&VIDPresent != 0 && m.Key.VLANVID&VIDPresent != 0
	case PrereqIP:
		return m.isIP()
	case PrereqIPv4:
		return m.ethIs(EthTypeIPv4)
	case PrereqIPv6:
		return m.ethIs(EthTypeIPv6)
	case PrereqARP:
		return m.ethIs(EthTypeARP)
	case PrereqTCP:
		return m.isIP() && m.protoIs(IPProtoTCP)
	case PrereqUDP:
		return m.isIP() && m.protoIs(IPProtoUDP)
	case PrereqSCTP:
		return m.isIP() && m.protoIs(IPProtoSCTP)
	case PrereqICMPv4:
		return m.ethIs(EthTypeIPv4) && m.protoIs(IPProtoICMP)
	case PrereqICMPv6:
		return m.ethIs(EthTypeIPv6) && m.protoIs(IPProtoICMPv6)
	case PrereqND:
		return m.Satisfies(PrereqICMPv6) && (m.icmp6TypeIs(ICMPv6NeighborSolicit) || m.icmp6TypeIs(ICMPv6NeighborAdvert))
	case PrereqNDSolicit:
		return m.Satisfies(PrereqICMPv6) && m.icmp6TypeIs(ICMPv6NeighborSolicit)
	case PrereqNDAdvert:
		return m.Satisfies(PrereqICMPv6) && m.icmp6TypeIs(ICMPv6NeighborAdvert)
	case PrereqMPLS:
		return m.ethIs(EthTypeMPLS) || m.ethIs(EthTypeMPLSMcast)
	case PrereqPBB:
		return m.ethIs(EthTypePBB)
	}
	return false
}
