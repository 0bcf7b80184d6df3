package qemu

import "time"

func rdtsc() uint64

// hostTSCkHz measures the host's time-stamp counter against the monotonic
// clock over about 20 ms. Under TCG the guest's RDTSC reads the host's
// counter, so the guest needs the host's rate to keep time: told a faster
// rate, its clock runs slow and every time it reports is short.
func hostTSCkHz() (uint64, bool) {
	// pair reads the clock and the counter back to back and retries
	// while a preemption may have come between them.
	pair := func() (time.Time, uint64) {
		for range 10 {
			t0 := time.Now()
			c := rdtsc()
			t1 := time.Now()
			if t1.Sub(t0) < 20*time.Microsecond {
				return t0, c
			}
		}
		return time.Now(), rdtsc()
	}
	t0, c0 := pair()
	time.Sleep(20 * time.Millisecond)
	t1, c1 := pair()
	ns := t1.Sub(t0).Nanoseconds()
	if ns <= 0 || c1 <= c0 {
		return 0, false
	}
	return (c1 - c0) * 1e6 / uint64(ns), true
}
