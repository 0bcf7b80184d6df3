package of13

import "github.com/ofbox/ofbox/openflow"

// BarrierRequest is OFPT_BARRIER_REQUEST (no body).
type BarrierRequest struct{}

func (m *BarrierRequest) Version() openflow.Version             { return openflow.Version13 }
func (m *BarrierRequest) MsgType() uint8                        { return uint8(TypeBarrierRequest) }
func (m *BarrierRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }
func (m *BarrierRequest) decode(body []byte) error              { return decodeEmpty(TypeBarrierRequest, body) }

// BarrierReply is OFPT_BARRIER_REPLY (no body).
type BarrierReply struct{}

func (m *BarrierReply) Version() openflow.Version             { return openflow.Version13 }
func (m *BarrierReply) MsgType() uint8                        { return uint8(TypeBarrierReply) }
func (m *BarrierReply) AppendBinary(b []byte) ([]byte, error) { return b, nil }
func (m *BarrierReply) decode(body []byte) error              { return decodeEmpty(TypeBarrierReply, body) }
