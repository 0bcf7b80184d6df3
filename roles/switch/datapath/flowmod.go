package datapath

import (
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// Txn is a batch of changes to the datapath's tables, groups and meters.
// Begin takes the datapath's control lock and copies the current snapshot
// lazily; Commit publishes the result as one new snapshot, so the fast
// path sees all of the batch or none of it. The agent batches the flow
// mods of one read, so that adding many flows copies each table once.
type Txn struct {
	d         *Datapath
	s         *snapshot
	w         tableWriter
	ownGroups bool
	ownMeters bool
	changed   bool
	now       time.Time
	removed   []*flow.FlowRemoved
}

// Begin starts a transaction. Until Commit, other changes wait.
func (d *Datapath) Begin() *Txn {
	d.mu.Lock()
	cur := d.snap.Load()
	s := *cur
	tx := &Txn{d: d, s: &s, now: time.Now()}
	tx.w = tableWriter{tables: &s.tables, owned: map[any]bool{}}
	return tx
}

// Commit publishes the transaction's changes and ends it, then reports
// removed flows to Config.FlowRemoved.
func (tx *Txn) Commit() {
	d := tx.d
	if tx.changed {
		tx.s.gen++
		d.snap.Store(tx.s)
	}
	removed := tx.removed
	d.mu.Unlock()
	if fn := d.cfg.FlowRemoved; fn != nil {
		for _, r := range removed {
			fn(r)
		}
	}
}

// FlowMod applies fm on its own transaction; see Txn.FlowMod. A buffered
// packet named by fm.BufferID then goes through the pipeline, as the
// specification asks.
func (d *Datapath) FlowMod(fm *flow.FlowMod) (int, error) {
	tx := d.Begin()
	n, err := tx.FlowMod(fm)
	tx.Commit()
	if err == nil && fm.BufferID != flow.NoBuffer && (fm.Command == flow.Add || fm.Command == flow.Modify || fm.Command == flow.ModifyStrict) {
		err = d.PacketOut(&flow.PacketOut{BufferID: fm.BufferID, InPort: flow.PortAny,
			Actions: []flow.Action{flow.Output{Port: flow.PortTable}}})
	}
	return n, err
}

// FlowMod adds, modifies or deletes flow entries and returns how many it
// added, changed or removed. A refusal is an *openflow.ErrorMsg with
// OpenFlow 1.3 numbers. Modify and modify-strict that match nothing do
// nothing, as in OpenFlow 1.3; an OpenFlow 1.0 agent adds instead when the
// count is 0.
func (tx *Txn) FlowMod(fm *flow.FlowMod) (int, error) {
	switch fm.Command {
	case flow.Add:
		return tx.add(fm)
	case flow.Modify, flow.ModifyStrict:
		return tx.modify(fm, fm.Command == flow.ModifyStrict)
	case flow.Delete, flow.DeleteStrict:
		return tx.delete(fm, fm.Command == flow.DeleteStrict), nil
	}
	return 0, ofError(ErrTypeFlowModFailed, FlowModBadCommand)
}

func (tx *Txn) add(fm *flow.FlowMod) (int, error) {
	if int(fm.TableID) >= NumTables {
		return 0, ofError(ErrTypeFlowModFailed, FlowModBadTableID)
	}
	if err := fm.Match.Validate(); err != nil {
		code, _ := flow.BadMatchCode(err)
		return 0, ofError(ErrTypeBadMatch, code)
	}
	if fm.Flags&flow.Emerg != 0 {
		return 0, ofError(ErrTypeFlowModFailed, FlowModBadFlags)
	}
	prog, err := compile(fm.Instructions, fm.TableID, tx.s)
	if err != nil {
		return 0, err
	}
	t := tx.s.tables[fm.TableID]
	if fm.Flags&flow.CheckOverlap != 0 {
		clash := false
		t.all(func(e *entry) bool {
			clash = e.priority == fm.Priority && overlaps(&e.match, &fm.Match)
			return !clash
		})
		if clash {
			return 0, ofError(ErrTypeFlowModFailed, FlowModOverlap)
		}
	}
	e := tx.newEntry(fm, fm.TableID, prog)
	if old := t.find(&fm.Match, fm.Priority); old != nil {
		if fm.Flags&flow.ResetCounts == 0 { // the counters stay, the duration restarts
			e.stats.packets.Store(old.stats.packets.Load())
			e.stats.bytes.Store(old.stats.bytes.Load())
		}
		tx.w.replace(old, e)
	} else {
		tx.w.insert(e)
	}
	tx.changed = true
	return 1, nil
}

func (tx *Txn) newEntry(fm *flow.FlowMod, table uint8, prog *program) *entry {
	st := &entryStats{created: tx.now, used: tx.now}
	return &entry{match: fm.Match, priority: fm.Priority, table: table, cookie: fm.Cookie,
		idle: fm.IdleTimeout, hard: fm.HardTimeout, flags: fm.Flags,
		instrs: fm.Instructions, prog: prog, stats: st}
}

// selects reports whether e passes fm's table-independent filters: the
// match (strict: equal with equal priority; else within), the cookie, and
// for deletes the out port and out group.
func selects(e *entry, fm *flow.FlowMod, strict, del bool) bool {
	if strict {
		if e.priority != fm.Priority || e.match != fm.Match {
			return false
		}
	} else if !within(&e.match, &fm.Match) {
		return false
	}
	if fm.CookieMask != 0 && e.cookie&fm.CookieMask != fm.Cookie&fm.CookieMask {
		return false
	}
	if del && fm.OutPort != flow.PortAny && !outputsTo(e, fm.OutPort) {
		return false
	}
	if del && fm.OutGroup != flow.GroupAny && !usesGroup(e, fm.OutGroup) {
		return false
	}
	return true
}

func (tx *Txn) modify(fm *flow.FlowMod, strict bool) (int, error) {
	if int(fm.TableID) >= NumTables {
		return 0, ofError(ErrTypeFlowModFailed, FlowModBadTableID)
	}
	prog, err := compile(fm.Instructions, fm.TableID, tx.s)
	if err != nil {
		return 0, err
	}
	var hit []*entry
	tx.s.tables[fm.TableID].all(func(e *entry) bool {
		if selects(e, fm, strict, false) {
			hit = append(hit, e)
		}
		return true
	})
	for _, o := range hit {
		n := *o
		n.instrs, n.prog = fm.Instructions, prog
		if fm.Flags&flow.ResetCounts != 0 {
			n.stats = &entryStats{created: o.stats.created, used: tx.now}
		}
		tx.w.replace(o, &n)
	}
	if len(hit) > 0 {
		tx.changed = true
	}
	return len(hit), nil
}

func (tx *Txn) delete(fm *flow.FlowMod, strict bool) int {
	return tx.deleteIfIn(fm.TableID, flow.RemovedDelete, func(e *entry) bool { return selects(e, fm, strict, true) })
}

// deleteIf removes, from every table, the entries pred selects.
func (tx *Txn) deleteIf(pred func(*entry) bool) int {
	return tx.deleteIfIn(flow.TableAll, flow.RemovedDelete, pred)
}

// deleteIfIn removes the entries of table id (or every table for
// flow.TableAll) that pred selects, noting flow-removed messages.
func (tx *Txn) deleteIfIn(id uint8, why flow.FlowRemovedReason, pred func(*entry) bool) int {
	var hit []*entry
	for t := range NumTables {
		if id != flow.TableAll && uint8(t) != id {
			continue
		}
		tx.s.tables[t].all(func(e *entry) bool {
			if pred(e) {
				hit = append(hit, e)
			}
			return true
		})
	}
	for _, e := range hit {
		tx.w.remove(e)
		if e.flags&flow.SendFlowRem != 0 {
			tx.removed = append(tx.removed, flowRemoved(e, why, tx.now))
		}
	}
	if len(hit) > 0 {
		tx.changed = true
	}
	return len(hit)
}

func flowRemoved(e *entry, why flow.FlowRemovedReason, now time.Time) *flow.FlowRemoved {
	d := now.Sub(e.stats.created)
	return &flow.FlowRemoved{Cookie: e.cookie, Priority: e.priority, Reason: why, TableID: e.table,
		DurationSec: uint32(d / time.Second), DurationNsec: uint32(d % time.Second),
		IdleTimeout: e.idle, HardTimeout: e.hard,
		PacketCount: e.stats.packets.Load(), ByteCount: e.stats.bytes.Load(), Match: e.match}
}

// outputsTo reports whether e has an output action to port.
func outputsTo(e *entry, port flow.PortNo) bool {
	return hasAction(e, func(a flow.Action) bool {
		o, ok := a.(flow.Output)
		return ok && o.Port == port
	})
}

// usesGroup reports whether e has a group action for id.
func usesGroup(e *entry, id uint32) bool {
	return hasAction(e, func(a flow.Action) bool {
		g, ok := a.(flow.Group)
		return ok && g.GroupID == id
	})
}

func hasAction(e *entry, fn func(flow.Action) bool) bool {
	for _, in := range e.instrs {
		var as []flow.Action
		switch in := in.(type) {
		case flow.ApplyActions:
			as = in.Actions
		case flow.WriteActions:
			as = in.Actions
		}
		for _, a := range as {
			if fn(a) {
				return true
			}
		}
	}
	return false
}
