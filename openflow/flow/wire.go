package flow

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// Wire returns m as a wire message of version v that encodes itself
// straight from m when it is appended (openflow.Append, Conn.Send),
// without the intermediate wire structs that Encode builds. A *FlowMod or
// *PacketOut whose actions are all Output is appended without allocating;
// other messages and actions take the path of Encode, with the same bytes
// and errors. The result reads m when it is appended: m must not change
// until then.
func Wire(v openflow.Version, m Message) (openflow.Message, error) {
	switch x := m.(type) {
	case *FlowMod:
		switch v {
		case openflow.Version10:
			return (*flowMod10)(x), nil
		case openflow.Version13:
			return (*flowMod13)(x), nil
		}
	case *PacketOut:
		switch v {
		case openflow.Version10:
			return (*packetOut10)(x), nil
		case openflow.Version13:
			return (*packetOut13)(x), nil
		}
	}
	return m.Encode(v)
}

// The wire views of model messages that Wire returns.
type (
	flowMod10   FlowMod
	flowMod13   FlowMod
	packetOut10 PacketOut
	packetOut13 PacketOut
)

func (*flowMod10) Version() openflow.Version   { return openflow.Version10 }
func (*flowMod13) Version() openflow.Version   { return openflow.Version13 }
func (*packetOut10) Version() openflow.Version { return openflow.Version10 }
func (*packetOut13) Version() openflow.Version { return openflow.Version13 }
func (*flowMod10) MsgType() uint8              { return uint8(of10.TypeFlowMod) }
func (*flowMod13) MsgType() uint8              { return uint8(of13.TypeFlowMod) }
func (*packetOut10) MsgType() uint8            { return uint8(of10.TypePacketOut) }
func (*packetOut13) MsgType() uint8            { return uint8(of13.TypePacketOut) }

// appendEncoded appends m the slow way, through Encode.
func appendEncoded(b []byte, v openflow.Version, m Message) ([]byte, error) {
	w, err := m.Encode(v)
	if err != nil {
		return b, err
	}
	return w.AppendBinary(b)
}

// outputsOnly reports whether every action of as is an Output.
func outputsOnly(as []Action) bool {
	for _, a := range as {
		if _, ok := a.(Output); !ok {
			return false
		}
	}
	return true
}

// appendOutputs10 appends as, all Outputs, as OpenFlow 1.0 actions.
func appendOutputs10(b []byte, as []Action) ([]byte, bool) {
	for _, a := range as {
		o := a.(Output)
		p, err := PortTo10(o.Port)
		if err != nil {
			return b, false
		}
		b = binary.BigEndian.AppendUint32(b, uint32(of10.ActionTypeOutput)<<16|8)
		b = binary.BigEndian.AppendUint16(b, p)
		b = binary.BigEndian.AppendUint16(b, o.MaxLen)
	}
	return b, true
}

// maxOutputs13 is the most OpenFlow 1.3 output actions an instruction's
// 16-bit length holds.
const maxOutputs13 = (0xffff - 8) / 16

// appendOutputs13 appends as, all Outputs, as OpenFlow 1.3 actions.
func appendOutputs13(b []byte, as []Action) []byte {
	for _, a := range as {
		o := a.(Output)
		b = binary.BigEndian.AppendUint32(b, uint32(of13.ActionTypeOutput)<<16|16)
		b = binary.BigEndian.AppendUint32(b, uint32(o.Port))
		b = binary.BigEndian.AppendUint16(b, o.MaxLen)
		b = append(b, 0, 0, 0, 0, 0, 0)
	}
	return b
}

func (x *flowMod10) AppendBinary(b []byte) ([]byte, error) {
	fm := (*FlowMod)(x)
	var as []Action
	switch {
	case len(fm.Instructions) > 1:
		return appendEncoded(b, v10, fm)
	case len(fm.Instructions) == 1:
		ap, ok := fm.Instructions[0].(ApplyActions)
		if !ok || !outputsOnly(ap.Actions) {
			return appendEncoded(b, v10, fm)
		}
		as = ap.Actions
	}
	del := fm.Command == Delete || fm.Command == DeleteStrict
	m, err := match10(&fm.Match)
	flags, ferr := flags10(fm.Flags)
	out, perr := port10(fm.OutPort)
	if err != nil || ferr != nil || perr != nil || filter10(fm.TableID, fm.OutGroup, fm.CookieMask, del) != nil {
		return appendEncoded(b, v10, fm)
	}
	w := of10.FlowMod{Match: m, Cookie: fm.Cookie, Command: of10.FlowModCommand(fm.Command), IdleTimeout: fm.IdleTimeout,
		HardTimeout: fm.HardTimeout, Priority: fm.Priority, BufferID: fm.BufferID, OutPort: out, Flags: flags}
	start := len(b)
	if b, err = w.AppendBinary(b); err != nil {
		return b[:start], err
	}
	b, ok := appendOutputs10(b, as)
	if !ok {
		return appendEncoded(b[:start], v10, fm)
	}
	return b, nil
}

