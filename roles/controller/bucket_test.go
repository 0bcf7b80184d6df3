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

// TestBucketTake checks that take spends the burst without the clock and
// refills from it once the burst is spent.
func TestBucketTake(t *testing.T) {
	b := newBucket(1e9, 3) // a token a nanosecond: refilled at once
	for i := range 10 {
		if !b.take() {
			t.Fatalf("take() #%d = false; want true at a rate of 1e9/s", i)
		}
	}
	b = newBucket(1e-9, 2) // no refill within the test
	got := ""
	for range 4 {
		if b.take() {
			got += "y"
		} else {
			got += "n"
		}
	}
	if got != "yynn" {
		t.Errorf("take() sequence = %s; want yynn", got)
	}
	if b = newBucket(-1, 0); !b.take() {
		t.Errorf("take() unlimited = false; want true")
	}
}
