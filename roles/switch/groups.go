package ofswitch

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// actionsFrom13 converts OpenFlow 1.3 actions to the model, through the
// packet-out conversion that owns the action table.
func actionsFrom13(as []of13.Action) ([]flow.Action, error) {
	po, err := flow.DecodeAs[*flow.PacketOut](&of13.PacketOut{BufferID: flow.NoBuffer, InPort: of13.PortNo(flow.PortController), Actions: as})
	if err != nil {
		return nil, err
	}
	return po.Actions, nil
}

// actionsTo13 converts model actions to OpenFlow 1.3.
func actionsTo13(as []flow.Action) ([]of13.Action, error) {
	w, err := (&flow.PacketOut{BufferID: flow.NoBuffer, InPort: flow.PortController, Actions: as}).Encode(openflow.Version13)
	if err != nil {
		return nil, err
	}
	return w.(*of13.PacketOut).Actions, nil
}

func groupModFrom13(r *of13.GroupMod) (*datapath.GroupMod, error) {
	gm := &datapath.GroupMod{Command: datapath.GroupCommand(r.Command), Type: datapath.GroupType(r.Type), GroupID: r.GroupID}
	if r.Command > of13.GroupModCommand(datapath.GroupDelete) {
		return nil, &openflow.ErrorMsg{Ver: openflow.Version13, Type: datapath.ErrTypeGroupModFailed, Code: datapath.GroupModBadCommand}
	}
	for _, b := range r.Buckets {
		as, err := actionsFrom13(b.Actions)
		if err != nil {
			return nil, fmt.Errorf("group mod bucket: %w", err)
		}
		gm.Buckets = append(gm.Buckets, datapath.Bucket{Weight: b.Weight, WatchPort: flow.PortNo(b.WatchPort), WatchGroup: b.WatchGroup, Actions: as})
	}
	return gm, nil
}

func meterModFrom13(r *of13.MeterMod) (*datapath.MeterMod, error) {
	if r.Command > of13.MeterModCommand(datapath.MeterDelete) {
		return nil, &openflow.ErrorMsg{Ver: openflow.Version13, Type: datapath.ErrTypeMeterModFailed, Code: datapath.MeterModBadCommand}
	}
	mm := &datapath.MeterMod{Command: datapath.MeterCommand(r.Command), Flags: datapath.MeterFlags(r.Flags), MeterID: r.MeterID}
	for _, b := range r.Bands {
		d, ok := b.(of13.MeterBandDrop)
		if !ok {
			return nil, &openflow.ErrorMsg{Ver: openflow.Version13, Type: datapath.ErrTypeMeterModFailed, Code: datapath.MeterModBadBand}
		}
		mm.Bands = append(mm.Bands, datapath.MeterBand{Rate: d.Rate, BurstSize: d.BurstSize})
	}
	return mm, nil
}

// groupDescs describes the datapath's groups in OpenFlow 1.3.
func groupDescs(gs []datapath.GroupMod) ([]of13.GroupDesc, error) {
	out := make([]of13.GroupDesc, 0, len(gs))
	for _, g := range gs {
		d := of13.GroupDesc{Type: of13.GroupType(g.Type), GroupID: g.GroupID}
		for _, b := range g.Buckets {
			as, err := actionsTo13(b.Actions)
			if err != nil {
				return nil, err
			}
			d.Buckets = append(d.Buckets, of13.Bucket{Weight: b.Weight, WatchPort: of13.PortNo(b.WatchPort), WatchGroup: b.WatchGroup, Actions: as})
		}
		out = append(out, d)
	}
	return out, nil
}

func groupStats13(gs []datapath.GroupStats) []of13.GroupStats {
	out := make([]of13.GroupStats, 0, len(gs))
	for _, g := range gs {
		w := of13.GroupStats{GroupID: g.GroupID, RefCount: g.RefCount, PacketCount: g.PacketCount, ByteCount: g.ByteCount,
			DurationSec: g.DurationSec, DurationNSec: g.DurationNsec}
		for _, b := range g.Buckets {
			w.BucketStats = append(w.BucketStats, of13.BucketCounter{PacketCount: b.PacketCount, ByteCount: b.ByteCount})
		}
		out = append(out, w)
	}
	return out
}

func meterConfigs13(ms []datapath.MeterMod, id uint32) []of13.MeterConfig {
	out := make([]of13.MeterConfig, 0, len(ms))
	for _, m := range ms {
		if id != datapath.MeterAll && m.MeterID != id {
			continue
		}
		w := of13.MeterConfig{Flags: of13.MeterFlags(m.Flags), MeterID: m.MeterID}
		for _, b := range m.Bands {
			w.Bands = append(w.Bands, of13.MeterBandDrop{Rate: b.Rate, BurstSize: b.BurstSize})
		}
		out = append(out, w)
	}
	return out
}

func meterStats13(ms []datapath.MeterStats) []of13.MeterStats {
	out := make([]of13.MeterStats, 0, len(ms))
	for _, m := range ms {
		w := of13.MeterStats{MeterID: m.MeterID, FlowCount: m.FlowCount, PacketInCount: m.PacketInCount,
			ByteInCount: m.ByteInCount, DurationSec: m.DurationSec, DurationNSec: m.DurationNsec}
		for _, b := range m.Bands {
			w.BandStats = append(w.BandStats, of13.MeterBandStats{PacketBandCount: b.PacketCount, ByteBandCount: b.ByteCount})
		}
		out = append(out, w)
	}
	return out
}