func (x *flowMod13) AppendBinary(b []byte) ([]byte, error) {
	fm := (*FlowMod)(x)
	if fm.Flags&Emerg != 0 {
		return appendEncoded(b, openflow.Version13, fm)
	}
	for _, in := range fm.Instructions {
		switch in := in.(type) {
		case ApplyActions:
			if !outputsOnly(in.Actions) || len(in.Actions) > maxOutputs13 {
				return appendEncoded(b, openflow.Version13, fm)
			}
		case WriteActions:
			if !outputsOnly(in.Actions) || len(in.Actions) > maxOutputs13 {
				return appendEncoded(b, openflow.Version13, fm)
			}
		default:
			return appendEncoded(b, openflow.Version13, fm)
		}
	}
	b = binary.BigEndian.AppendUint64(b, fm.Cookie)
	b = binary.BigEndian.AppendUint64(b, fm.CookieMask)
	b = append(b, fm.TableID, uint8(fm.Command))
	b = binary.BigEndian.AppendUint16(b, fm.IdleTimeout)
	b = binary.BigEndian.AppendUint16(b, fm.HardTimeout)
	b = binary.BigEndian.AppendUint16(b, fm.Priority)
	b = binary.BigEndian.AppendUint32(b, fm.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(fm.OutPort))
	b = binary.BigEndian.AppendUint32(b, fm.OutGroup)
	b = binary.BigEndian.AppendUint16(b, uint16(fm.Flags))
	b = append(b, 0, 0)
	b = appendMatch13(b, &fm.Match)
	for _, in := range fm.Instructions {
		typ, as := of13.InstructionTypeWriteActions, []Action(nil)
		switch in := in.(type) {
		case ApplyActions:
			typ, as = of13.InstructionTypeApplyActions, in.Actions
		case WriteActions:
			as = in.Actions
		}
		b = binary.BigEndian.AppendUint16(b, uint16(typ))
		b = binary.BigEndian.AppendUint16(b, uint16(8+16*len(as)))
		b = append(b, 0, 0, 0, 0)
		b = appendOutputs13(b, as)
	}
	return b, nil
}

// appendMatch13 appends m as an OXM ofp_match, as match13 and
// of13.Match.AppendBinary do, without allocating.
func appendMatch13(b []byte, m *Match) []byte {
	start := len(b)
	b = append(b, 0, 1, 0, 0) // OFPMT_OXM
	var val, mask [16]byte
	for bs := nonZero(&m.Mask); bs != 0; bs &= bs - 1 {
		f := Field(bits.TrailingZeros64(bs))
		n := f.Len()
		hdr := uint32(of13.ClassOpenFlowBasic)<<16 | uint32(f)<<9 | uint32(n)
		exact := m.Exact(f)
		if !exact {
			hdr += 1<<8 | uint32(n) // the has-mask bit, and twice the payload
		}
		b = binary.BigEndian.AppendUint32(b, hdr)
		b = append(b, m.Key.Get(f, val[:])...)
		if !exact {
			b = append(b, m.Mask.Get(f, mask[:])...)
		}
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start))
	for (len(b)-start)%8 != 0 {
		b = append(b, 0)
	}
	return b
}

