package datapath

import (
	"fmt"
	"maps"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// GroupType is the type of a group (OFPGT_*).
type GroupType uint8

// The group types.
const (
	GroupTypeAll      GroupType = 0
	GroupTypeSelect   GroupType = 1
	GroupTypeIndirect GroupType = 2
	GroupTypeFF       GroupType = 3 // fast failover
)

// GroupCommand is what a GroupMod does (OFPGC_*).
type GroupCommand uint8

// The group mod commands.
const (
	GroupAdd    GroupCommand = 0
	GroupModify GroupCommand = 1
	GroupDelete GroupCommand = 2
)

// Bucket is one bucket of a group. Its actions run in order on a copy of
// the packet.
type Bucket struct {
	Weight     uint16      // select groups
	WatchPort  flow.PortNo // fast failover: the port whose liveness counts; flow.PortAny for none
	WatchGroup uint32      // fast failover: the group whose liveness counts; flow.GroupAny for none
	Actions    []flow.Action
}

// GroupMod adds, modifies or deletes a group (OFPT_GROUP_MOD in the
// datapath's terms; the agent converts the wire message).
type GroupMod struct {
	Command GroupCommand
	Type    GroupType
	GroupID uint32 // flow.GroupAll deletes every group
	Buckets []Bucket
}

// group is a group in a snapshot. Its counters survive modification.
type group struct {
	id      uint32
	typ     GroupType
	buckets []bucket
	total   uint32 // sum of select weights
	desc    GroupMod
	stats   *groupStats
}

type bucket struct {
	weight     uint32
	watchPort  flow.PortNo
	watchGroup uint32
	ops        []op
}

type groupStats struct {
	created time.Time
	packets atomic.Uint64
	bytes   atomic.Uint64
	buckets []bucketStats
}

type bucketStats struct{ packets, bytes atomic.Uint64 }

// GroupMod applies a group mod. Deleting a group deletes the flow entries
// that use it.
func (tx *Txn) GroupMod(gm *GroupMod) error {
	s := tx.s
	switch gm.Command {
	case GroupDelete:
		ids := []uint32{gm.GroupID}
		if gm.GroupID == flow.GroupAll {
			ids = nil
			for id := range s.groups {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			if _, ok := s.groups[id]; !ok {
				continue
			}
			tx.groups()
			delete(s.groups, id)
			fm := flow.NewFlowMod(flow.Delete, flow.Match{})
			fm.TableID, fm.OutGroup = flow.TableAll, id
			if _, err := tx.FlowMod(fm); err != nil {
				return err
			}
		}
		tx.changed = true
		return nil
	case GroupAdd, GroupModify:
	default:
		return ofError(ErrTypeGroupModFailed, GroupModBadCommand)
	}
	if gm.GroupID > flow.GroupMax {
		return ofError(ErrTypeGroupModFailed, GroupModInvalid)
	}
	old, exists := s.groups[gm.GroupID]
	if gm.Command == GroupAdd && exists {
		return ofError(ErrTypeGroupModFailed, GroupModExists)
	}
	if gm.Command == GroupModify && !exists {
		return ofError(ErrTypeGroupModFailed, GroupModUnknownGroup)
	}
	g := &group{id: gm.GroupID, typ: gm.Type, desc: *gm}
	switch gm.Type {
	case GroupTypeIndirect:
		if len(gm.Buckets) != 1 {
			return ofError(ErrTypeGroupModFailed, GroupModBadBucket)
		}
	case GroupTypeAll, GroupTypeSelect, GroupTypeFF:
	default:
		return ofError(ErrTypeGroupModFailed, GroupModBadType)
	}
	for _, b := range gm.Buckets {
		ops, err := compileActions(b.Actions, s, true)
		if err != nil {
			return err
		}
		for _, o := range ops {
			if o.kind == opGroup && (o.id == gm.GroupID || reaches(s, o.id, gm.GroupID, 0)) {
				return ofError(ErrTypeGroupModFailed, GroupModLoop)
			}
		}
		w := uint32(b.Weight)
		if gm.Type == GroupTypeSelect && w == 0 && len(gm.Buckets) == 1 {
			w = 1
		}
		if gm.Type == GroupTypeFF && b.WatchPort == flow.PortAny && b.WatchGroup == flow.GroupAny {
			return ofError(ErrTypeGroupModFailed, GroupModBadWatch)
		}
		g.buckets = append(g.buckets, bucket{weight: w, watchPort: b.WatchPort, watchGroup: b.WatchGroup, ops: ops})
		g.total += w
	}
	g.stats = &groupStats{created: time.Now(), buckets: make([]bucketStats, len(g.buckets))}
	if exists && len(old.buckets) == len(g.buckets) {
		g.stats = old.stats
	}
	tx.groups()
	s.groups[gm.GroupID] = g
	tx.changed = true
	return nil
}

// reaches reports whether group from can hand packets on to group to.
func reaches(s *snapshot, from, to uint32, depth int) bool {
	g, ok := s.groups[from]
	if !ok || depth > maxGroupDepth {
		return depth > maxGroupDepth
	}
	for _, b := range g.buckets {
		for _, o := range b.ops {
			if o.kind == opGroup && (o.id == to || reaches(s, o.id, to, depth+1)) {
				return true
			}
		}
	}
	return false
}

// groups makes the transaction's group map its own.
func (tx *Txn) groups() {
	if !tx.ownGroups {
		tx.s.groups = maps.Clone(tx.s.groups)
		tx.ownGroups = true
	}
}

// groupLive reports whether a group has a live bucket.
func (w *worker) groupLive(id uint32, depth int) bool {
	g := w.snap.groups[id]
	if g == nil || depth > maxGroupDepth {
		return false
	}
	for i := range g.buckets {
		if w.bucketLive(&g.buckets[i], depth+1) {
			return true
		}
	}
	return false
}

func (w *worker) bucketLive(b *bucket, depth int) bool {
	if b.watchPort != flow.PortAny && b.watchPort != 0 {
		ps := w.snap.ports[b.watchPort]
		if ps == nil || !ps.live() {
			return false
		}
	}
	if b.watchGroup != flow.GroupAny && !w.groupLive(b.watchGroup, depth) {
		return false
	}
	return true
}

// group runs p through group id: each chosen bucket on its own copy.
func (w *worker) group(p *packet, id uint32, e *entry, depth int) {
	g := w.snap.groups[id]
	if g == nil || depth >= maxGroupDepth {
		return
	}
	g.stats.packets.Add(1)
	g.stats.bytes.Add(uint64(p.end - p.start))
	switch g.typ {
	case GroupTypeAll:
		for i := range g.buckets {
			w.bucket(p, g, i, e, depth)
		}
	case GroupTypeIndirect:
		w.bucket(p, g, 0, e, depth)
	case GroupTypeFF:
		for i := range g.buckets {
			if w.bucketLive(&g.buckets[i], 0) {
				w.bucket(p, g, i, e, depth)
				return
			}
		}
	case GroupTypeSelect:
		if i := w.selectBucket(p, g); i >= 0 {
			w.bucket(p, g, i, e, depth)
		}
	}
}

// selectBucket picks a live bucket by weight and the hash of the packet's
// key, so that a flow sticks to one bucket.
func (w *worker) selectBucket(p *packet, g *group) int {
	var live uint32
	for i := range g.buckets {
		if b := &g.buckets[i]; w.bucketLive(b, 0) {
			live += b.weight
		}
	}
	if live == 0 {
		return -1
	}
	h := uint32(hashKey(&p.key)>>32) % live
	for i := range g.buckets {
		b := &g.buckets[i]
		if !w.bucketLive(b, 0) {
			continue
		}
		if h < b.weight {
			return i
		}
		h -= b.weight
	}
	return -1
}

// bucket runs bucket i of g on a copy of p.
func (w *worker) bucket(p *packet, g *group, i int, e *entry, depth int) {
	b := &g.buckets[i]
	bs := &g.stats.buckets[i]
	bs.packets.Add(1)
	bs.bytes.Add(uint64(p.end - p.start))
	c := &w.clones[depth]
	n := copy(c.buf[Headroom:], p.frame())
	c.start, c.end, c.inPort, c.queue, c.key, c.l = Headroom, Headroom+n, p.inPort, p.queue, p.key, p.l
	c.l = p.l
	w.applyList(c, b.ops, e, depth+1)
}

// String prints the group type as ovs-ofctl does.
func (t GroupType) String() string {
	switch t {
	case GroupTypeAll:
		return "all"
	case GroupTypeSelect:
		return "select"
	case GroupTypeIndirect:
		return "indirect"
	case GroupTypeFF:
		return "ff"
	}
	return fmt.Sprintf("type_%d", uint8(t))
}
