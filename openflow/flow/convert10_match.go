package flow

import (
	"fmt"
	"math/bits"
	"net/netip"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
)

var v10 = openflow.Version10

// port10 converts a port number to OpenFlow 1.0's 16 bits.
func port10(p PortNo) (of10.PortNo, error) {
	q, err := PortTo10(p)
	if err != nil {
		return 0, unsupported(v10, "port %d", uint32(p))
	}
	return of10.PortNo(q), nil
}

// match10 converts a model match to ofp_match: OpenFlow 1.0 matches
// exact Ethernet and VLAN fields, IPv4 or ARP addresses by prefix, and
// one pair of transport ports or ICMP type/code.
func match10(m *Match) (of10.Match, error) {
	w := of10.Match{Wildcards: of10.WildcardAll}
	exact := func(f Field, bit of10.Wildcards) error {
		if !m.Exact(f) {
			return unsupported(v10, "a masked %s", f)
		}
		w.Wildcards &^= bit
		return nil
	}
	prefix := func(f Field, a, mask [4]byte) (netip.Addr, int, error) {
		n, ok := prefixLen(mask[:])
		if !ok {
			return netip.Addr{}, 0, unsupported(v10, "%s under a mask that is not a prefix", f)
		}
		return netip.AddrFrom4(a), n, nil
	}
	k := &m.Key
	for bs := nonZero(&m.Mask); bs != 0; bs &= bs - 1 { // the fields m.Has
		f := Field(bits.TrailingZeros64(bs))
		var err error
		switch f {
		case InPort:
			if w.InPort, err = port10(k.InPort); err == nil {
				err = exact(f, of10.WildcardInPort)
			}
		case EthSrc:
			w.DLSrc, err = k.EthSrc, exact(f, of10.WildcardDLSrc)
		case EthDst:
			w.DLDst, err = k.EthDst, exact(f, of10.WildcardDLDst)
		case EthType:
			w.DLType, err = k.EthType, exact(f, of10.WildcardDLType)
		case VLANVID:
			err = vlan10(m, &w)
		case VLANPCP:
			w.DLVLANPCP, err = k.VLANPCP, exact(f, of10.WildcardDLVLANPCP)
		case IPDSCP:
			w.NWTOS, err = k.IPDSCP<<2, exact(f, of10.WildcardNWTOS)
		case IPProto:
			w.NWProto, err = k.IPProto, exact(f, of10.WildcardNWProto)
		case ARPOp:
			if k.ARPOp > 0xff {
				return w, unsupported(v10, "arp_op %d", k.ARPOp)
			}
			w.NWProto, err = uint8(k.ARPOp), exact(f, of10.WildcardNWProto)
		case IPv4Src, ARPSPA:
			var n int
			w.NWSrc, n, err = prefix(f, [4]byte(m.Key.bytesField(f)), [4]byte(m.Mask.bytesField(f)))
			w.Wildcards = w.Wildcards.WithNWSrcPrefix(n)
		case IPv4Dst, ARPTPA:
			var n int
			w.NWDst, n, err = prefix(f, [4]byte(m.Key.bytesField(f)), [4]byte(m.Mask.bytesField(f)))
			w.Wildcards = w.Wildcards.WithNWDstPrefix(n)
		case TCPSrc, UDPSrc:
			v, _ := k.getUintField(f)
			w.TPSrc, err = uint16(v), exact(f, of10.WildcardTPSrc)
		case TCPDst, UDPDst:
			v, _ := k.getUintField(f)
			w.TPDst, err = uint16(v), exact(f, of10.WildcardTPDst)
		case ICMPv4Type:
			w.TPSrc, err = uint16(k.ICMPv4Type), exact(f, of10.WildcardTPSrc)
		case ICMPv4Code:
			w.TPDst, err = uint16(k.ICMPv4Code), exact(f, of10.WildcardTPDst)
		default:
			err = unsupported(v10, "a match on %s", f)
		}
		if err != nil {
			return w, err
		}
	}
	if w.NWSrc == (netip.Addr{}) {
		w.NWSrc = netip.IPv4Unspecified()
	}
	if w.NWDst == (netip.Addr{}) {
		w.NWDst = netip.IPv4Unspecified()
	}
	return w, nil
}

// vlan10 converts vlan_vid: exact tagged or untagged, or any tagged frame
// when the PCP is matched (OpenFlow 1.0 then wildcards dl_vlan).
func vlan10(m *Match, w *of10.Match) error {
	switch v, mk := m.Key.VLANVID, m.Mask.VLANVID; {
	case mk == 0x1fff && v == 0:
		w.DLVLAN = of10.VLANNone
	case mk == 0x1fff && v&VIDPresent != 0:
		w.DLVLAN = v & 0xfff
	case mk == VIDPresent && v == VIDPresent && m.Has(VLANPCP):
		return nil
	default:
		return unsupported(v10, "vlan_vid=%#x/%#x", v, mk)
	}
	w.Wildcards &^= of10.WildcardDLVLAN
	return nil
}

