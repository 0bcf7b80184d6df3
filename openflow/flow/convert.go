package flow

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// Message is a model message: it converts to the wire message of either
// version with Encode, and Decode converts wire messages back.
type Message interface {
	// Encode returns the wire message of version v (an *of10.FlowMod, an
	// *of13.PacketOut, ...). It fails, wrapping ErrUnsupported, when the
	// version cannot express the message, rather than dropping meaning.
	Encode(v openflow.Version) (openflow.Message, error)
}

// Decode converts a wire message of either version into its model
// message: *FlowMod, *PacketIn, *PacketOut, *FlowRemoved, *PortStatus,
// the stats requests and replies, *BarrierRequest or *BarrierReply.
// Byte slices (packet data, experimenter payloads) alias the wire
// message's. Other messages fail with ErrUnsupported.
func Decode(m openflow.Message) (Message, error) {
	var (
		x   Message
		err error
	)
	switch {
	case m == nil:
		return nil, fmt.Errorf("flow: decode nil message: %w", ErrUnsupported)
	case m.Version() == openflow.Version10:
		x, err = decode10(m)
	default:
		x, err = decode13(m)
	}
	if err != nil {
		return nil, fmt.Errorf("flow: decode %s: %w", openflow.TypeName(m.Version(), m.MsgType()), err)
	}
	return x, nil
}

// DecodeAs decodes m and checks that it is the model message T:
// DecodeAs[*FlowMod](msg).
func DecodeAs[T Message](m openflow.Message) (T, error) {
	var zero T
	x, err := Decode(m)
	if err != nil {
		return zero, err
	}
	t, ok := x.(T)
	if !ok {
		return zero, fmt.Errorf("flow: decode %s: got %T, want %T", openflow.TypeName(m.Version(), m.MsgType()), x, zero)
	}
	return t, nil
}

// unsupported reports what version v cannot express.
func unsupported(v openflow.Version, format string, a ...any) error {
	return fmt.Errorf("OpenFlow %s cannot express %s: %w", v, fmt.Sprintf(format, a...), ErrUnsupported)
}

// encodeBy runs the encoder of version v and names the operation in its
// error.
func encodeBy(v openflow.Version, what string, e10, e13 func() (openflow.Message, error)) (openflow.Message, error) {
	var (
		m   openflow.Message
		err error
	)
	switch v {
	case openflow.Version10:
		m, err = e10()
	case openflow.Version13:
		m, err = e13()
	default:
		err = fmt.Errorf("version %s: %w", v, openflow.ErrBadVersion)
	}
	if err != nil {
		return nil, fmt.Errorf("flow: encode %s: %w", what, err)
	}
	return m, nil
}

// Encode converts the FlowMod to the wire message of version v; see Message.
func (fm *FlowMod) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "flow_mod", fm.encode10, fm.encode13)
}

// Encode converts the PacketIn to the wire message of version v; see Message.
func (p *PacketIn) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "packet_in", p.encode10, p.encode13)
}

// Encode converts the PacketOut to the wire message of version v; see Message.
func (p *PacketOut) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "packet_out", p.encode10, p.encode13)
}

// Encode converts the FlowRemoved to the wire message of version v; see Message.
func (r *FlowRemoved) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "flow_removed", r.encode10, r.encode13)
}

// Encode converts the PortStatus to the wire message of version v; see Message.
func (s *PortStatus) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "port_status", s.encode10, s.encode13)
}

// Encode converts the DescRequest to the wire message of version v; see Message.
func (r *DescRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "desc request", func() (openflow.Message, error) { return &of10.DescStatsRequest{}, nil },
		func() (openflow.Message, error) { return &of13.DescRequest{}, nil })
}

// Encode converts the DescReply to the wire message of version v; see Message.
func (d *DescReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "desc reply", func() (openflow.Message, error) {
		return &of10.DescStatsReply{MfrDesc: d.MfrDesc, HWDesc: d.HWDesc, SWDesc: d.SWDesc, SerialNum: d.SerialNum, DPDesc: d.DPDesc}, nil
	}, func() (openflow.Message, error) {
		return &of13.DescReply{MfrDesc: d.MfrDesc, HWDesc: d.HWDesc, SWDesc: d.SWDesc, SerialNum: d.SerialNum, DPDesc: d.DPDesc}, nil
	})
}

// Encode converts the FlowStatsRequest to the wire message of version v; see Message.
func (r *FlowStatsRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "flow stats request", r.encode10, r.encode13)
}

// Encode converts the FlowStatsReply to the wire message of version v; see Message.
func (r *FlowStatsReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "flow stats reply", r.encode10, r.encode13)
}

// Encode converts the AggregateRequest to the wire message of version v; see Message.
func (r *AggregateRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "aggregate request", r.encode10, r.encode13)
}

// Encode converts the AggregateReply to the wire message of version v; see Message.
func (r *AggregateReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "aggregate reply", func() (openflow.Message, error) {
		return &of10.AggregateStatsReply{PacketCount: r.PacketCount, ByteCount: r.ByteCount, FlowCount: r.FlowCount}, nil
	}, func() (openflow.Message, error) {
		return &of13.AggregateStatsReply{PacketCount: r.PacketCount, ByteCount: r.ByteCount, FlowCount: r.FlowCount}, nil
	})
}

// Encode converts the TableStatsRequest to the wire message of version v; see Message.
func (r *TableStatsRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "table stats request", func() (openflow.Message, error) { return &of10.TableStatsRequest{}, nil },
		func() (openflow.Message, error) { return &of13.TableStatsRequest{}, nil })
}

// Encode converts the TableStatsReply to the wire message of version v; see Message.
func (r *TableStatsReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "table stats reply", r.encode10, r.encode13)
}

// Encode converts the PortStatsRequest to the wire message of version v; see Message.
func (r *PortStatsRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "port stats request", r.encode10, func() (openflow.Message, error) {
		return &of13.PortStatsRequest{PortNo: of13.PortNo(r.PortNo)}, nil
	})
}

// Encode converts the PortStatsReply to the wire message of version v; see Message.
func (r *PortStatsReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "port stats reply", r.encode10, r.encode13)
}

// Encode converts the PortDescRequest to the wire message of version v; see Message.
// OpenFlow 1.0 has it as Open vSwitch's OFPST_PORT_DESC extension.
func (r *PortDescRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "port desc request", func() (openflow.Message, error) { return &of10.PortDescStatsRequest{}, nil },
		func() (openflow.Message, error) { return &of13.PortDescRequest{}, nil })
}

// Encode converts the PortDescReply to the wire message of version v; see Message.
func (r *PortDescReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "port desc reply", r.encode10, r.encode13)
}

// Encode converts the BarrierRequest to the wire message of version v; see Message.
func (*BarrierRequest) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "barrier request", func() (openflow.Message, error) { return &of10.BarrierRequest{}, nil },
		func() (openflow.Message, error) { return &of13.BarrierRequest{}, nil })
}

// Encode converts the BarrierReply to the wire message of version v; see Message.
func (*BarrierReply) Encode(v openflow.Version) (openflow.Message, error) {
	return encodeBy(v, "barrier reply", func() (openflow.Message, error) { return &of10.BarrierReply{}, nil },
		func() (openflow.Message, error) { return &of13.BarrierReply{}, nil })
}
