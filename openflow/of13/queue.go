package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// QueueGetConfigRequest is OFPT_QUEUE_GET_CONFIG_REQUEST.
type QueueGetConfigRequest struct {
	Port PortNo // PortAny for every port
}

const queueGetConfigRequestLen = 8

func (m *QueueGetConfigRequest) Version() openflow.Version { return openflow.Version13 }
func (m *QueueGetConfigRequest) MsgType() uint8            { return uint8(TypeQueueGetConfigRequest) }

// AppendBinary appends ofp_queue_get_config_request's body.
func (m *QueueGetConfigRequest) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, uint32(m.Port))
	return append(b, 0, 0, 0, 0), nil
}

func (m *QueueGetConfigRequest) decode(body []byte) error {
	if len(body) != queueGetConfigRequestLen {
		return lengthErr(TypeQueueGetConfigRequest, len(body), queueGetConfigRequestLen)
	}
	m.Port = PortNo(binary.BigEndian.Uint32(body))
	return nil
}

// QueueGetConfigReply is OFPT_QUEUE_GET_CONFIG_REPLY.
type QueueGetConfigReply struct {
	Port   PortNo
	Queues []PacketQueue
}

func (m *QueueGetConfigReply) Version() openflow.Version { return openflow.Version13 }
func (m *QueueGetConfigReply) MsgType() uint8            { return uint8(TypeQueueGetConfigReply) }

// AppendBinary appends ofp_queue_get_config_reply's body and queues.
func (m *QueueGetConfigReply) AppendBinary(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Port))
	b = append(b, 0, 0, 0, 0)
	for i := range m.Queues {
		var err error
		if b, err = m.Queues[i].appendQueue(b); err != nil {
			return b[:start], fmt.Errorf("of13: encode queue_get_config_reply: queue %d: %w", i, err)
		}
	}
	return b, nil
}

func (m *QueueGetConfigReply) decode(body []byte) error {
	const t = TypeQueueGetConfigReply
	if len(body) < 8 {
		return truncErr(t, len(body), "queue_get_config_reply header")
	}
	r := wire.NewReader(body)
	m.Port = PortNo(r.U32())
	r.Skip(4)
	m.Queues = nil
	for r.Len() > 0 {
		off := r.Off()
		if r.Len() < packetQueueLen {
			return truncErr(t, off, "packet_queue")
		}
		q := PacketQueue{QueueID: r.U32(), Port: PortNo(r.U32())}
		n := int(r.U16())
		r.Skip(6)
		if n < packetQueueLen {
			return decodeErr(t, off+8, fmt.Errorf("%w: packet_queue length %d", openflow.ErrBadLength, n))
		}
		if n-packetQueueLen > r.Len() {
			return truncErr(t, off, "packet_queue")
		}
		props := r.Sub(n - packetQueueLen)
		for props.Len() > 0 {
			poff := off + packetQueueLen + props.Off()
			p, err := decodeQueueProp(&props)
			if err != nil {
				return decodeErr(t, poff, err)
			}
			q.Properties = append(q.Properties, p)
		}
		m.Queues = append(m.Queues, q)
	}
	return nil
}

// PacketQueue is ofp_packet_queue: one queue of a port and its properties.
type PacketQueue struct {
	QueueID    uint32
	Port       PortNo
	Properties []QueueProp
}

const packetQueueLen = 16

func (q *PacketQueue) appendQueue(b []byte) ([]byte, error) {
	start := len(b)
	b = binary.BigEndian.AppendUint32(b, q.QueueID)
	b = binary.BigEndian.AppendUint32(b, uint32(q.Port))
	b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
	for i, p := range q.Properties {
		if p == nil {
			return b[:start], fmt.Errorf("property %d is nil", i)
		}
		b = p.appendQueueProp(b)
	}
	n := len(b) - start
	if n > 0xffff {
		return b[:start], fmt.Errorf("%d bytes: %w", n, openflow.ErrTooLong)
	}
	wire.PutLen16(b, start+8, n)
	return b, nil
}

// QueuePropType is the type of a queue property (ofp_queue_properties).
type QueuePropType uint16

// The queue property types of OpenFlow 1.3.
const (
	QueuePropTypeMinRate      QueuePropType = 1
	QueuePropTypeMaxRate      QueuePropType = 2
	QueuePropTypeExperimenter QueuePropType = 0xffff
)

// String prints the type as ovs-ofctl does ("min_rate").
func (t QueuePropType) String() string {
	switch t {
	case QueuePropTypeMinRate:
		return "min_rate"
	case QueuePropTypeMaxRate:
		return "max_rate"
	case QueuePropTypeExperimenter:
		return "experimenter"
	}
	return fmt.Sprintf("queue_prop_%d", uint16(t))
}

