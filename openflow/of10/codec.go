package of10

import (
	"github.com/ofbox/ofbox/openflow"
)

type codec struct{}

// Codec decodes OpenFlow 1.0 message bodies.
var Codec openflow.Codec = codec{}

func (codec) Version() openflow.Version { return openflow.Version10 }

// Decode decodes body, the bytes after a header of type h.Type. Types
// OpenFlow 1.0 does not define come back as *openflow.Unknown; every
// error is an *openflow.DecodeError.
func (codec) Decode(h openflow.Header, body []byte) (openflow.Message, error) {
	if h.Version != openflow.Version10 {
		return nil, &openflow.DecodeError{Version: h.Version, Type: h.Type, Offset: 0, Err: openflow.ErrBadVersion}
	}
	t := Type(h.Type)
	var (
		m   openflow.Message
		err error
	)
	switch t {
	case TypeHello:
		m = &Hello{Data: clone(body)}
	case TypeError:
		e, err := openflow.DecodeErrorMsg(openflow.Version10, body)
		if err != nil {
			return nil, err // already an *openflow.DecodeError
		}
		return e, nil
	case TypeEchoRequest:
		m = &EchoRequest{Data: clone(body)}
	case TypeEchoReply:
		m = &EchoReply{Data: clone(body)}
	case TypeVendor:
		m, err = decodeVendor(body)
	case TypeFeaturesRequest:
		m, err = &FeaturesRequest{}, wantLen(body, 0)
	case TypeFeaturesReply:
		m, err = decodeFeaturesReply(body)
	case TypeGetConfigRequest:
		m, err = &GetConfigRequest{}, wantLen(body, 0)
	case TypeGetConfigReply:
		var c switchConfig
		c, err = decodeSwitchConfig(body)
		m = &GetConfigReply{Flags: c.flags, MissSendLen: c.missSendLen}
	case TypeSetConfig:
		var c switchConfig
		c, err = decodeSwitchConfig(body)
		m = &SetConfig{Flags: c.flags, MissSendLen: c.missSendLen}
	case TypePacketIn:
		p := &PacketIn{}
		if err := p.Decode(body); err != nil {
			return nil, err
		}
		return p, nil
	case TypeFlowRemoved:
		m, err = decodeFlowRemoved(body)
	case TypePortStatus:
		m, err = decodePortStatus(body)
	case TypePacketOut:
		m, err = decodePacketOut(body)
	case TypeFlowMod:
		m, err = decodeFlowMod(body)
	case TypePortMod:
		m, err = decodePortMod(body)
	case TypeStatsRequest:
		m, err = decodeStatsRequest(body)
	case TypeStatsReply:
		m, err = decodeStatsReply(body)
	case TypeBarrierRequest:
		m, err = &BarrierRequest{}, wantLen(body, 0)
	case TypeBarrierReply:
		m, err = &BarrierReply{}, wantLen(body, 0)
	case TypeQueueGetConfigRequest:
		m, err = decodeQueueGetConfigRequest(body)
	case TypeQueueGetConfigReply:
		m, err = decodeQueueGetConfigReply(body)
	default:
		return &openflow.Unknown{Ver: openflow.Version10, Type: h.Type, Body: clone(body)}, nil
	}
	if err != nil {
		return nil, decodeError(t, err)
	}
	return m, nil
}

// clone copies b; a decoded message never aliases its input.
func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// wantLen checks that a fixed-size body has exactly n bytes.
func wantLen(body []byte, n int) error {
	switch {
	case len(body) < n:
		return truncated(len(body))
	case len(body) > n:
		return badLen(n, "body is %d bytes, want %d", len(body), n)
	}
	return nil
}

// truncated is the fault of bytes that end at off before a structure does.
func truncated(off int) error { return &fault{off, openflow.ErrTruncated} }
