package datapath

import (
	"slices"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// entriesFor returns the entries a stats request selects, by table and
// descending priority.
func (d *Datapath) entriesFor(r *flow.FlowStatsRequest) []*entry {
	s := d.snap.Load()
	fm := &flow.FlowMod{Match: r.Match, Cookie: r.Cookie, CookieMask: r.CookieMask, OutPort: r.OutPort, OutGroup: r.OutGroup}
	var es []*entry
	for t := range NumTables {
		if r.TableID != flow.TableAll && uint8(t) != r.TableID {
			continue
		}
		var ts []*entry
		s.tables[t].all(func(e *entry) bool {
			if selects(e, fm, false, true) {
				ts = append(ts, e)
			}
			return true
		})
		slices.SortStableFunc(ts, func(a, b *entry) int { return int(b.priority) - int(a.priority) })
		es = append(es, ts...)
	}
	return es
}

// FlowStats answers a flow stats request.
func (d *Datapath) FlowStats(r *flow.FlowStatsRequest) []flow.FlowStats {
	now := time.Now()
	var out []flow.FlowStats
	for _, e := range d.entriesFor(r) {
		dur := now.Sub(e.stats.created)
		out = append(out, flow.FlowStats{TableID: e.table, DurationSec: uint32(dur / time.Second),
			DurationNsec: uint32(dur % time.Second), Priority: e.priority, IdleTimeout: e.idle,
			HardTimeout: e.hard, Flags: e.flags, Cookie: e.cookie,
			PacketCount: e.stats.packets.Load(), ByteCount: e.stats.bytes.Load(),
			Match: e.match, Instructions: e.instrs})
	}
	return out
}

// AggregateStats answers an aggregate stats request.
func (d *Datapath) AggregateStats(r *flow.AggregateRequest) flow.AggregateReply {
	var a flow.AggregateReply
	for _, e := range d.entriesFor((*flow.FlowStatsRequest)(r)) {
		a.FlowCount++
		a.PacketCount += e.stats.packets.Load()
		a.ByteCount += e.stats.bytes.Load()
	}
	return a
}

// TableStats returns the counters of every table.
func (d *Datapath) TableStats() []flow.TableStats {
	d.mu.Lock()
	workers := slices.Clone(d.workers)
	d.mu.Unlock()
	s := d.snap.Load()
	out := make([]flow.TableStats, NumTables)
	for t := range out {
		ts := &out[t]
		ts.TableID = uint8(t)
		ts.ActiveCount = uint32(s.tables[t].n)
		ts.MaxEntries = 1 << 24
		for _, w := range workers {
			ts.LookupCount += w.tstats[t].lookups.Load()
			ts.MatchedCount += w.tstats[t].matched.Load()
		}
	}
	return out
}

// PortStats returns the counters of port no, or of every port for
// flow.PortAny.
func (d *Datapath) PortStats(no flow.PortNo) []flow.PortStats {
	now := time.Now()
	var out []flow.PortStats
	for _, ps := range d.snap.Load().plist {
		if no != flow.PortAny && ps.no != no {
			continue
		}
		dur := now.Sub(ps.created)
		rxDropped := ps.rxDropped.Load()
		if c, ok := ps.dev.(RxDropCounter); ok {
			rxDropped += c.RxDrops()
		}
		out = append(out, flow.PortStats{PortNo: ps.no,
			RxPackets: ps.rxPackets.Load(), TxPackets: ps.txPackets.Load(),
			RxBytes: ps.rxBytes.Load(), TxBytes: ps.txBytes.Load(),
			RxDropped: rxDropped, TxDropped: ps.txDropped.Load(),
			RxErrors: ps.rxErrors.Load(), TxErrors: ps.txErrors.Load(),
			DurationSec: uint32(dur / time.Second), DurationNsec: uint32(dur % time.Second)})
	}
	return out
}

// Ports describes every port, by number.
func (d *Datapath) Ports() []flow.PortDesc {
	var out []flow.PortDesc
	for _, ps := range d.snap.Load().plist {
		out = append(out, flow.PortDesc{PortNo: ps.no, HWAddr: ps.dev.HWAddr(), Name: ps.dev.Name(),
			Config: flow.PortConfig(ps.config.Load()), State: flow.PortState(ps.state.Load()),
			Curr: flow.Feature10GBFD | flow.FeatureCopper, CurrSpeed: 10_000_000, MaxSpeed: 10_000_000})
	}
	return out
}

// PortMod changes the configuration bits of port no selected by mask.
func (d *Datapath) PortMod(no flow.PortNo, config, mask flow.PortConfig) error {
	ps := d.snap.Load().ports[no]
	if ps == nil {
		return ofError(ErrTypePortModFailed, PortModBadPort)
	}
	for {
		old := ps.config.Load()
		if ps.config.CompareAndSwap(old, old&^uint32(mask)|uint32(config&mask)) {
			return nil
		}
	}
}

// SetPortState records the link state of port no (flow.LinkDown,
// flow.Live); fast-failover groups follow it at once.
func (d *Datapath) SetPortState(no flow.PortNo, state flow.PortState) error {
	ps := d.snap.Load().ports[no]
	if ps == nil {
		return ofError(ErrTypePortModFailed, PortModBadPort)
	}
	ps.state.Store(uint32(state))
	return nil
}

// GroupStats are the counters of a group.
type GroupStats struct {
	GroupID      uint32
	RefCount     uint32
	PacketCount  uint64
	ByteCount    uint64
	DurationSec  uint32
	DurationNsec uint32
	Buckets      []BucketStats
}

// BucketStats are the counters of a bucket.
type BucketStats struct{ PacketCount, ByteCount uint64 }

// Groups returns the description of every group, by id.
func (d *Datapath) Groups() []GroupMod {
	s := d.snap.Load()
	var out []GroupMod
	for _, g := range s.groups {
		out = append(out, g.desc)
	}
	slices.SortFunc(out, func(a, b GroupMod) int { return int(int64(a.GroupID) - int64(b.GroupID)) })
	return out
}

// GroupStats returns the counters of group id, or of every group for
// flow.GroupAll.
func (d *Datapath) GroupStats(id uint32) []GroupStats {
	s := d.snap.Load()
	now := time.Now()
	var out []GroupStats
	for gid, g := range s.groups {
		if id != flow.GroupAll && gid != id {
			continue
		}
		dur := now.Sub(g.stats.created)
		gs := GroupStats{GroupID: gid, PacketCount: g.stats.packets.Load(), ByteCount: g.stats.bytes.Load(),
			DurationSec: uint32(dur / time.Second), DurationNsec: uint32(dur % time.Second)}
		for t := range NumTables {
			s.tables[t].all(func(e *entry) bool {
				if usesGroup(e, gid) {
					gs.RefCount++
				}
				return true
			})
		}
		for i := range g.stats.buckets {
			b := &g.stats.buckets[i]
			gs.Buckets = append(gs.Buckets, BucketStats{b.packets.Load(), b.bytes.Load()})
		}
		out = append(out, gs)
	}
	slices.SortFunc(out, func(a, b GroupStats) int { return int(int64(a.GroupID) - int64(b.GroupID)) })
	return out
}

// MeterStats are the counters of a meter.
type MeterStats struct {
	MeterID       uint32
	FlowCount     uint32
	PacketInCount uint64
	ByteInCount   uint64
	DurationSec   uint32
	DurationNsec  uint32
	Bands         []BandStats // in the order of MeterMod.Bands sorted by descending rate
}

// BandStats are the counters of a meter band.
type BandStats struct{ PacketCount, ByteCount uint64 }

// Meters returns the configuration of every meter, by id.
func (d *Datapath) Meters() []MeterMod {
	var out []MeterMod
	for _, m := range d.snap.Load().meters {
		out = append(out, m.desc)
	}
	slices.SortFunc(out, func(a, b MeterMod) int { return int(int64(a.MeterID) - int64(b.MeterID)) })
	return out
}

// MeterStats returns the counters of meter id, or of every meter for
// MeterAll.
func (d *Datapath) MeterStats(id uint32) []MeterStats {
	s := d.snap.Load()
	now := time.Now()
	var out []MeterStats
	for mid, m := range s.meters {
		if id != MeterAll && mid != id {
			continue
		}
		dur := now.Sub(m.stats.created)
		ms := MeterStats{MeterID: mid, PacketInCount: m.stats.packets.Load(), ByteInCount: m.stats.bytes.Load(),
			DurationSec: uint32(dur / time.Second), DurationNsec: uint32(dur % time.Second)}
		for t := range NumTables {
			s.tables[t].all(func(e *entry) bool {
				if e.prog.meter == mid {
					ms.FlowCount++
				}
				return true
			})
		}
		for _, b := range m.bands {
			ms.Bands = append(ms.Bands, BandStats{b.packets.Load(), b.bytes.Load()})
		}
		out = append(out, ms)
	}
	slices.SortFunc(out, func(a, b MeterStats) int { return int(int64(a.MeterID) - int64(b.MeterID)) })
	return out
}
