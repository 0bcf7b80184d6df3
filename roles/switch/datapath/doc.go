// Package datapath is the fast path of ofbox's OpenFlow switch: it reads
// frame batches from ports, parses each frame once into a flow.Key, looks
// the key up in a per-worker exact-match cache and, on a miss, in the
// OpenFlow 1.3 pipeline of tuple-space classifiers, runs the instructions
// and the action set, and writes the frames out in per-port batches, in the
// manner of Open vSwitch's dpif-netdev.
//
// The control side (flow mods, group and meter mods, port changes) builds a
// new immutable snapshot under a mutex and publishes it through an
// atomic.Pointer with a new generation; the fast path only loads the
// pointer, so it takes no locks, and caches keyed by flow.Key notice the
// generation and refill. Counters are atomics on the flow entries and the
// ports. Packet-in, flow-removed and the packet buffers are the slow path.
package datapath
