package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortConfig is the ofp_port_config bit set.
type PortConfig uint32

// Port configuration bits.
const (
	PortConfigPortDown   PortConfig = 1 << 0 // administratively down
	PortConfigNoSTP      PortConfig = 1 << 1 // 802.1D spanning tree off
	PortConfigNoRecv     PortConfig = 1 << 2 // drop everything received
	PortConfigNoRecvSTP  PortConfig = 1 << 3 // drop received 802.1D STP frames
	PortConfigNoFlood    PortConfig = 1 << 4 // not part of FLOOD
	PortConfigNoFwd      PortConfig = 1 << 5 // drop packets forwarded to the port
	PortConfigNoPacketIn PortConfig = 1 << 6 // no packet-in for the port
)

var portConfigNames = []string{"PORT_DOWN", "NO_STP", "NO_RECV", "NO_RECV_STP", "NO_FLOOD", "NO_FWD", "NO_PACKET_IN"}

// String prints the set bits by their ovs-ofctl names ("PORT_DOWN NO_FLOOD").
func (c PortConfig) String() string { return formatBits(uint32(c), portConfigNames) }

// PortState is the ofp_port_state bit set with its 2-bit STP state.
type PortState uint32

// Port state bits and STP states.
const (
	PortStateLinkDown   PortState = 1 << 0
	PortStateSTPListen  PortState = 0 << 8
	PortStateSTPLearn   PortState = 1 << 8
	PortStateSTPForward PortState = 2 << 8
	PortStateSTPBlock   PortState = 3 << 8
	PortStateSTPMask    PortState = 3 << 8
)

var stpStateNames = [...]string{"STP_LISTEN", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"}

// String prints the state as ovs-ofctl does ("LINK_DOWN STP_FORWARD").
func (s PortState) String() string {
	out := ""
	if s&PortStateLinkDown != 0 {
		out = "LINK_DOWN "
	}
	out += stpStateNames[(s&PortStateSTPMask)>>8]
	if rest := s &^ (PortStateLinkDown | PortStateSTPMask); rest != 0 {
		out += " " + formatBits(uint32(rest), nil)
	}
	return out
}

// PortFeatures is the ofp_port_features bit set.
type PortFeatures uint32

// Port feature bits.
const (
	PortFeature10MBHD    PortFeatures = 1 << 0
	PortFeature10MBFD    PortFeatures = 1 << 1
	PortFeature100MBHD   PortFeatures = 1 << 2
	PortFeature100MBFD   PortFeatures = 1 << 3
	PortFeature1GBHD     PortFeatures = 1 << 4
	PortFeature1GBFD     PortFeatures = 1 << 5
	PortFeature10GBFD    PortFeatures = 1 << 6
	PortFeatureCopper    PortFeatures = 1 << 7
	PortFeatureFiber     PortFeatures = 1 << 8
	PortFeatureAutoneg   PortFeatures = 1 << 9
	PortFeaturePause     PortFeatures = 1 << 10
	PortFeaturePauseAsym PortFeatures = 1 << 11
)

var portFeatureNames = []string{"10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD", "10GB-FD", "COPPER", "FIBER", "AUTO_NEG", "AUTO_PAUSE", "AUTO_PAUSE_ASYM"}

// String prints the set bits by their ovs-ofctl names ("1GB-FD COPPER").
func (f PortFeatures) String() string { return formatBits(uint32(f), portFeatureNames) }

// PortLen is the length of ofp_phy_port.
const PortLen = 48

// NameLen is the width of a port name field (OFP_MAX_PORT_NAME_LEN).
const NameLen = 16

// Port is ofp_phy_port.
type Port struct {
	PortNo     PortNo
	HWAddr     openflow.EthAddr
	Name       string // at most NameLen bytes; longer names are cut
	Config     PortConfig
	State      PortState
	Curr       PortFeatures
	Advertised PortFeatures
	Supported  PortFeatures
	Peer       PortFeatures
}

// AppendPort appends the 48-byte ofp_phy_port form of p to b.
func AppendPort(b []byte, p *Port) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(p.PortNo))
	b = append(b, p.HWAddr[:]...)
	b = wire.AppendString(b, p.Name, NameLen)
	for _, v := range [...]uint32{uint32(p.Config), uint32(p.State), uint32(p.Curr), uint32(p.Advertised), uint32(p.Supported), uint32(p.Peer)} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// DecodePort decodes the ofp_phy_port at the start of b.
func DecodePort(b []byte) (Port, error) {
	r := wire.NewReader(b)
	p := readPort(&r)
	if r.Err() != nil {
		return Port{}, short(&r)
	}
	return p, nil
}

func readPort(r *wire.Reader) Port {
	return Port{
		PortNo:     PortNo(r.U16()),
		HWAddr:     r.Array6(),
		Name:       r.String(NameLen),
		Config:     PortConfig(r.U32()),
		State:      PortState(r.U32()),
		Curr:       PortFeatures(r.U32()),
		Advertised: PortFeatures(r.U32()),
		Supported:  PortFeatures(r.U32()),
		Peer:       PortFeatures(r.U32()),
	}
}
