package controller

import (
	"testing"
	"time"
)

func TestBucket(t *testing.T) {
	t0 := time.Unix(1000, 0)
	for _, tc := range []struct {
		name  string
		rate  float64
		burst int
		at    []time.Duration // times of the calls after t0
		want  string          // 'y' allowed, 'n' dropped
	}{
		{"burst then dry", 1, 3, []time.Duration{0, 0, 0, 0, 0}, "yyynn"},
		{"refills at the rate", 10, 1, []time.Duration{0, 0, 50 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}, "ynnyn"},
		{"refill capped at burst", 1000, 2, []time.Duration{0, 0, 0, time.Hour, time.Hour, time.Hour, time.Hour}, "yynyynn"},
		{"unlimited", -1, 0, []time.Duration{0, 0, 0}, "yyy"},
	} {
		b := newBucket(tc.rate, tc.burst)
		got := ""
		for _, d := range tc.at {
			if b.allow(t0.Add(d)) {
				got += "y"
			} else {
				got += "n"
			}
		}
		if got != tc.want {
			t.Errorf("%s: allow() sequence = %s; want %s", tc.name, got, tc.want)
		}
	}
}
