package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// FeaturesRequest is OFPT_FEATURES_REQUEST (no body).
type FeaturesRequest struct{}

func (m *FeaturesRequest) Version() openflow.Version             { return openflow.Version13 }
func (m *FeaturesRequest) MsgType() uint8                        { return uint8(TypeFeaturesRequest) }
func (m *FeaturesRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }
func (m *FeaturesRequest) decode(body []byte) error {
	return decodeEmpty(TypeFeaturesRequest, body)
}

// Capabilities is the capability bit set of a switch (ofp_capabilities).
type Capabilities uint32

// The OpenFlow 1.3 capability bits.
const (
	CapFlowStats   Capabilities = 1 << 0
	CapTableStats  Capabilities = 1 << 1
	CapPortStats   Capabilities = 1 << 2
	CapGroupStats  Capabilities = 1 << 3
	CapIPReasm     Capabilities = 1 << 5
	CapQueueStats  Capabilities = 1 << 6
	CapPortBlocked Capabilities = 1 << 8
)

var capabilityNames = []msgFlag{
	{uint32(CapFlowStats), "FLOW_STATS"},
	{uint32(CapTableStats), "TABLE_STATS"},
	{uint32(CapPortStats), "PORT_STATS"},
	{uint32(CapGroupStats), "GROUP_STATS"},
	{uint32(CapIPReasm), "IP_REASM"},
	{uint32(CapQueueStats), "QUEUE_STATS"},
	{uint32(CapPortBlocked), "PORT_BLOCKED"},
}

// String prints the bits as ovs-ofctl does ("FLOW_STATS TABLE_STATS").
func (c Capabilities) String() string { return msgFlagsString(uint32(c), capabilityNames) }

// FeaturesReply is OFPT_FEATURES_REPLY (ofp_switch_features). OpenFlow 1.3
// no longer lists the ports here: ask with a PortDescRequest.
type FeaturesReply struct {
	DatapathID   uint64
	NBuffers     uint32
	NTables      uint8
	AuxiliaryID  uint8
	Capabilities Capabilities
	Reserved     uint32
}

const featuresReplyLen = 24

func (m *FeaturesReply) Version() openflow.Version { return openflow.Version13 }
func (m *FeaturesReply) MsgType() uint8            { return uint8(TypeFeaturesReply) }

// AppendBinary appends ofp_switch_features's body.
func (m *FeaturesReply) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint64(b, m.DatapathID)
	b = binary.BigEndian.AppendUint32(b, m.NBuffers)
	b = append(b, m.NTables, m.AuxiliaryID, 0, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Capabilities))
	return binary.BigEndian.AppendUint32(b, m.Reserved), nil
}

func (m *FeaturesReply) decode(body []byte) error {
	if len(body) != featuresReplyLen {
		return lengthErr(TypeFeaturesReply, len(body), featuresReplyLen)
	}
	r := wire.NewReader(body)
	m.DatapathID = r.U64()
	m.NBuffers = r.U32()
	m.NTables = r.U8()
	m.AuxiliaryID = r.U8()
	r.Skip(2)
	m.Capabilities = Capabilities(r.U32())
	m.Reserved = r.U32()
	return nil
}

// String prints m in the manner of ovs-ofctl.
func (m *FeaturesReply) String() string {
	return fmt.Sprintf("dpid:%016x n_tables:%d, n_buffers:%d auxiliary_id:%d capabilities: %s",
		m.DatapathID, m.NTables, m.NBuffers, m.AuxiliaryID, m.Capabilities)
}
