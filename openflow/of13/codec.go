package of13

import (
	"github.com/ofbox/ofbox/openflow"
)

// Codec decodes OpenFlow 1.3 message bodies. OFPT_ERROR decodes to
// *openflow.ErrorMsg, types it does not know to *openflow.Unknown; every
// other type to the pointer to its struct here (*FlowMod, *PacketIn, ...).
var Codec openflow.Codec = codec{}

type codec struct{}

func (codec) Version() openflow.Version { return openflow.Version13 }

// bodyDecoder is a message that decodes its own body in place.
type bodyDecoder interface {
	openflow.Message
	decode(body []byte) error
}

// decodeAs decodes body into a new T.
func decodeAs[T any, P interface {
	*T
	bodyDecoder
}](body []byte) (openflow.Message, error) {
	var m P = new(T)
	if err := m.decode(body); err != nil {
		return nil, err
	}
	return m, nil
}

// Decode decodes body, the bytes after header h. It uses len(body), not
// h.Length. The message it returns owns its memory.
func (codec) Decode(h openflow.Header, body []byte) (openflow.Message, error) {
	if h.Version != openflow.Version13 {
		return nil, &openflow.DecodeError{Version: h.Version, Type: h.Type, Offset: 0, Err: openflow.ErrBadVersion}
	}
	switch Type(h.Type) {
	case TypeHello:
		return decodeAs[Hello](body)
	case TypeError:
		m, err := openflow.DecodeErrorMsg(openflow.Version13, body)
		if err != nil {
			return nil, err
		}
		return m, nil
	case TypeEchoRequest:
		return decodeAs[EchoRequest](body)
	case TypeEchoReply:
		return decodeAs[EchoReply](body)
	case TypeExperimenter:
		return decodeAs[Experimenter](body)
	case TypeFeaturesRequest:
		return decodeAs[FeaturesRequest](body)
	case TypeFeaturesReply:
		return decodeAs[FeaturesReply](body)
	case TypeGetConfigRequest:
		return decodeAs[GetConfigRequest](body)
	case TypeGetConfigReply:
		return decodeAs[GetConfigReply](body)
	case TypeSetConfig:
		return decodeAs[SetConfig](body)
	case TypePacketIn:
		return decodeAs[PacketIn](body)
	case TypeFlowRemoved:
		return decodeAs[FlowRemoved](body)
	case TypePortStatus:
		return decodeAs[PortStatus](body)
	case TypePacketOut:
		return decodeAs[PacketOut](body)
	case TypeFlowMod:
		return decodeAs[FlowMod](body)
	case TypeGroupMod:
		return decodeAs[GroupMod](body)
	case TypePortMod:
		return decodeAs[PortMod](body)
	case TypeTableMod:
		return decodeAs[TableMod](body)
	case TypeMultipartRequest:
		return decodeMultipartRequest(h, body)
	case TypeMultipartReply:
		return decodeMultipartReply(h, body)
	case TypeBarrierRequest:
		return decodeAs[BarrierRequest](body)
	case TypeBarrierReply:
		return decodeAs[BarrierReply](body)
	case TypeQueueGetConfigRequest:
		return decodeAs[QueueGetConfigRequest](body)
	case TypeQueueGetConfigReply:
		return decodeAs[QueueGetConfigReply](body)
	case TypeRoleRequest:
		return decodeAs[RoleRequest](body)
	case TypeRoleReply:
		return decodeAs[RoleReply](body)
	case TypeGetAsyncRequest:
		return decodeAs[GetAsyncRequest](body)
	case TypeGetAsyncReply:
		return decodeAs[GetAsyncReply](body)
	case TypeSetAsync:
		return decodeAs[SetAsync](body)
	case TypeMeterMod:
		return decodeAs[MeterMod](body)
	}
	return &openflow.Unknown{Ver: openflow.Version13, Type: h.Type, Body: append([]byte(nil), body...)}, nil
}
