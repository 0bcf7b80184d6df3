package flow

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Parse parses a match in ovs-ofctl syntax: comma- or space-separated
// name=value[/mask] pairs and shorthands such as ip, arp, tcp, udp6
// ("in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/8", "tcp,tp_dst=80").
// OpenFlow 1.0 names take their meaning from the match as ovs-ofctl does:
// nw_src and nw_proto mean arp_spa and arp_op in an ARP match, tp_src is
// the TCP, UDP or SCTP port by ip_proto, icmp_type is ICMPv6's in an icmp6
// match. Parse does not check prerequisites; call Validate for that.
func Parse(s string) (Match, error) {
	var p matchParser
	for _, tok := range splitList(s) {
		if err := p.add(tok); err != nil {
			return Match{}, err
		}
	}
	return p.finish()
}

// MustParse is Parse for tests and fixed tables: it panics on error.
func MustParse(s string) Match {
	m, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return m
}

// splitList splits s at commas and white space outside parentheses.
func splitList(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		var c byte = ','
		if i < len(s) {
			c = s[i]
		}
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				if t := s[start:i]; t != "" {
					out = append(out, t)
				}
				start = i + 1
			}
		}
	}
	return out
}

type matchToken struct {
	key, val string
	bare     bool // a keyword without =, such as tcp
}

// matchParser applies tokens in three passes so that context-dependent
// names see eth_type and ip_proto whatever the order they were written in.
type matchParser struct {
	m      Match
	phases [3][]matchToken
	pcp    bool // vlan_pcp given by name: it implies a VLAN tag, as in ovs-ofctl
}

func (p *matchParser) add(tok string) error {
	key, val, hasVal := strings.Cut(tok, "=")
	key = strings.ToLower(strings.TrimSpace(key))
	val = strings.TrimSpace(val)
	phase := 2
	switch key {
	case "eth_type", "dl_type":
		phase = 0
	case "ip_proto", "nw_proto":
		phase = 1
	default:
		if !hasVal {
			phase = 0
		}
	}
	p.phases[phase] = append(p.phases[phase], matchToken{key, val, !hasVal})
	return nil
}

func (p *matchParser) finish() (Match, error) {
	for i := range p.phases {
		for _, t := range p.phases[i] {
			if err := p.apply(t.key, t.val, t.bare); err != nil {
				return Match{}, err
			}
		}
	}
	if p.pcp && !p.m.Has(VLANVID) {
		p.m.SetAnyVLAN()
	}
	return p.m, nil
}

func (p *matchParser) apply(key, val string, bare bool) error {
	if bare {
		for _, s := range shorthands {
			if s.name == key {
				if err := p.setUint(EthType, uint64(s.ethType)); err != nil {
					return err
				}
				if s.proto != 0 {
					return p.setUint(IPProto, uint64(s.proto))
				}
				return nil
			}
		}
		return fmt.Errorf("flow: parse match: unknown keyword %q: %w", key, ErrBadField)
	}
	arp := p.m.ethIs(EthTypeARP) || p.m.ethIs(EthTypeRARP)
	switch key {
	case "dl_vlan":
		n, err := parseUint(val, 16)
		if err != nil || (n > 0xfff && n != 0xffff) {
			return fmt.Errorf("flow: parse match: bad dl_vlan %q: %w", val, ErrBadValue)
		}
		if n == 0xffff {
			return p.setUint(VLANVID, 0)
		}
		return p.setUint(VLANVID, uint64(VIDPresent)|n)
	case "nw_tos":
		n, err := parseUint(val, 8)
		if err != nil || n&3 != 0 {
			return fmt.Errorf("flow: parse match: bad nw_tos %q: %w", val, ErrBadValue)
		}
		return p.setUint(IPDSCP, n>>2)
	case "vlan_tci":
		return p.vlanTCI(val)
	case "vlan_pcp", "dl_vlan_pcp":
		p.pcp = true
	case "nw_src", "nw_dst":
		if arp {
			key = map[string]string{"nw_src": "arp_spa", "nw_dst": "arp_tpa"}[key]
		}
	case "nw_proto":
		if arp {
			key = "arp_op"
		}
	case "tp_src", "tp_dst":
		key = p.tpName(key)
	case "icmp_type", "icmp_code":
		if p.m.Satisfies(PrereqICMPv6) {
			key = "icmpv6" + key[4:]
		}
	}
	f, err := ParseField(key)
	if err != nil {
		return fmt.Errorf("flow: parse match: unknown field %q: %w", key, ErrBadField)
	}
	v, mk, err := parseValue(f, val)
	if err != nil {
		return fmt.Errorf("flow: parse match: %s=%s: %w", key, val, err)
	}
	return p.set(f, v, mk)
}

