package datapath

import (
	"maps"
	"slices"
	"sync/atomic"
	"time"
)

// MeterCommand is what a MeterMod does (OFPMC_*).
type MeterCommand uint8

// The meter mod commands.
const (
	MeterAdd    MeterCommand = 0
	MeterModify MeterCommand = 1
	MeterDelete MeterCommand = 2
)

// MeterFlags are the OFPMF_* flags.
type MeterFlags uint16

// The meter flags.
const (
	MeterFlagKbps  MeterFlags = 1 << 0
	MeterFlagPktps MeterFlags = 1 << 1
	MeterFlagBurst MeterFlags = 1 << 2
	MeterFlagStats MeterFlags = 1 << 3
)

// MeterAll names every meter in a delete (OFPM_ALL); MeterMax is the
// highest meter id a flow can use.
const (
	MeterMax uint32 = 0xffff0000
	MeterAll uint32 = 0xffffffff
)

// MeterBand is a drop band: packets above Rate (kb/s or packets/s by the
// meter's flags), beyond a burst of BurstSize, are dropped.
type MeterBand struct {
	Rate      uint32
	BurstSize uint32
}

// MeterMod adds, modifies or deletes a meter. Only drop bands are
// supported; the agent refuses others with OFPMMFC_BAD_BAND.
type MeterMod struct {
	Command MeterCommand
	Flags   MeterFlags
	MeterID uint32
	Bands   []MeterBand
}

// meter is a meter in a snapshot: bands by descending rate, each a GCRA
// token bucket held in one atomic word so that workers share it without
// locks.
type meter struct {
	desc  MeterMod
	pktps bool
	bands []*band
	stats *meterStats
}

type band struct {
	rate    uint32
	cost    float64 // nanoseconds of credit one unit (packet or bit) uses
	tau     int64   // burst tolerance in nanoseconds
	tat     atomic.Int64
	packets atomic.Uint64
	bytes   atomic.Uint64
}

type meterStats struct {
	created time.Time
	packets atomic.Uint64
	bytes   atomic.Uint64
}

// MeterMod applies a meter mod. Deleting a meter deletes the flow entries
// that use it.
func (tx *Txn) MeterMod(mm *MeterMod) error {
	s := tx.s
	switch mm.Command {
	case MeterDelete:
		ids := []uint32{mm.MeterID}
		if mm.MeterID == MeterAll {
			ids = slices.Collect(maps.Keys(s.meters))
		}
		for _, id := range ids {
			if _, ok := s.meters[id]; !ok {
				continue
			}
			tx.meters()
			delete(s.meters, id)
			tx.deleteIf(func(e *entry) bool { return e.prog.meter == id })
		}
		tx.changed = true
		return nil
	case MeterAdd, MeterModify:
	default:
		return ofError(ErrTypeMeterModFailed, MeterModBadCommand)
	}
	if mm.MeterID == 0 || mm.MeterID > MeterMax {
		return ofError(ErrTypeMeterModFailed, MeterModInvalidMeter)
	}
	old, exists := s.meters[mm.MeterID]
	if mm.Command == MeterAdd && exists {
		return ofError(ErrTypeMeterModFailed, MeterModExists)
	}
	if mm.Command == MeterModify && !exists {
		return ofError(ErrTypeMeterModFailed, MeterModUnknownMeter)
	}
	if mm.Flags&^(MeterFlagKbps|MeterFlagPktps|MeterFlagBurst|MeterFlagStats) != 0 || mm.Flags&(MeterFlagKbps|MeterFlagPktps) == MeterFlagKbps|MeterFlagPktps {
		return ofError(ErrTypeMeterModFailed, MeterModBadFlags)
	}
	if len(mm.Bands) == 0 {
		return ofError(ErrTypeMeterModFailed, MeterModBadBand)
	}
	m := &meter{desc: *mm, pktps: mm.Flags&MeterFlagPktps != 0}
	m.desc.Bands = slices.Clone(mm.Bands)
	for _, b := range mm.Bands {
		if b.Rate == 0 {
			return ofError(ErrTypeMeterModFailed, MeterModBadRate)
		}
		bd := &band{rate: b.Rate}
		// kb/s: one bit costs 1e9/(rate*1000) ns; packets/s: one packet 1e9/rate.
		if m.pktps {
			bd.cost = 1e9 / float64(b.Rate)
		} else {
			bd.cost = 1e6 / float64(b.Rate)
		}
		burst := b.BurstSize
		if mm.Flags&MeterFlagBurst == 0 || burst == 0 {
			burst = b.Rate / 10 // 100 ms worth of traffic
			if m.pktps {
				burst = max(burst, 1)
			} else {
				burst = max(burst, 12) // a full-size frame, in kbit
			}
		}
		if m.pktps {
			bd.tau = int64(float64(burst) * bd.cost)
		} else {
			bd.tau = int64(float64(burst) * 1000 * bd.cost)
		}
		m.bands = append(m.bands, bd)
	}
	slices.SortFunc(m.bands, func(a, b *band) int { return int(int64(b.rate) - int64(a.rate)) })
	m.stats = &meterStats{created: time.Now()}
	if exists {
		m.stats = old.stats
	}
	tx.meters()
	s.meters[mm.MeterID] = m
	tx.changed = true
	return nil
}

func (tx *Txn) meters() {
	if !tx.ownMeters {
		tx.s.meters = maps.Clone(tx.s.meters)
		tx.ownMeters = true
	}
}

// admit runs a packet of n bytes through the band's GCRA at time now
// (ns): it reports whether the packet conforms, and if so charges it.
func (b *band) admit(now int64, n int, pktps bool) bool {
	c := int64(b.cost)
	if !pktps {
		c = int64(b.cost * float64(n*8))
	}
	for {
		old := b.tat.Load()
		tat := max(old, now)
		if tat-now > b.tau {
			return false
		}
		if b.tat.CompareAndSwap(old, tat+c) {
			return true
		}
	}
}

// meter runs p through meter id; false means a band dropped it. The band
// that applies is the one of highest rate that the packet exceeds.
func (w *worker) meter(id uint32, p *packet) bool {
	m := w.snap.meters[id]
	if m == nil {
		return false
	}
	n := p.end - p.start
	m.stats.packets.Add(1)
	m.stats.bytes.Add(uint64(n))
	now := int64(time.Since(w.d.epoch))
	for _, b := range m.bands {
		if !b.admit(now, n, m.pktps) {
			b.packets.Add(1)
			b.bytes.Add(uint64(n))
			return false
		}
	}
	return true
}
