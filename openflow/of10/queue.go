package of10

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// QueueGetConfigRequest is OFPT_QUEUE_GET_CONFIG_REQUEST.
type QueueGetConfigRequest struct {
	Port PortNo
}

func (*QueueGetConfigRequest) Version() openflow.Version { return openflow.Version10 }
func (*QueueGetConfigRequest) MsgType() uint8            { return uint8(TypeQueueGetConfigRequest) }

// AppendBinary appends ofp_queue_get_config_request.
func (m *QueueGetConfigRequest) AppendBinary(b []byte) ([]byte, error) {
	return append(binary.BigEndian.AppendUint16(b, uint16(m.Port)), 0, 0), nil
}

func decodeQueueGetConfigRequest(body []byte) (*QueueGetConfigRequest, error) {
	if err := wantLen(body, 4); err != nil {
		return nil, err
	}
	return &QueueGetConfigRequest{Port: PortNo(binary.BigEndian.Uint16(body))}, nil
}

// QueueGetConfigReply is OFPT_QUEUE_GET_CONFIG_REPLY.
type QueueGetConfigReply struct {
	Port   PortNo
	Queues []PacketQueue
}

func (*QueueGetConfigReply) Version() openflow.Version { return openflow.Version10 }
func (*QueueGetConfigReply) MsgType() uint8            { return uint8(TypeQueueGetConfigReply) }

// PacketQueue is ofp_packet_queue: one queue of a port and its properties.
type PacketQueue struct {
	QueueID    uint32
	Properties []QueueProp
}

// QueuePropType is ofp_queue_properties.
type QueuePropType uint16

// Queue property types. OpenFlow 1.0 defines only min-rate.
const (
	QueuePropTypeNone    QueuePropType = 0
	QueuePropTypeMinRate QueuePropType = 1
)

// String prints the property type ("min_rate").
func (t QueuePropType) String() string {
	switch t {
	case QueuePropTypeNone:
		return "none"
	case QueuePropTypeMinRate:
		return "min_rate"
	}
	return "prop_" + strconv.Itoa(int(t))
}

// QueueProp is a queue property: QueuePropMinRate or the raw
// QueuePropUnknown.
type QueueProp interface {
	PropType() QueuePropType
	appendBody(b []byte) []byte
}

// QueuePropMinRate is ofp_queue_prop_min_rate: a guaranteed rate in
// tenths of a percent; above 1000 it is disabled.
type QueuePropMinRate struct {
	Rate uint16
}

// QueuePropUnknown is a property of any other type, its bytes after the
// 8-byte property header kept raw.
type QueuePropUnknown struct {
	Type QueuePropType
	Data []byte
}

func (QueuePropMinRate) PropType() QueuePropType   { return QueuePropTypeMinRate }
func (p QueuePropUnknown) PropType() QueuePropType { return p.Type }

func (p QueuePropMinRate) appendBody(b []byte) []byte {
	return wire.Pad(binary.BigEndian.AppendUint16(b, p.Rate), 6)
}

func (p QueuePropUnknown) appendBody(b []byte) []byte { return append(b, p.Data...) }

const (
	queueReplyLen  = 8
	packetQueueLen = 8
	queuePropLen   = 8
)

// AppendBinary appends ofp_queue_get_config_reply and the queues.
func (m *QueueGetConfigReply) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = wire.Pad(binary.BigEndian.AppendUint16(b, uint16(m.Port)), 6)
	for i := range m.Queues {
		var err error
		if b, err = appendPacketQueue(b, &m.Queues[i]); err != nil {
			return b[:start], fmt.Errorf("queue %d: %w", i, err)
		}
	}
	return b, nil
}

func appendPacketQueue(b []byte, q *PacketQueue) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, q.QueueID)
	b = append(b, 0, 0, 0, 0)
	for _, p := range q.Properties {
		if p == nil {
			return b[:start], fmt.Errorf("nil property")
		}
		ps := len(b)
		b = binary.BigEndian.AppendUint16(b, uint16(p.PropType()))
		b = append(b, 0, 0, 0, 0, 0, 0)
		b = p.appendBody(b)
		if n := len(b) - ps; n > 0xffff {
			return b[:start], tooLong("queue property", n)
		}
		wire.PutLen16(b, ps+2, len(b)-ps)
	}
	if n := len(b) - start; n > 0xffff {
		return b[:start], tooLong("queue", n)
	}
	wire.PutLen16(b, start+4, len(b)-start)
	return b, nil
}

func decodeQueueGetConfigReply(body []byte) (*QueueGetConfigReply, error) {
	r := wire.NewReader(body)
	m := &QueueGetConfigReply{Port: PortNo(r.U16())}
	r.Skip(6)
	if r.Err() != nil {
		return nil, short(&r)
	}
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < packetQueueLen {
			return nil, truncated(off)
		}
		id := r.U32()
		n := int(r.U16())
		r.Skip(2)
		if n < packetQueueLen || n-packetQueueLen > r.Len() {
			return nil, badLen(off+4, "queue length %d with %d bytes left", n, r.Len()+packetQueueLen)
		}
		props, err := decodeQueueProps(r.Bytes(n - packetQueueLen))
		if err != nil {
			return nil, at(off+packetQueueLen, err)
		}
		m.Queues = append(m.Queues, PacketQueue{QueueID: id, Properties: props})
	}
	return m, nil
}

func decodeQueueProps(b []byte) ([]QueueProp, error) {
	var ps []QueueProp
	r := wire.NewReader(b)
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < queuePropLen {
			return nil, truncated(off)
		}
		t := QueuePropType(r.U16())
		n := int(r.U16())
		r.Skip(4)
		if n < queuePropLen || n-queuePropLen > r.Len() {
			return nil, badLen(off+2, "queue property %s: length %d with %d bytes left", t, n, r.Len()+queuePropLen)
		}
		p := r.Bytes(n - queuePropLen)
		if t == QueuePropTypeMinRate {
			if n != 16 {
				return nil, badLen(off+2, "queue property %s: length %d, want 16", t, n)
			}
			ps = append(ps, QueuePropMinRate{Rate: binary.BigEndian.Uint16(p)})
			continue
		}
		ps = append(ps, QueuePropUnknown{Type: t, Data: clone(p)})
	}
	return ps, nil
}