// QueueProp is a queue property: QueuePropMinRate, QueuePropMaxRate,
// QueuePropExperimenter or QueuePropUnknown.
type QueueProp interface {
	QueuePropType() QueuePropType
	appendQueueProp(b []byte) []byte
}

// QueueRateDisabled is a rate above 1000 (100%): the rate is not limited.
const QueueRateDisabled = 0xffff

// QueuePropMinRate guarantees a rate, in tenths of a percent of the port's
// speed.
type QueuePropMinRate struct {
	Rate uint16
}

// QueuePropMaxRate caps a rate, in tenths of a percent of the port's speed.
type QueuePropMaxRate struct {
	Rate uint16
}

// QueuePropExperimenter is an experimenter queue property.
type QueuePropExperimenter struct {
	Experimenter uint32
	Data         []byte
}

// QueuePropUnknown is a property of a type ofbox does not know, kept raw
// (Data excludes the 8-byte property header).
type QueuePropUnknown struct {
	Type QueuePropType
	Data []byte
}

func (QueuePropMinRate) QueuePropType() QueuePropType      { return QueuePropTypeMinRate }
func (QueuePropMaxRate) QueuePropType() QueuePropType      { return QueuePropTypeMaxRate }
func (QueuePropExperimenter) QueuePropType() QueuePropType { return QueuePropTypeExperimenter }
func (p QueuePropUnknown) QueuePropType() QueuePropType    { return p.Type }

func rateString(r uint16) string {
	if r > 1000 {
		return "disabled"
	}
	return fmt.Sprintf("%d.%d%%", r/10, r%10)
}

func (p QueuePropMinRate) String() string { return "min_rate:" + rateString(p.Rate) }
func (p QueuePropMaxRate) String() string { return "max_rate:" + rateString(p.Rate) }
func (p QueuePropExperimenter) String() string {
	return fmt.Sprintf("experimenter:%#x", p.Experimenter)
}

func appendQueuePropHeader(b []byte, t QueuePropType, n int) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	return append(b, 0, 0, 0, 0)
}

func (p QueuePropMinRate) appendQueueProp(b []byte) []byte {
	b = appendQueuePropHeader(b, QueuePropTypeMinRate, 16)
	b = binary.BigEndian.AppendUint16(b, p.Rate)
	return append(b, 0, 0, 0, 0, 0, 0)
}

func (p QueuePropMaxRate) appendQueueProp(b []byte) []byte {
	b = appendQueuePropHeader(b, QueuePropTypeMaxRate, 16)
	b = binary.BigEndian.AppendUint16(b, p.Rate)
	return append(b, 0, 0, 0, 0, 0, 0)
}

func (p QueuePropExperimenter) appendQueueProp(b []byte) []byte {
	b = appendQueuePropHeader(b, QueuePropTypeExperimenter, 16+len(p.Data))
	b = binary.BigEndian.AppendUint32(b, p.Experimenter)
	b = append(b, 0, 0, 0, 0)
	return append(b, p.Data...)
}

func (p QueuePropUnknown) appendQueueProp(b []byte) []byte {
	b = appendQueuePropHeader(b, p.Type, 8+len(p.Data))
	return append(b, p.Data...)
}

// decodeQueueProp decodes the property at the start of r. Errors carry no
// offset: the caller adds it.
func decodeQueueProp(r *wire.Reader) (QueueProp, error) {
	if r.Len() < 8 {
		return nil, fmt.Errorf("queue property header: %w", openflow.ErrTruncated)
	}
	t := QueuePropType(r.U16())
	n := int(r.U16())
	r.Skip(4)
	if n < 8 {
		return nil, fmt.Errorf("%w: queue property length %d", openflow.ErrBadLength, n)
	}
	if n-8 > r.Len() {
		return nil, fmt.Errorf("queue property %s: %w", t, openflow.ErrTruncated)
	}
	p := r.Sub(n - 8)
	switch t {
	case QueuePropTypeMinRate, QueuePropTypeMaxRate:
		if n != 16 {
			return nil, fmt.Errorf("%w: %s property length %d, want 16", openflow.ErrBadLength, t, n)
		}
		rate := p.U16()
		if t == QueuePropTypeMinRate {
			return QueuePropMinRate{Rate: rate}, nil
		}
		return QueuePropMaxRate{Rate: rate}, nil
	case QueuePropTypeExperimenter:
		if n < 16 {
			return nil, fmt.Errorf("%w: experimenter property length %d", openflow.ErrBadLength, n)
		}
		e := QueuePropExperimenter{Experimenter: p.U32()}
		p.Skip(4)
		e.Data = p.Copy(p.Len())
		return e, nil
	}
	return QueuePropUnknown{Type: t, Data: p.Copy(p.Len())}, nil
}
