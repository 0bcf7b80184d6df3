package flow

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// printOrder is the order in which String prints fields: Open vSwitch's
// match_format order, so that our text reads like ovs-ofctl's.
var printOrder = [NumFields]Field{
	TunnelID, Metadata, InPort, InPhyPort, VLANVID, VLANPCP, EthSrc, EthDst, EthType, PBBISID,
	IPv6Src, IPv6Dst, IPv6FLabel, IPv4Src, IPv4Dst, ARPSPA, ARPTPA, IPProto, ARPOp, ARPSHA, ARPTHA,
	IPDSCP, IPECN, MPLSLabel, MPLSTC, MPLSBOS, ICMPv4Type, ICMPv4Code, ICMPv6Type, ICMPv6Code,
	IPv6NDTarget, IPv6NDSLL, IPv6NDTLL, TCPSrc, TCPDst, UDPSrc, UDPDst, SCTPSrc, SCTPDst, IPv6Exthdr,
}

// shorthand is an ovs-ofctl keyword that stands for eth_type and maybe
// ip_proto.
type shorthand struct {
	name    string
	ethType uint16
	proto   uint8 // 0: none
}

var shorthands = []shorthand{
	{"ip", EthTypeIPv4, 0},
	{"ipv6", EthTypeIPv6, 0},
	{"arp", EthTypeARP, 0},
	{"rarp", EthTypeRARP, 0},
	{"mpls", EthTypeMPLS, 0},
	{"mplsm", EthTypeMPLSMcast, 0},
	{"icmp", EthTypeIPv4, IPProtoICMP},
	{"tcp", EthTypeIPv4, IPProtoTCP},
	{"udp", EthTypeIPv4, IPProtoUDP},
	{"sctp", EthTypeIPv4, IPProtoSCTP},
	{"icmp6", EthTypeIPv6, IPProtoICMPv6},
	{"tcp6", EthTypeIPv6, IPProtoTCP},
	{"udp6", EthTypeIPv6, IPProtoUDP},
	{"sctp6", EthTypeIPv6, IPProtoSCTP},
}

// shorthandOf returns the keyword that m's eth_type (and ip_proto) print
// as, and whether it covers ip_proto.
func (m *Match) shorthandOf() (name string, coversProto bool) {
	if m.Mask.EthType != 0xffff {
		return "", false
	}
	best := ""
	for _, s := range shorthands {
		if s.ethType != m.Key.EthType {
			continue
		}
		if s.proto == 0 && best == "" {
			best = s.name
		}
		if s.proto != 0 && m.protoIs(s.proto) {
			return s.name, true
		}
	}
	return best, false
}

// String prints m in ovs-ofctl syntax ("tcp,in_port=1,nw_dst=10.0.0.0/8,
// tp_dst=80"); the empty match prints as "".
func (m Match) String() string { return string(m.AppendText(nil)) }

// AppendText appends the String form of m to b.
func (m *Match) AppendText(b []byte) []byte {
	start := len(b)
	sep := func() {
		if len(b) > start {
			b = append(b, ',')
		}
	}
	sh, coversProto := m.shorthandOf()
	if sh != "" {
		b = append(b, sh...)
	}
	for _, f := range printOrder {
		if !m.Has(f) || (f == EthType && sh != "") || (f == IPProto && coversProto) {
			continue
		}
		if f == VLANVID && m.Key.VLANVID == VIDPresent && m.Mask.VLANVID == VIDPresent && m.Has(VLANPCP) {
			continue // implied by dl_vlan_pcp
		}
		sep()
		b = m.appendField(b, f, m.printName(f))
	}
	return b
}

// printName is the name String uses for f in m: ovs-ofctl's preferred
// alias where the context makes it unambiguous when parsed back.
func (m *Match) printName(f Field) string {
	arp := m.ethIs(EthTypeARP)
	icmp6 := m.Satisfies(PrereqICMPv6)
	switch f {
	case EthSrc:
		return "dl_src"
	case EthDst:
		return "dl_dst"
	case EthType:
		return "dl_type"
	case VLANPCP:
		return "dl_vlan_pcp"
	case IPv4Src:
		if !arp {
			return "nw_src"
		}
	case IPv4Dst:
		if !arp {
			return "nw_dst"
		}
	case IPProto:
		if !arp {
			return "nw_proto"
		}
	case IPECN:
		return "nw_ecn"
	case TCPSrc, TCPDst, UDPSrc, UDPDst, SCTPSrc, SCTPDst:
		if m.protoIs(l4Proto(f)) {
			return [2]string{"tp_src", "tp_dst"}[(f-TCPSrc)%2]
		}
	case ICMPv4Type, ICMPv4Code:
		if icmp6 {
			return [2]string{"icmpv4_type", "icmpv4_code"}[f-ICMPv4Type]
		}
	case ICMPv6Type, ICMPv6Code:
		if icmp6 {
			return [2]string{"icmp_type", "icmp_code"}[f-ICMPv6Type]
		}
	}
	return f.String()
}

