package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Capabilities is the ofp_capabilities bit set of a switch.
type Capabilities uint32

// Capability bits.
const (
	CapFlowStats  Capabilities = 1 << 0
	CapTableStats Capabilities = 1 << 1
	CapPortStats  Capabilities = 1 << 2
	CapSTP        Capabilities = 1 << 3
	CapReserved   Capabilities = 1 << 4
	CapIPReasm    Capabilities = 1 << 5
	CapQueueStats Capabilities = 1 << 6
	CapARPMatchIP Capabilities = 1 << 7
)

var capNames = []string{"FLOW_STATS", "TABLE_STATS", "PORT_STATS", "STP", "RESERVED", "IP_REASM", "QUEUE_STATS", "ARP_MATCH_IP"}

// String prints the set bits by their ovs-ofctl names.
func (c Capabilities) String() string { return formatBits(uint32(c), capNames) }

// ActionBits is the bit set of action types a switch supports: bit n set
// means ActionType n is supported.
type ActionBits uint32

// String prints the supported actions by their ovs-ofctl names.
func (a ActionBits) String() string { return formatBits(uint32(a), actionNames[:]) }

// FeaturesRequest is OFPT_FEATURES_REQUEST; it has no body.
type FeaturesRequest struct{}

func (*FeaturesRequest) Version() openflow.Version { return openflow.Version10 }
func (*FeaturesRequest) MsgType() uint8            { return uint8(TypeFeaturesRequest) }

// AppendBinary appends nothing: the message is only a header.
func (*FeaturesRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }

// FeaturesReply is OFPT_FEATURES_REPLY (ofp_switch_features with its
// ports).
type FeaturesReply struct {
	DatapathID   uint64
	NBuffers     uint32
	NTables      uint8
	Capabilities Capabilities
	Actions      ActionBits
	Ports        []Port
}

func (*FeaturesReply) Version() openflow.Version { return openflow.Version10 }
func (*FeaturesReply) MsgType() uint8            { return uint8(TypeFeaturesReply) }

// AppendBinary appends ofp_switch_features and the ports.
func (m *FeaturesReply) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, m.DatapathID)
	b = binary.BigEndian.AppendUint32(b, m.NBuffers)
	b = append(b, m.NTables, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Capabilities))
	b = binary.BigEndian.AppendUint32(b, uint32(m.Actions))
	for i := range m.Ports {
		b = AppendPort(b, &m.Ports[i])
	}
	return b, nil
}

const featuresLen = 24

func decodeFeaturesReply(body []byte) (*FeaturesReply, error) {
	r := wire.NewReader(body)
	m := &FeaturesReply{DatapathID: r.U64(), NBuffers: r.U32(), NTables: r.U8()}
	r.Skip(3)
	m.Capabilities = Capabilities(r.U32())
	m.Actions = ActionBits(r.U32())
	if r.Err() != nil {
		return nil, short(&r)
	}
	if n := r.Len(); n%PortLen != 0 {
		return nil, badLen(featuresLen, "%d bytes of ports is not a multiple of %d", n, PortLen)
	}
	if n := r.Len() / PortLen; n > 0 {
		m.Ports = make([]Port, n)
		for i := range m.Ports {
			m.Ports[i] = readPort(&r)
		}
	}
	return m, nil
}
