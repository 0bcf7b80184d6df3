package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// PortLen is the length of ofp_port.
const PortLen = 64

// portNameLen is the width of ofp_port.name (OFP_MAX_PORT_NAME_LEN).
const portNameLen = 16

// PortConfig is the administrative configuration of a port (ofp_port_config).
type PortConfig uint32

// Port configuration bits.
const (
	PortConfigPortDown   PortConfig = 1 << 0 // administratively down
	PortConfigNoRecv     PortConfig = 1 << 2 // drop all packets received
	PortConfigNoFwd      PortConfig = 1 << 5 // drop packets forwarded to the port
	PortConfigNoPacketIn PortConfig = 1 << 6 // send no packet-ins for the port
)

// PortState is the physical state of a port (ofp_port_state).
type PortState uint32

// Port state bits.
const (
	PortStateLinkDown PortState = 1 << 0 // no physical link
	PortStateBlocked  PortState = 1 << 1 // blocked for flooding by STP or the like
	PortStateLive     PortState = 1 << 2 // live for fast failover groups
)

// PortFeatures is a set of port speeds and media (ofp_port_features).
type PortFeatures uint32

// Port feature bits.
const (
	PortFeature10MbHD    PortFeatures = 1 << 0
	PortFeature10MbFD    PortFeatures = 1 << 1
	PortFeature100MbHD   PortFeatures = 1 << 2
	PortFeature100MbFD   PortFeatures = 1 << 3
	PortFeature1GbHD     PortFeatures = 1 << 4
	PortFeature1GbFD     PortFeatures = 1 << 5
	PortFeature10GbFD    PortFeatures = 1 << 6
	PortFeature40GbFD    PortFeatures = 1 << 7
	PortFeature100GbFD   PortFeatures = 1 << 8
	PortFeature1TbFD     PortFeatures = 1 << 9
	PortFeatureOther     PortFeatures = 1 << 10
	PortFeatureCopper    PortFeatures = 1 << 11
	PortFeatureFiber     PortFeatures = 1 << 12
	PortFeatureAutoneg   PortFeatures = 1 << 13
	PortFeaturePause     PortFeatures = 1 << 14
	PortFeaturePauseAsym PortFeatures = 1 << 15
)

var (
	portConfigNames  = []string{0: "PORT_DOWN", 2: "NO_RECV", 5: "NO_FWD", 6: "NO_PACKET_IN"}
	portStateNames   = []string{"LINK_DOWN", "BLOCKED", "LIVE"}
	portFeatureNames = []string{"10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD",
		"10GB-FD", "40GB-FD", "100GB-FD", "1TB-FD", "OTHER", "COPPER", "FIBER", "AUTO_NEG",
		"AUTO_PAUSE", "AUTO_PAUSE_ASYM"}
)

// portBitsString prints the set bits of v by name (names[i] names bit i;
// "" for undefined bits), separated by spaces, any others in hex; "0" for
// none.
func portBitsString(v uint32, names []string) string {
	if v == 0 {
		return "0"
	}
	var s []string
	for i, n := range names {
		if n != "" && v&(1<<i) != 0 {
			s = append(s, n)
			v &^= 1 << i
		}
	}
	if v != 0 {
		s = append(s, fmt.Sprintf("%#x", v))
	}
	return strings.Join(s, " ")
}

// String prints the set bits as ovs-ofctl does ("PORT_DOWN NO_RECV").
func (c PortConfig) String() string { return portBitsString(uint32(c), portConfigNames) }

// String prints the set bits as ovs-ofctl does ("LINK_DOWN LIVE").
func (s PortState) String() string { return portBitsString(uint32(s), portStateNames) }

// String prints the set bits as ovs-ofctl does ("1GB-FD COPPER AUTO_NEG").
func (f PortFeatures) String() string { return portBitsString(uint32(f), portFeatureNames) }

// Port describes a switch port (ofp_port).
type Port struct {
	PortNo PortNo
	HWAddr openflow.EthAddr
	Name   string // at most 15 bytes on the wire
	Config PortConfig
	State  PortState
	// Current, advertised, supported and peer-advertised features.
	Curr, Advertised, Supported, Peer PortFeatures
	CurrSpeed, MaxSpeed               uint32 // kbps
}

// AppendPort appends the 64-byte ofp_port form of p to b. A name longer
// than 15 bytes is cut to fit.
func AppendPort(b []byte, p *Port) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(p.PortNo))
	b = append(b, 0, 0, 0, 0)
	b = append(b, p.HWAddr[:]...)
	b = append(b, 0, 0)
	b = wire.AppendString(b, p.Name, portNameLen)
	for _, v := range [...]uint32{uint32(p.Config), uint32(p.State), uint32(p.Curr), uint32(p.Advertised),
		uint32(p.Supported), uint32(p.Peer), p.CurrSpeed, p.MaxSpeed} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b
}

// DecodePort decodes the ofp_port in the first 64 bytes of b.
func DecodePort(b []byte) (Port, error) {
	if len(b) < PortLen {
		return Port{}, fmt.Errorf("port: %w: %d bytes, want %d", openflow.ErrTruncated, len(b), PortLen)
	}
	r := wire.NewReader(b[:PortLen])
	var p Port
	p.PortNo = PortNo(r.U32())
	r.Skip(4)
	p.HWAddr = r.Array6()
	r.Skip(2)
	p.Name = r.String(portNameLen)
	p.Config = PortConfig(r.U32())
	p.State = PortState(r.U32())
	p.Curr = PortFeatures(r.U32())
	p.Advertised = PortFeatures(r.U32())
	p.Supported = PortFeatures(r.U32())
	p.Peer = PortFeatures(r.U32())
	p.CurrSpeed = r.U32()
	p.MaxSpeed = r.U32()
	return p, nil
}

// String prints p in the manner of ovs-ofctl's port description.
func (p Port) String() string {
	return fmt.Sprintf("%s(%s): addr:%s config: %s state: %s speed: %d Mbps now, %d Mbps max",
		p.PortNo, p.Name, p.HWAddr, p.Config, p.State, p.CurrSpeed/1000, p.MaxSpeed/1000)
}
