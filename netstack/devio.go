package netstack

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsg makes one non-blocking recvmmsg or sendmmsg (trap) call on fd with
// msgs. ok is false when the socket would block: a RawConn callback
// returns it to wait for the poller.
func mmsg(trap, fd uintptr, msgs []unix.Mmsghdr) (n int, errno syscall.Errno, ok bool) {
	r, _, e := unix.Syscall6(trap, fd, uintptr(unsafe.Pointer(unsafe.SliceData(msgs))), uintptr(len(msgs)), unix.MSG_DONTWAIT, 0, 0)
	if e == unix.EAGAIN {
		return 0, 0, false
	}
	return int(r), e, true
}

// devErr wraps the error of device name's operation op. The errors of a
// closed device wrap net.ErrClosed, as Device requires.
func devErr(op, name string, closed bool, err error) error {
	if closed || errors.Is(err, os.ErrClosed) || errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("netstack: %s %s: %w", op, name, net.ErrClosed)
	}
	return fmt.Errorf("netstack: %s %s: %w", op, name, err)
}
