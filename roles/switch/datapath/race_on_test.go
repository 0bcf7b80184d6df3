//go:build race

package datapath

// raceEnabled: the race detector allocates on its own, so allocation
// tests skip under it; `make test` runs them again without -race.
const raceEnabled = true
