package fakeswitch

import (
	"errors"
	"fmt"
	"io"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// RawHandshake plays the switch side of the controller's setup on rw with
// hand-written frames and no goroutines of its own: HELLO offering v,
// the features reply with dpid and, in OpenFlow 1.3, an empty port
// description. It returns once the controller has what it needs to join;
// the frame reader goes on reading the connection.
func RawHandshake(rw io.ReadWriter, v openflow.Version, dpid uint64) (*openflow.FrameReader, error) {
	hello, _ := openflow.AppendHello(nil, 1, v)
	if _, err := rw.Write(hello); err != nil {
		return nil, fmt.Errorf("fakeswitch: write hello: %w", err)
	}
	fr := openflow.NewFrameReader(rw)
	for {
		h, _, err := fr.ReadFrame()
		if err != nil {
			return nil, fmt.Errorf("fakeswitch: read: %w", err)
		}
		var r openflow.Message
		switch {
		case h.Type == openflow.TypeHello:
			if h.Version != v && h.Version < v {
				return nil, errors.New("fakeswitch: controller does not speak our version")
			}
			continue
		case h.Type == openflow.TypeError:
			return nil, errors.New("fakeswitch: controller sent an error")
		case v == openflow.Version10 && h.Type == 5: // OFPT_FEATURES_REQUEST
			r = &of10.FeaturesReply{DatapathID: dpid, NBuffers: 256, NTables: 1}
		case v == openflow.Version13 && h.Type == 5:
			r = &of13.FeaturesReply{DatapathID: dpid, NBuffers: 256, NTables: 254}
		case v == openflow.Version13 && h.Type == 18: // OFPT_MULTIPART_REQUEST: port desc
			r = &of13.PortDescReply{}
		default:
			continue
		}
		b, err := openflow.Append(nil, h.Xid, r)
		if err != nil {
			return nil, err
		}
		if _, err := rw.Write(b); err != nil {
			return nil, fmt.Errorf("fakeswitch: write: %w", err)
		}
		if v == openflow.Version10 || h.Type == 18 {
			return fr, nil
		}
	}
}