// nonZero returns the set of fields that are not zero in k, bit f for
// field f: what Match.Has answers for each field of a mask, in a few
// comparisons.
func nonZero(k *Key) uint64 {
	var bs uint64
	add := func(f Field, nz bool) {
		if nz {
			bs |= 1 << f
		}
	}
	var mac openflow.EthAddr
	var ip4 [4]byte
	var ip6 [16]byte
	add(InPort, k.InPort != 0)
	add(InPhyPort, k.InPhyPort != 0)
	add(Metadata, k.Metadata != 0)
	add(EthDst, k.EthDst != mac)
	add(EthSrc, k.EthSrc != mac)
	add(EthType, k.EthType != 0)
	add(VLANVID, k.VLANVID != 0)
	add(VLANPCP, k.VLANPCP != 0)
	add(IPDSCP, k.IPDSCP != 0)
	add(IPECN, k.IPECN != 0)
	add(IPProto, k.IPProto != 0)
	add(IPv4Src, k.IPv4Src != ip4)
	add(IPv4Dst, k.IPv4Dst != ip4)
	add(TCPSrc, k.TCPSrc != 0)
	add(TCPDst, k.TCPDst != 0)
	add(UDPSrc, k.UDPSrc != 0)
	add(UDPDst, k.UDPDst != 0)
	add(SCTPSrc, k.SCTPSrc != 0)
	add(SCTPDst, k.SCTPDst != 0)
	add(ICMPv4Type, k.ICMPv4Type != 0)
	add(ICMPv4Code, k.ICMPv4Code != 0)
	add(ARPOp, k.ARPOp != 0)
	add(ARPSPA, k.ARPSPA != ip4)
	add(ARPTPA, k.ARPTPA != ip4)
	add(ARPSHA, k.ARPSHA != mac)
	add(ARPTHA, k.ARPTHA != mac)
	add(IPv6Src, k.IPv6Src != ip6)
	add(IPv6Dst, k.IPv6Dst != ip6)
	add(IPv6FLabel, k.IPv6FLabel != 0)
	add(ICMPv6Type, k.ICMPv6Type != 0)
	add(ICMPv6Code, k.ICMPv6Code != 0)
	add(IPv6NDTarget, k.IPv6NDTarget != ip6)
	add(IPv6NDSLL, k.IPv6NDSLL != mac)
	add(IPv6NDTLL, k.IPv6NDTLL != mac)
	add(MPLSLabel, k.MPLSLabel != 0)
	add(MPLSTC, k.MPLSTC != 0)
	add(MPLSBOS, k.MPLSBOS != 0)
	add(PBBISID, k.PBBISID != 0)
	add(TunnelID, k.TunnelID != 0)
	add(IPv6Exthdr, k.IPv6Exthdr != 0)
	return bs
}

func (x *packetOut10) AppendBinary(b []byte) ([]byte, error) {
	po := (*PacketOut)(x)
	in, err := port10(po.InPort)
	if err != nil || !outputsOnly(po.Actions) {
		return appendEncoded(b, v10, po)
	}
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, po.BufferID)
	b = binary.BigEndian.AppendUint16(b, uint16(in))
	b = append(b, 0, 0)
	b, ok := appendOutputs10(b, po.Actions)
	if !ok {
		return appendEncoded(b[:start], v10, po)
	}
	binary.BigEndian.PutUint16(b[start+6:], uint16(len(b)-start-8))
	return append(b, po.Data...), nil
}

func (x *packetOut13) AppendBinary(b []byte) ([]byte, error) {
	po := (*PacketOut)(x)
	if !outputsOnly(po.Actions) || 16*len(po.Actions) > 0xffff {
		return appendEncoded(b, openflow.Version13, po)
	}
	b = binary.BigEndian.AppendUint32(b, po.BufferID)
	b = binary.BigEndian.AppendUint32(b, uint32(po.InPort))
	b = binary.BigEndian.AppendUint16(b, uint16(16*len(po.Actions)))
	b = append(b, 0, 0, 0, 0, 0, 0)
	b = appendOutputs13(b, po.Actions)
	return append(b, po.Data...), nil
}

// DecodePacketIn converts a wire packet-in of either version into dst,
// overwriting it, as Decode would, without allocating: dst.Data aliases
// the wire message's data, so dst is valid as long as m is. On error dst
// is zero.
func DecodePacketIn(dst *PacketIn, m openflow.Message) error {
	switch w := m.(type) {
	case *of10.PacketIn:
		// Field by field: a whole PacketIn literal would copy the Match
		// twice.
		dst.BufferID, dst.TotalLen, dst.Reason, dst.Data = w.BufferID, w.TotalLen, PacketInReason(w.Reason), w.Data
		dst.TableID, dst.Cookie = 0, 0
		dst.Match = Match{}
		dst.Match.SetInPort(PortFrom10(uint16(w.InPort)))
		return nil
	case *of13.PacketIn:
		if err := matchFrom13Into(&dst.Match, &w.Match, true); err != nil {
			*dst = PacketIn{}
			return fmt.Errorf("flow: decode %s: %w", openflow.TypeName(m.Version(), m.MsgType()), err)
		}
		dst.BufferID, dst.TotalLen, dst.Reason, dst.Data = w.BufferID, w.TotalLen, PacketInReason(w.Reason), w.Data
		dst.TableID, dst.Cookie = w.TableID, w.Cookie
		return nil
	case nil:
		return fmt.Errorf("flow: decode nil message: %w", ErrUnsupported)
	}
	return fmt.Errorf("flow: decode %s as a packet-in: %w", openflow.TypeName(m.Version(), m.MsgType()), ErrUnsupported)
}
