package controller

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// sessionCodecs are the codecs of one session. Once reuse is set, they
// apply the packet-in rate limit before decoding, so that a flood costs
// little to drop, and decode packet-ins into one wire value per version
// instead of a new one: the session reads inline
// (openflow.Config.InlineRead), so a message is dispatched before the
// next is decoded, and nothing keeps a packet-in past its dispatch. Only
// the session goroutine touches them.
type sessionCodecs struct {
	reuse bool
	limit bucket
	pi10  of10.PacketIn
	pi13  of13.PacketIn
	drop  droppedPacketIn
}

func newSessionCodecs(limit bucket) *sessionCodecs { return &sessionCodecs{limit: limit} }

// droppedPacketIn stands for a packet-in the rate limit dropped undecoded.
type droppedPacketIn struct{ v openflow.Version }

func (d *droppedPacketIn) Version() openflow.Version           { return d.v }
func (*droppedPacketIn) MsgType() uint8                        { return uint8(of13.TypePacketIn) }
func (*droppedPacketIn) AppendBinary(b []byte) ([]byte, error) { return b, nil }

// list returns the codecs for openflow.Config.
func (s *sessionCodecs) list() []openflow.Codec {
	return []openflow.Codec{codec10{s}, codec13{s}}
}

type (
	codec10 struct{ s *sessionCodecs }
	codec13 struct{ s *sessionCodecs }
)

func (codec10) Version() openflow.Version { return openflow.Version10 }
func (codec13) Version() openflow.Version { return openflow.Version13 }

func (c codec10) Decode(h openflow.Header, body []byte) (openflow.Message, error) {
	if !c.s.reuse || h.Version != openflow.Version10 || h.Type != uint8(of10.TypePacketIn) {
		return of10.Codec.Decode(h, body)
	}
	if !c.s.limit.take() {
		c.s.drop.v = h.Version
		return &c.s.drop, nil
	}
	if err := c.s.pi10.Decode(body); err != nil {
		return nil, err
	}
	return &c.s.pi10, nil
}

func (c codec13) Decode(h openflow.Header, body []byte) (openflow.Message, error) {
	if !c.s.reuse || h.Version != openflow.Version13 || h.Type != uint8(of13.TypePacketIn) {
		return of13.Codec.Decode(h, body)
	}
	if !c.s.limit.take() {
		c.s.drop.v = h.Version
		return &c.s.drop, nil
	}
	if err := c.s.pi13.Decode(body); err != nil {
		return nil, err
	}
	return &c.s.pi13, nil
}
