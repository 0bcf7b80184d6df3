package cbench

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// NumPorts is how many ports each fake switch reports. MAC i of a switch
// sits behind port 1 + i%NumPorts, so that a learning controller sees
// hosts on several ports and a destination rarely shares its source's port.
const NumPorts = 4

// FrameLen is the length of the Ethernet frame in each packet-in: the
// minimum Ethernet frame without its FCS, as cbench sends.
const FrameLen = 60

// Offsets in the wire form of a packet-in.
const (
	offXid      = 4
	offBufferID = 8
	offInPort10 = 14 // ofp_packet_in.in_port, 16 bits
	offData10   = 18
	offInPort13 = 32 // value of the OXM in_port, the first match field, 32 bits
	offData13   = 42 // 24 fixed + 16 match (in_port, padded) + 2 pad
)

// MAC returns address i of switch sw: locally administered unicast,
// 02:ss:ss:ii:ii:ii.
func MAC(sw, i int) openflow.EthAddr {
	return openflow.EthAddr{0x02, byte(sw >> 8), byte(sw), byte(i >> 16), byte(i >> 8), byte(i)}
}

// Port returns the port behind which MAC i sits.
func Port(i int) int { return 1 + i%NumPorts }

// Frame returns the Ethernet frame a packet-in of MAC i carries: an IPv4
// UDP datagram from MAC(sw, i) to MAC(sw, (i+1)%macs).
func Frame(sw, i, macs int) []byte {
	f := make([]byte, FrameLen)
	dst, src := MAC(sw, (i+1)%macs), MAC(sw, i)
	copy(f[0:6], dst[:])
	copy(f[6:12], src[:])
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:34]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], FrameLen-14)
	ip[8] = 64 // ttl
	ip[9] = 17 // udp
	copy(ip[12:16], []byte{10, 0, 0, 1})
	copy(ip[16:20], []byte{10, 0, 0, 2})
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	udp := f[34:42]
	binary.BigEndian.PutUint16(udp[0:], 1024)
	binary.BigEndian.PutUint16(udp[2:], 1025)
	binary.BigEndian.PutUint16(udp[4:], FrameLen-34)
	return f
}

func ipChecksum(h []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(h); i += 2 {
		s += uint32(binary.BigEndian.Uint16(h[i:]))
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// PacketIns makes the packet-ins of one fake switch. It encodes one
// packet-in once and then patches the xid, buffer id, in_port and MAC
// addresses in place: Append neither allocates (given room) nor encodes.
// A PacketIns is used by one goroutine.
type PacketIns struct {
	msg      []byte // the template: a whole packet-in
	offPort  int
	offData  int
	wide     bool // in_port is 32 bits (OF1.3)
	sw, macs int
	next     int    // MAC index of the next packet-in
	xid      uint32 // xid of the last packet-in
	bufferID uint32 // buffer id of the last packet-in
}

// NewPacketIns returns the packet-in maker of switch sw (0-based) with
// macs distinct source MACs, for version v (1.0 or 1.3).
func NewPacketIns(v openflow.Version, sw, macs int) (*PacketIns, error) {
	if macs < 1 || macs > 1<<24 {
		return nil, fmt.Errorf("cbench: new packet-ins: macs %d out of range 1..%d", macs, 1<<24)
	}
	if sw < 0 || sw > 0xffff {
		return nil, fmt.Errorf("cbench: new packet-ins: switch %d out of range 0..65535", sw)
	}
	frame := Frame(sw, 0, macs)
	p := &PacketIns{sw: sw, macs: macs}
	var m openflow.Message
	switch v {
	case openflow.Version10:
		m = &of10.PacketIn{BufferID: 0, TotalLen: FrameLen, InPort: 1, Reason: of10.ReasonNoMatch, Data: frame}
		p.offPort, p.offData = offInPort10, offData10
	case openflow.Version13:
		pi := &of13.PacketIn{BufferID: 0, TotalLen: FrameLen, Reason: of13.PacketInNoMatch, Data: frame}
		pi.Match.Add(of13.OXMInPort(1))
		m = pi
		p.offPort, p.offData, p.wide = offInPort13, offData13, true
	default:
		return nil, fmt.Errorf("cbench: new packet-ins: version %s not supported", v)
	}
	b, err := openflow.Marshal(0, m)
	if err != nil {
		return nil, fmt.Errorf("cbench: new packet-ins: %w", err)
	}
	if len(b) != p.offData+FrameLen {
		return nil, fmt.Errorf("cbench: new packet-ins: %s packet-in is %d bytes; want %d", v, len(b), p.offData+FrameLen)
	}
	p.msg = b
	return p, nil
}

// Len is the length of one packet-in on the wire.
func (p *PacketIns) Len() int { return len(p.msg) }

// BufferID is the buffer id of the last packet-in Append made.
func (p *PacketIns) BufferID() uint32 { return p.bufferID }

// Append appends the next packet-in to b: the next MAC of the set as the
// source, the one after it as the destination, a new xid and a new buffer
// id (never NoBuffer).
func (p *PacketIns) Append(b []byte) []byte {
	start := len(b)
	b = append(b, p.msg...)
	m := b[start:]
	p.xid++
	p.bufferID++
	if p.bufferID == of10.NoBuffer {
		p.bufferID = 0
	}
	i := p.next
	j := i + 1
	if j == p.macs {
		j = 0
	}
	p.next = j
	binary.BigEndian.PutUint32(m[offXid:], p.xid)
	binary.BigEndian.PutUint32(m[offBufferID:], p.bufferID)
	if p.wide {
		binary.BigEndian.PutUint32(m[p.offPort:], uint32(Port(i)))
	} else {
		binary.BigEndian.PutUint16(m[p.offPort:], uint16(Port(i)))
	}
	d := m[p.offData:]
	// dst = MAC(sw, j), src = MAC(sw, i); bytes 0..2 are the template's.
	d[3], d[4], d[5] = byte(j>>16), byte(j>>8), byte(j)
	d[9], d[10], d[11] = byte(i>>16), byte(i>>8), byte(i)
	return b
}
