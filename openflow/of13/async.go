package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// AsyncConfig is ofp_async_config: which asynchronous messages a controller
// connection receives. Index 0 of each mask applies in the master and equal
// roles, index 1 in the slave role; bit n of a mask enables reason n
// (PacketInReason, PortReason, FlowRemovedReason).
type AsyncConfig struct {
	PacketInMask    [2]uint32
	PortStatusMask  [2]uint32
	FlowRemovedMask [2]uint32
}

const asyncConfigLen = 24

func (c *AsyncConfig) appendAsync(b []byte) []byte {
	for _, m := range [...][2]uint32{c.PacketInMask, c.PortStatusMask, c.FlowRemovedMask} {
		b = binary.BigEndian.AppendUint32(b, m[0])
		b = binary.BigEndian.AppendUint32(b, m[1])
	}
	return b
}

func (c *AsyncConfig) decodeAsync(t Type, body []byte) error {
	if len(body) != asyncConfigLen {
		return lengthErr(t, len(body), asyncConfigLen)
	}
	r := wire.NewReader(body)
	for _, m := range [...]*[2]uint32{&c.PacketInMask, &c.PortStatusMask, &c.FlowRemovedMask} {
		m[0] = r.U32()
		m[1] = r.U32()
	}
	return nil
}

// GetAsyncRequest is OFPT_GET_ASYNC_REQUEST (no body).
type GetAsyncRequest struct{}

func (m *GetAsyncRequest) Version() openflow.Version             { return openflow.Version13 }
func (m *GetAsyncRequest) MsgType() uint8                        { return uint8(TypeGetAsyncRequest) }
func (m *GetAsyncRequest) AppendBinary(b []byte) ([]byte, error) { return b, nil }
func (m *GetAsyncRequest) decode(body []byte) error {
	return decodeEmpty(TypeGetAsyncRequest, body)
}

// GetAsyncReply is OFPT_GET_ASYNC_REPLY.
type GetAsyncReply struct {
	AsyncConfig
}

func (m *GetAsyncReply) Version() openflow.Version             { return openflow.Version13 }
func (m *GetAsyncReply) MsgType() uint8                        { return uint8(TypeGetAsyncReply) }
func (m *GetAsyncReply) AppendBinary(b []byte) ([]byte, error) { return m.appendAsync(b), nil }
func (m *GetAsyncReply) decode(body []byte) error {
	return m.decodeAsync(TypeGetAsyncReply, body)
}

// SetAsync is OFPT_SET_ASYNC.
type SetAsync struct {
	AsyncConfig
}

func (m *SetAsync) Version() openflow.Version             { return openflow.Version13 }
func (m *SetAsync) MsgType() uint8                        { return uint8(TypeSetAsync) }
func (m *SetAsync) AppendBinary(b []byte) ([]byte, error) { return m.appendAsync(b), nil }
func (m *SetAsync) decode(body []byte) error              { return m.decodeAsync(TypeSetAsync, body) }