// matchFrom10 converts ofp_match as Open vSwitch does: network and
// transport fields count only where dl_type and nw_proto make them
// meaningful (nw_proto and nw_src/nw_dst are the ARP opcode and addresses
// in an ARP match; tp_src/tp_dst the ICMP type and code in an ICMP one).
func matchFrom10(w *of10.Match) Match {
	var m Match
	wc := w.Wildcards
	has := func(bit of10.Wildcards) bool { return wc&bit == 0 }
	if has(of10.WildcardInPort) {
		m.SetInPort(PortFrom10(uint16(w.InPort)))
	}
	if has(of10.WildcardDLSrc) {
		m.SetEthSrc(w.DLSrc, allOnesMAC)
	}
	if has(of10.WildcardDLDst) {
		m.SetEthDst(w.DLDst, allOnesMAC)
	}
	switch {
	case has(of10.WildcardDLVLAN) && w.DLVLAN == of10.VLANNone:
		m.SetNoVLAN()
	case has(of10.WildcardDLVLAN):
		m.SetVLAN(w.DLVLAN)
		if has(of10.WildcardDLVLANPCP) {
			m.SetVLANPCP(w.DLVLANPCP)
		}
	case has(of10.WildcardDLVLANPCP):
		m.SetAnyVLAN()
		m.SetVLANPCP(w.DLVLANPCP)
	}
	if !has(of10.WildcardDLType) {
		return m
	}
	m.SetEthType(w.DLType)
	src := netip.PrefixFrom(w.NWSrc, 32-w.Wildcards.NWSrcBits())
	dst := netip.PrefixFrom(w.NWDst, 32-w.Wildcards.NWDstBits())
	switch w.DLType {
	case EthTypeIPv4:
		if has(of10.WildcardNWTOS) {
			m.SetIPDSCP(w.NWTOS >> 2)
		}
		if src.Bits() > 0 {
			m.SetIPv4Src(src)
		}
		if dst.Bits() > 0 {
			m.SetIPv4Dst(dst)
		}
		if !has(of10.WildcardNWProto) {
			return m
		}
		m.SetIPProto(w.NWProto)
		switch w.NWProto {
		case IPProtoTCP, IPProtoUDP:
			f := TCPSrc
			if w.NWProto == IPProtoUDP {
				f = UDPSrc
			}
			if has(of10.WildcardTPSrc) {
				m.Key.setUintField(f, uint64(w.TPSrc))
				m.Mask.setUintField(f, 0xffff)
			}
			if has(of10.WildcardTPDst) {
				m.Key.setUintField(f+1, uint64(w.TPDst))
				m.Mask.setUintField(f+1, 0xffff)
			}
		case IPProtoICMP:
			if has(of10.WildcardTPSrc) {
				m.SetICMPv4Type(uint8(w.TPSrc))
			}
			if has(of10.WildcardTPDst) {
				m.SetICMPv4Code(uint8(w.TPDst))
			}
		}
	case EthTypeARP:
		if has(of10.WildcardNWProto) {
			m.SetARPOp(uint16(w.NWProto))
		}
		if src.Bits() > 0 {
			m.SetARPSPA(src)
		}
		if dst.Bits() > 0 {
			m.SetARPTPA(dst)
		}
	}
	return m
}

// tpFields returns the fields OpenFlow 1.0's set_tp_src/set_tp_dst set in
// a flow with match m.
func tpFields(m *Match) (src, dst Field) {
	if m != nil && m.protoIs(IPProtoUDP) {
		return UDPSrc, UDPDst
	}
	return TCPSrc, TCPDst
}

func actions10(as []Action) ([]of10.Action, error) {
	out := make([]of10.Action, 0, len(as))
	queue, queued, used := uint32(0), false, true
	for _, a := range as {
		var w of10.Action
		switch a := a.(type) {
		case Output:
			p, err := port10(a.Port)
			if err != nil {
				return nil, err
			}
			w, used = of10.ActionOutput{Port: p, MaxLen: a.MaxLen}, true
			if queued {
				w = of10.ActionEnqueue{Port: p, QueueID: queue}
			}
		case SetQueue:
			if !used {
				return nil, unsupported(v10, "set_queue:%d without an output after it", queue)
			}
			queue, queued, used = a.QueueID, true, false
			continue
		case PopVLAN:
			w = of10.ActionStripVLAN{}
		case SetField:
			var err error
			if w, err = setField10(a); err != nil {
				return nil, err
			}
		case Experimenter:
			w = of10.ActionVendor{Vendor: a.Experimenter, Data: a.Data}
		default:
			return nil, unsupported(v10, "action %s", a)
		}
		out = append(out, w)
	}
	if !used {
		return nil, unsupported(v10, "set_queue:%d without an output after it", queue)
	}
	return out, nil
}

