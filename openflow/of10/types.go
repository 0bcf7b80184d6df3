package of10

import "github.com/ofbox/ofbox/openflow"

// Type is an OpenFlow 1.0 message type (ofp_type).
type Type uint8

// The OpenFlow 1.0 message types.
const (
	TypeHello                 Type = 0
	TypeError                 Type = 1
	TypeEchoRequest           Type = 2
	TypeEchoReply             Type = 3
	TypeVendor                Type = 4
	TypeFeaturesRequest       Type = 5
	TypeFeaturesReply         Type = 6
	TypeGetConfigRequest      Type = 7
	TypeGetConfigReply        Type = 8
	TypeSetConfig             Type = 9
	TypePacketIn              Type = 10
	TypeFlowRemoved           Type = 11
	TypePortStatus            Type = 12
	TypePacketOut             Type = 13
	TypeFlowMod               Type = 14
	TypePortMod               Type = 15
	TypeStatsRequest          Type = 16
	TypeStatsReply            Type = 17
	TypeBarrierRequest        Type = 18
	TypeBarrierReply          Type = 19
	TypeQueueGetConfigRequest Type = 20
	TypeQueueGetConfigReply   Type = 21
)

// NumTypes is the number of message types OpenFlow 1.0 defines.
const NumTypes = 22

// String names the type as ovs-ofctl does ("OFPT_FLOW_MOD").
func (t Type) String() string { return openflow.TypeName(openflow.Version10, uint8(t)) }
