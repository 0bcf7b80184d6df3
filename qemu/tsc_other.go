//go:build !amd64

package qemu

// hostTSCkHz has no counter to read on this architecture: the guest gets
// fallbackTSCkHz.
func hostTSCkHz() (uint64, bool) { return 0, false }
