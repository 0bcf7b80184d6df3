package datapath

import (
	"context"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// sweepInterval is how often Run looks for expired flows: timeouts are in
// whole seconds, and an entry's idle time is measured from the last sweep
// that saw its packet count change, so the fast path never reads a clock
// for it.
const sweepInterval = time.Second

// Run expires flows every sweepInterval until ctx is done.
func (d *Datapath) Run(ctx context.Context) error {
	t := time.NewTicker(sweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-t.C:
			d.Expire(now)
		}
	}
}

// Expire removes the flow entries whose idle or hard timeout has passed at
// now, reports those with send_flow_rem to Config.FlowRemoved, and
// returns how many it removed.
func (d *Datapath) Expire(now time.Time) int {
	tx := d.Begin()
	tx.now = now
	var idle, hard []*entry
	for t := range NumTables {
		tx.s.tables[t].all(func(e *entry) bool {
			st := e.stats
			if n := st.packets.Load(); n != st.seen {
				st.seen, st.used = n, now
			}
			switch {
			case e.hard != 0 && now.Sub(st.created) >= time.Duration(e.hard)*time.Second:
				hard = append(hard, e)
			case e.idle != 0 && now.Sub(st.used) >= time.Duration(e.idle)*time.Second:
				idle = append(idle, e)
			}
			return true
		})
	}
	for _, set := range []struct {
		es  []*entry
		why flow.FlowRemovedReason
	}{{hard, flow.RemovedHardTimeout}, {idle, flow.RemovedIdleTimeout}} {
		for _, e := range set.es {
			tx.w.remove(e)
			tx.changed = true
			if e.flags&flow.SendFlowRem != 0 {
				tx.removed = append(tx.removed, flowRemoved(e, set.why, now))
			}
		}
	}
	tx.Commit()
	return len(idle) + len(hard)
}
