package flow

import (
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// PortConfig is the administrative configuration of a port (OFPPC_*).
// The bits keep their OpenFlow 1.0 positions, which OpenFlow 1.3 kept for
// the flags it still has.
type PortConfig uint32

const (
	PortDown       PortConfig = 1 << 0
	PortNoSTP      PortConfig = 1 << 1 // OpenFlow 1.0 only
	PortNoRecv     PortConfig = 1 << 2
	PortNoRecvSTP  PortConfig = 1 << 3 // OpenFlow 1.0 only
	PortNoFlood    PortConfig = 1 << 4 // OpenFlow 1.0 only
	PortNoFwd      PortConfig = 1 << 5
	PortNoPacketIn PortConfig = 1 << 6
)

var configNames = []string{"PORT_DOWN", "NO_STP", "NO_RECV", "NO_RECV_STP", "NO_FLOOD", "NO_FWD", "NO_PACKET_IN"}

func (c PortConfig) String() string { return bitNames(uint32(c), configNames) }

// PortState is the link state of a port (OFPPS_*). LinkDown, Blocked and
// Live are OpenFlow 1.3's; the STP bits (mask STPMask) are OpenFlow 1.0's.
type PortState uint32

const (
	LinkDown   PortState = 1 << 0
	Blocked    PortState = 1 << 1 // OpenFlow 1.3 only
	Live       PortState = 1 << 2 // OpenFlow 1.3 only
	STPListen  PortState = 0 << 8
	STPLearn   PortState = 1 << 8
	STPForward PortState = 2 << 8
	STPBlock   PortState = 3 << 8
	STPMask    PortState = 3 << 8
)

func (s PortState) String() string {
	return bitNames(uint32(s&^STPMask), []string{"LINK_DOWN", "BLOCKED", "LIVE"})
}

// PortFeatures are the speed and medium bits of a port (OFPPF_*) in the
// OpenFlow 1.3 numbering; OpenFlow 1.0 lacks 40GB_FD, 100GB_FD, 1TB_FD
// and OTHER, and numbers COPPER and above lower.
type PortFeatures uint32

const (
	Feature10MBHD    PortFeatures = 1 << 0
	Feature10MBFD    PortFeatures = 1 << 1
	Feature100MBHD   PortFeatures = 1 << 2
	Feature100MBFD   PortFeatures = 1 << 3
	Feature1GBHD     PortFeatures = 1 << 4
	Feature1GBFD     PortFeatures = 1 << 5
	Feature10GBFD    PortFeatures = 1 << 6
	Feature40GBFD    PortFeatures = 1 << 7
	Feature100GBFD   PortFeatures = 1 << 8
	Feature1TBFD     PortFeatures = 1 << 9
	FeatureOther     PortFeatures = 1 << 10
	FeatureCopper    PortFeatures = 1 << 11
	FeatureFiber     PortFeatures = 1 << 12
	FeatureAutoneg   PortFeatures = 1 << 13
	FeaturePause     PortFeatures = 1 << 14
	FeaturePauseAsym PortFeatures = 1 << 15
)

var featureNames = []string{"10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD", "10GB-FD",
	"40GB-FD", "100GB-FD", "1TB-FD", "OTHER", "COPPER", "FIBER", "AUTO_NEG", "AUTO_PAUSE", "AUTO_PAUSE_ASYM"}

func (f PortFeatures) String() string { return bitNames(uint32(f), featureNames) }

// FeaturesFrom10 converts OpenFlow 1.0 ofp_port_features bits.
func FeaturesFrom10(f uint32) PortFeatures {
	return PortFeatures(f&0x7f | (f>>7&0x1f)<<11)
}

// FeaturesTo10 converts to OpenFlow 1.0 bits, dropping the speeds
// OpenFlow 1.0 lacks.
func FeaturesTo10(f PortFeatures) uint32 {
	return uint32(f)&0x7f | (uint32(f)>>11&0x1f)<<7
}

func bitNames(v uint32, names []string) string {
	var parts []string
	for i, n := range names {
		if v&(1<<i) != 0 {
			parts = append(parts, n)
			v &^= 1 << i
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, " ")
}

// PortDesc describes a port (ofp_port / ofp_phy_port).
type PortDesc struct {
	PortNo     PortNo
	HWAddr     openflow.EthAddr
	Name       string
	Config     PortConfig
	State      PortState
	Curr       PortFeatures
	Advertised PortFeatures
	Supported  PortFeatures
	Peer       PortFeatures
	CurrSpeed  uint32 // kbit/s, OpenFlow 1.3 only
	MaxSpeed   uint32 // kbit/s, OpenFlow 1.3 only
}

// PortReason says what happened to a port (OFPPR_*).
type PortReason uint8

const (
	PortAdd    PortReason = 0
	PortDelete PortReason = 1
	PortModify PortReason = 2
)

// String prints the reason as ovs-ofctl does.
func (r PortReason) String() string {
	switch r {
	case PortAdd:
		return "ADD"
	case PortDelete:
		return "DELETE"
	case PortModify:
		return "MODIFY"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// PortStatus reports a port added, removed or changed.
type PortStatus struct {
	Reason PortReason
	Desc   PortDesc
}