// tpName resolves tp_src/tp_dst by the match's ip_proto.
func (p *matchParser) tpName(key string) string {
	dir := key[3:]
	switch {
	case p.m.protoIs(IPProtoUDP):
		return "udp_" + dir
	case p.m.protoIs(IPProtoSCTP):
		return "sctp_" + dir
	case p.m.protoIs(IPProtoICMP):
		return map[string]string{"src": "icmp_type", "dst": "icmp_code"}[dir]
	case p.m.protoIs(IPProtoICMPv6):
		return map[string]string{"src": "icmpv6_type", "dst": "icmpv6_code"}[dir]
	}
	return "tcp_" + dir
}

// vlanTCI parses Open vSwitch's vlan_tci=tci[/mask]: the CFI bit is
// OFPVID_PRESENT, the top three bits the PCP.
func (p *matchParser) vlanTCI(val string) error {
	vs, ms, masked := strings.Cut(val, "/")
	v, err := parseUint(vs, 16)
	mk := uint64(0xffff)
	if err == nil && masked {
		mk, err = parseUint(ms, 16)
	}
	if err != nil {
		return fmt.Errorf("flow: parse match: bad vlan_tci %q: %w", val, ErrBadValue)
	}
	if pm := mk >> 13; pm != 0 && pm != 7 {
		return fmt.Errorf("flow: parse match: vlan_tci %q: partial PCP mask: %w", val, ErrUnsupported)
	}
	if mk&0x1fff != 0 {
		if err := p.set(VLANVID, be(v&0x1fff, 2), be(mk&0x1fff, 2)); err != nil {
			return err
		}
	}
	if mk>>13 == 7 && (mk&uint64(VIDPresent) == 0 || v&uint64(VIDPresent) != 0) {
		return p.setUint(VLANPCP, v>>13) // an untagged frame has no PCP to match
	}
	return nil
}

func (p *matchParser) setUint(f Field, v uint64) error {
	if v>>f.Bits() != 0 {
		return &MatchError{Field: f, Err: ErrBadValue}
	}
	return p.set(f, be(v, f.Len()), nil)
}

// set matches f, refusing a second, different value for the same field.
func (p *matchParser) set(f Field, v, mk []byte) error {
	if old, ok := p.m.Get(f); ok {
		var n Match
		if err := n.Set(f, v, mk); err != nil {
			return err
		}
		if nv, _ := n.Get(f); !bytes.Equal(nv.Value, old.Value) || !bytes.Equal(nv.Mask, old.Mask) {
			return &MatchError{Field: f, Err: ErrDupField}
		}
	}
	return p.m.Set(f, v, mk)
}

// be returns v as n big-endian bytes.
func be(v uint64, n int) []byte {
	b := make([]byte, n)
	putUint(b, v)
	return b
}

// parseUint parses a decimal or 0x-prefixed number of at most bits bits.
func parseUint(s string, bits int) (uint64, error) {
	return strconv.ParseUint(s, 0, bits)
}

// parseValue parses value[/mask] for field f.
func parseValue(f Field, s string) (v, mask []byte, err error) {
	vs, ms, masked := strings.Cut(s, "/")
	switch fields[f].kind {
	case kindPort:
		if masked {
			return nil, nil, ErrBadMask
		}
		p, err := ParsePort(vs)
		if err != nil {
			return nil, nil, ErrBadValue
		}
		return be(uint64(p), 4), nil, nil
	case kindMAC:
		v, err := parseMAC(vs)
		if err == nil && masked {
			mask, err = parseMAC(ms)
		}
		return v, mask, err
	case kindIPv4, kindIPv6:
		return parseAddr(f, vs, ms, masked)
	}
	n, err := strconv.ParseUint(vs, 0, 64)
	if err != nil || n>>f.Bits() != 0 {
		return nil, nil, ErrBadValue
	}
	v = be(n, f.Len())
	if masked {
		n, err := strconv.ParseUint(ms, 0, 64)
		if err != nil || n>>f.Bits() != 0 {
			return nil, nil, ErrBadMask
		}
		mask = be(n, f.Len())
	}
	return v, mask, nil
}

func parseMAC(s string) ([]byte, error) {
	hw, err := net.ParseMAC(s)
	if err != nil || len(hw) != 6 {
		return nil, ErrBadValue
	}
	return hw, nil
}

// parseAddr parses an IPv4 or IPv6 address with an optional prefix length
// or address mask.
func parseAddr(f Field, vs, ms string, masked bool) (v, mask []byte, err error) {
	want4 := fields[f].kind == kindIPv4
	a, err := netip.ParseAddr(vs)
	if err != nil || a.Is4() != want4 {
		return nil, nil, ErrBadValue
	}
	v = a.AsSlice()
	if !masked {
		return v, nil, nil
	}
	if n, err := strconv.Atoi(ms); err == nil {
		if n < 0 || n > a.BitLen() {
			return nil, nil, ErrBadMask
		}
		mask = make([]byte, len(v))
		for i := range n {
			mask[i/8] |= 0x80 >> (i % 8)
		}
		return v, mask, nil
	}
	mk, err := netip.ParseAddr(ms)
	if err != nil || mk.Is4() != want4 {
		return nil, nil, ErrBadMask
	}
	return v, mk.AsSlice(), nil
}
