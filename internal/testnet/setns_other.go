//go:build !amd64 && !arm64

package testnet

// sysSetns: NS.Do is supported on amd64 and arm64 only; elsewhere setns
// fails with ENOSYS from this invalid number.
const sysSetns = ^uintptr(0)
