package ofswitch

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// maxEntries is the table size the agent reports: the classifier has no
// fixed limit, so this is Open vSwitch's figure.
const maxEntries = 1000000

// badMultipart is the error for a multipart (stats) type the switch does
// not answer, or any other unknown message.
func (c *conn) badType(m openflow.Message) error {
	return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestBadType}
}

func (c *conn) multipart13(h openflow.Header, m openflow.Message) error {
	switch r := m.(type) {
	case *of13.DescRequest, *of13.FlowStatsRequest, *of13.AggregateStatsRequest, *of13.TableStatsRequest,
		*of13.PortStatsRequest, *of13.PortDescRequest:
		return c.modelStats(h, m)
	case *of13.GroupStatsRequest:
		c.reply(h, &of13.GroupStatsReply{Stats: groupStats13(c.s.dp.GroupStats(r.GroupID))})
	case *of13.GroupDescRequest:
		ds, err := groupDescs(c.s.dp.Groups())
		if err != nil {
			return err
		}
		c.reply(h, &of13.GroupDescReply{Groups: ds})
	case *of13.GroupFeaturesRequest:
		const types = 1<<datapath.GroupTypeAll | 1<<datapath.GroupTypeSelect | 1<<datapath.GroupTypeIndirect | 1<<datapath.GroupTypeFF
		c.reply(h, &of13.GroupFeaturesReply{Types: types, MaxGroups: [4]uint32{65535, 65535, 65535, 65535},
			Actions: [4]uint32{actions13, actions13, actions13, actions13}})
	case *of13.MeterStatsRequest:
		c.reply(h, &of13.MeterStatsReply{Stats: meterStats13(c.s.dp.MeterStats(r.MeterID))})
	case *of13.MeterConfigRequest:
		c.reply(h, &of13.MeterConfigReply{Meters: meterConfigs13(c.s.dp.Meters(), r.MeterID)})
	case *of13.MeterFeaturesRequest:
		c.reply(h, &of13.MeterFeaturesReply{MaxMeter: 65535, BandTypes: 1 << bandTypeDrop,
			Capabilities: uint32(datapath.MeterFlagKbps | datapath.MeterFlagPktps | datapath.MeterFlagBurst | datapath.MeterFlagStats),
			MaxBands:     8})
	case *of13.TableFeaturesRequest:
		if len(r.Tables) > 0 {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeTableFeaturesFailed, Code: tableFeaturesEPerm}
		}
		c.reply(h, &of13.TableFeaturesReply{Tables: tableFeatures()})
	case *of13.QueueStatsRequest:
		c.reply(h, &of13.QueueStatsReply{})
	case *of13.MultipartUnknown, *of13.ExperimenterMultipartRequest:
		return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestBadMultipart}
	default:
		return c.badType(m)
	}
	return nil
}

func (c *conn) multipart10(h openflow.Header, m openflow.Message) error {
	switch m.(type) {
	case *of10.DescStatsRequest, *of10.FlowStatsRequest, *of10.AggregateStatsRequest, *of10.PortStatsRequest,
		*of10.PortDescStatsRequest:
		return c.modelStats(h, m)
	case *of10.TableStatsRequest:
		var t flow.TableStats
		if ts := c.s.dp.TableStats(); len(ts) > 0 {
			t = ts[0]
		}
		c.reply(h, &of10.TableStatsReply{Stats: []of10.TableStats{{Name: "classifier", Wildcards: of10.WildcardAll,
			MaxEntries: maxEntries, ActiveCount: t.ActiveCount, LookupCount: t.LookupCount, MatchedCount: t.MatchedCount}}})
	case *of10.QueueStatsRequest:
		c.reply(h, &of10.QueueStatsReply{})
	case *of10.StatsUnknown, *of10.VendorStatsRequest:
		return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestBadMultipart}
	default:
		return c.badType(m)
	}
	return nil
}

// modelStats answers the stats requests the model speaks for both
// versions.
func (c *conn) modelStats(h openflow.Header, m openflow.Message) error {
	x, err := flow.Decode(m)
	if err != nil {
		return err
	}
	dp := c.s.dp
	var rep flow.Message
	switch r := x.(type) {
	case *flow.DescRequest:
		d := c.s.cfg.Desc
		rep = &d
	case *flow.FlowStatsRequest:
		rep = &flow.FlowStatsReply{Flows: c.expressible(dp.FlowStats(r))}
	case *flow.AggregateRequest:
		a := dp.AggregateStats(r)
		rep = &a
	case *flow.TableStatsRequest:
		rep = &flow.TableStatsReply{Tables: dp.TableStats()}
	case *flow.PortStatsRequest:
		rep = &flow.PortStatsReply{Ports: dp.PortStats(r.PortNo)}
	case *flow.PortDescRequest:
		rep = &flow.PortDescReply{Ports: dp.Ports()}
	default:
		return fmt.Errorf("stats %T: %w", x, flow.ErrUnsupported)
	}
	return c.replyModel(h, rep)
}

// expressible drops, on an OpenFlow 1.0 connection, the flows that 1.0
// cannot describe (goto_table, groups, other tables), so that one such flow
// does not fail the whole dump.
func (c *conn) expressible(fs []flow.FlowStats) []flow.FlowStats {
	if c.ver != openflow.Version10 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		if _, err := (&flow.FlowStatsReply{Flows: []flow.FlowStats{f}}).Encode(openflow.Version10); err == nil {
			out = append(out, f)
		}
	}
	return out
}