func setField10(a SetField) (of10.Action, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	v := getUint(a.Value)
	switch a.Field {
	case VLANVID:
		if v&uint64(VIDPresent) != 0 {
			return of10.ActionSetVLANVID{VLANVID: uint16(v & 0xfff)}, nil
		}
	case VLANPCP:
		return of10.ActionSetVLANPCP{VLANPCP: uint8(v)}, nil
	case EthSrc:
		return of10.ActionSetDLSrc{Addr: openflow.EthAddr(a.Value)}, nil
	case EthDst:
		return of10.ActionSetDLDst{Addr: openflow.EthAddr(a.Value)}, nil
	case IPv4Src:
		return of10.ActionSetNWSrc{Addr: netip.AddrFrom4([4]byte(a.Value))}, nil
	case IPv4Dst:
		return of10.ActionSetNWDst{Addr: netip.AddrFrom4([4]byte(a.Value))}, nil
	case IPDSCP:
		return of10.ActionSetNWTOS{TOS: uint8(v) << 2}, nil
	case TCPSrc, UDPSrc:
		return of10.ActionSetTPSrc{Port: uint16(v)}, nil
	case TCPDst, UDPDst:
		return of10.ActionSetTPDst{Port: uint16(v)}, nil
	}
	return nil, unsupported(v10, "action %s", a)
}

// actionsFrom10 converts OpenFlow 1.0 actions; m, the flow's match, says
// whether set_tp_src means TCP or UDP. Enqueue becomes set_queue (unless
// that queue is already selected) and output.
// badArgument10 is the error for an OpenFlow 1.0 action whose value does
// not fit its field: OFPET_BAD_ACTION/OFPBAC_BAD_ARGUMENT, as Open vSwitch
// answers, rather than a value cut to size.
func badArgument10(w of10.Action, v uint16) error {
	return fmt.Errorf("action %s: value %#x out of range: %w", w.ActionType(), v,
		&openflow.ErrorMsg{Ver: openflow.Version10, Type: 2, Code: 5})
}

func actionsFrom10(ws []of10.Action, m *Match) ([]Action, error) {
	var out []Action
	tpSrc, tpDst := tpFields(m)
	queue, queued := uint32(0), false
	for _, w := range ws {
		var a Action
		switch w := w.(type) {
		case of10.ActionOutput:
			a = Output{Port: PortFrom10(uint16(w.Port)), MaxLen: w.MaxLen}
		case of10.ActionEnqueue:
			if !queued || queue != w.QueueID {
				out = append(out, SetQueue{w.QueueID})
				queue, queued = w.QueueID, true
			}
			a = Output{Port: PortFrom10(uint16(w.Port))}
		case of10.ActionSetVLANVID:
			if w.VLANVID > 0xfff {
				return nil, badArgument10(w, w.VLANVID)
			}
			a = SetFieldUint(VLANVID, uint64(VIDPresent|w.VLANVID))
		case of10.ActionSetVLANPCP:
			if w.VLANPCP > 7 {
				return nil, badArgument10(w, uint16(w.VLANPCP))
			}
			a = SetFieldUint(VLANPCP, uint64(w.VLANPCP))
		case of10.ActionStripVLAN:
			a = PopVLAN{}
		case of10.ActionSetDLSrc:
			a = SetField{EthSrc, append([]byte(nil), w.Addr[:]...)}
		case of10.ActionSetDLDst:
			a = SetField{EthDst, append([]byte(nil), w.Addr[:]...)}
		case of10.ActionSetNWSrc:
			a = SetField{IPv4Src, addr4(w.Addr)}
		case of10.ActionSetNWDst:
			a = SetField{IPv4Dst, addr4(w.Addr)}
		case of10.ActionSetNWTOS:
			if w.TOS&3 != 0 { // the ECN bits are not the action's to set
				return nil, badArgument10(w, uint16(w.TOS))
			}
			a = SetFieldUint(IPDSCP, uint64(w.TOS>>2))
		case of10.ActionSetTPSrc:
			a = SetFieldUint(tpSrc, uint64(w.Port))
		case of10.ActionSetTPDst:
			a = SetFieldUint(tpDst, uint64(w.Port))
		case of10.ActionVendor:
			a = Experimenter{w.Vendor, w.Data}
		default:
			return nil, fmt.Errorf("action %s: %w", w.ActionType(), ErrUnsupported)
		}
		out = append(out, a)
	}
	return out, nil
}

func addr4(a netip.Addr) []byte {
	b := a.Unmap().As4()
	return b[:]
}

// instructions10 accepts what OpenFlow 1.0 can do: apply actions only.
func instructions10(is []Instruction) ([]of10.Action, error) {
	var as []Action
	for i, in := range is {
		ap, ok := in.(ApplyActions)
		if !ok {
			return nil, unsupported(v10, "instruction %s (only apply-actions)", in)
		}
		if i > 0 {
			return nil, unsupported(v10, "more than one apply-actions instruction")
		}
		as = ap.Actions
	}
	return actions10(as)
}

// instructionsFrom10 wraps OpenFlow 1.0 actions in one ApplyActions; no
// actions means no instructions.
func instructionsFrom10(ws []of10.Action, m *Match) ([]Instruction, error) {
	as, err := actionsFrom10(ws, m)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return []Instruction{ApplyActions{as}}, nil
}
