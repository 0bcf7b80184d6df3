package of10

import "github.com/ofbox/ofbox/openflow"

// BarrierRequest is OFPT_BARRIER_REQUEST; it has no body.
type BarrierRequest struct{}

func (*BarrierRequest) Version() openflow.Version { return openflow.Version10 }
func (*BarrierRequest) MsgType() uint8            { return uint8(TypeBarrierRequest) }

// AppendBinary appends nothing: the message is only a header.
func (*BarrierRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }

// BarrierReply is OFPT_BARRIER_REPLY; it has no body.
type BarrierReply struct{}

func (*BarrierReply) Version() openflow.Version { return openflow.Version10 }
func (*BarrierReply) MsgType() uint8            { return uint8(TypeBarrierReply) }

// AppendBinary appends nothing: the message is only a header.
func (*BarrierReply) AppendBinary(b []byte) ([]byte, error) { return b, nil }