// l4Proto is the ip_proto of a transport port field.
func l4Proto(f Field) uint8 {
	switch f {
	case UDPSrc, UDPDst:
		return IPProtoUDP
	case SCTPSrc, SCTPDst:
		return IPProtoSCTP
	}
	return IPProtoTCP
}

// appendField appends name=value[/mask] for field f of m.
func (m *Match) appendField(b []byte, f Field, name string) []byte {
	var vb, mb [16]byte
	v, mk := m.Key.Get(f, vb[:]), m.Mask.Get(f, mb[:])
	exact := m.Exact(f)
	switch {
	case f == VLANVID && exact && m.Key.VLANVID == 0:
		return append(b, "dl_vlan=0xffff"...)
	case f == VLANVID && exact && m.Key.VLANVID&VIDPresent != 0:
		b = append(b, "dl_vlan="...)
		return strconv.AppendUint(b, uint64(m.Key.VLANVID&0xfff), 10)
	case f == VLANVID:
		b = append(b, "vlan_vid=0x"...)
		b = strconv.AppendUint(b, uint64(m.Key.VLANVID), 16)
		b = append(b, "/0x"...)
		return strconv.AppendUint(b, uint64(m.Mask.VLANVID), 16)
	case f == VLANPCP && !m.Has(VLANVID):
		// dl_vlan_pcp would imply a tag; say that only the PCP is matched.
		return fmt.Appendf(b, "vlan_tci=0x%04x/0x%04x", uint16(m.Key.VLANPCP)<<13, uint16(m.Mask.VLANPCP)<<13)
	case f == IPDSCP && name == "ip_dscp" && exact:
		b = append(b, "nw_tos="...)
		return strconv.AppendUint(b, uint64(m.Key.IPDSCP)<<2, 10)
	}
	b = append(b, name...)
	b = append(b, '=')
	if exact {
		mk = nil
	}
	return appendValue(b, f, v, mk)
}

// appendValue appends value (and /mask unless mask is nil) of field f.
func appendValue(b []byte, f Field, v, mask []byte) []byte {
	switch fields[f].kind {
	case kindPort:
		b = append(b, PortNo(getUint(v)).String()...)
		if mask != nil {
			b = append(b, "/0x"...)
			b = strconv.AppendUint(b, getUint(mask), 16)
		}
		return b
	case kindMAC:
		b = append(b, openflow.EthAddr(v).String()...)
		if mask != nil {
			b = append(b, '/')
			b = append(b, openflow.EthAddr(mask).String()...)
		}
		return b
	case kindIPv4, kindIPv6:
		a, _ := netip.AddrFromSlice(v)
		b = a.AppendTo(b)
		if mask != nil {
			b = append(b, '/')
			if n, ok := prefixLen(mask); ok {
				return strconv.AppendInt(b, int64(n), 10)
			}
			a, _ := netip.AddrFromSlice(mask)
			b = a.AppendTo(b)
		}
		return b
	}
	if mask == nil && fields[f].kind == kindDec {
		return strconv.AppendUint(b, getUint(v), 10)
	}
	b = append(b, "0x"...)
	if f == EthType {
		s := strconv.FormatUint(getUint(v), 16)
		b = append(b, strings.Repeat("0", 4-len(s))...)
		b = append(b, s...)
	} else {
		b = strconv.AppendUint(b, getUint(v), 16)
	}
	if mask != nil {
		b = append(b, "/0x"...)
		b = strconv.AppendUint(b, getUint(mask), 16)
	}
	return b
}

// String prints f as a line of `ovs-ofctl dump-flows`: "cookie=0x0,
// duration=1.5s, table=0, n_packets=3, n_bytes=294, priority=1,in_port=1
// actions=output:2".
func (f FlowStats) String() string {
	b := fmt.Appendf(nil, "cookie=%#x, duration=%.3fs, table=%d, n_packets=%d, n_bytes=%d, ",
		f.Cookie, float64(f.DurationSec)+float64(f.DurationNsec)/1e9, f.TableID, f.PacketCount, f.ByteCount)
	if f.IdleTimeout != 0 {
		b = fmt.Appendf(b, "idle_timeout=%d, ", f.IdleTimeout)
	}
	if f.HardTimeout != 0 {
		b = fmt.Appendf(b, "hard_timeout=%d, ", f.HardTimeout)
	}
	b = fmt.Appendf(b, "priority=%d", f.Priority)
	if m := f.Match.AppendText(nil); len(m) > 0 {
		b = append(append(b, ','), m...)
	}
	b = append(b, " actions="...)
	return string(append(b, InstructionsString(f.Instructions)...))
}
