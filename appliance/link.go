package appliance

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// sysNet is where sysfs lists the network interfaces.
const sysNet = "/sys/class/net"

// carrierPoll is how often waitCarrier looks at a NIC: a virtio-net NIC
// has carrier within a few ms of coming up, and boot time is what the
// appliance is measured by, so the poll is short; a read of a sysfs file
// costs a few µs.
const carrierPoll = 2 * time.Millisecond

// carrierTimeout is how long Boot waits for its NICs to appear and have
// carrier: generous, for TCG on a loaded machine.
const carrierTimeout = 10 * time.Second

// poll calls done every carrierPoll until it says true or ctx is done.
func poll(ctx context.Context, done func() bool) error {
	t := time.NewTicker(carrierPoll)
	defer t.Stop()
	for !done() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// waitNIC waits until NIC name exists under sysnet.
func waitNIC(ctx context.Context, sysnet, name string) error {
	err := poll(ctx, func() bool {
		_, err := os.Stat(filepath.Join(sysnet, name))
		return err == nil
	})
	if err != nil {
		return fmt.Errorf("nic %s: not there (NICs: %s): %w", name, strings.Join(listNICs(sysnet), ", "), err)
	}
	return nil
}

// waitCarrier waits until the carrier file of NIC name under sysnet says
// 1. It looks at carrier, not operstate: operstate lags behind carrier by
// the kernel's link watch delay (up to a second).
func waitCarrier(ctx context.Context, sysnet, name string) error {
	file := filepath.Join(sysnet, name, "carrier")
	var state string // what the file said last, for the error
	err := poll(ctx, func() bool {
		b, err := os.ReadFile(file)
		if err != nil {
			state = err.Error()
			return false
		}
		state = file + ": " + strings.TrimSpace(string(b))
		return strings.TrimSpace(string(b)) == "1"
	})
	if err != nil {
		return fmt.Errorf("nic %s: no carrier (%s): %w", name, state, err)
	}
	return nil
}

// nicsUp waits for each NIC of names under sysnet, sets it up with up,
// then waits for their carrier, all within ctx.
func nicsUp(ctx context.Context, sysnet string, names []string, up func(string) error) error {
	for _, n := range names {
		if err := waitNIC(ctx, sysnet, n); err != nil {
			return err
		}
		if err := up(n); err != nil {
			return err
		}
	}
	for _, n := range names {
		if err := waitCarrier(ctx, sysnet, n); err != nil {
			return err
		}
	}
	return nil
}

// listNICs lists the interfaces under sysnet.
func listNICs(sysnet string) []string {
	es, _ := os.ReadDir(sysnet)
	var ns []string
	for _, e := range es {
		ns = append(ns, e.Name())
	}
	return ns
}

// ethNICs lists the ethN interfaces under sysnet but skip, by N.
func ethNICs(sysnet, skip string) []string {
	var ns []string
	for _, n := range listNICs(sysnet) {
		if ethIndex(n) >= 0 && n != skip {
			ns = append(ns, n)
		}
	}
	slices.SortFunc(ns, func(a, b string) int { return ethIndex(a) - ethIndex(b) })
	return ns
}

// ethIndex returns N of ethN, or -1.
func ethIndex(name string) int {
	num, ok := strings.CutPrefix(name, "eth")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || strconv.Itoa(n) != num {
		return -1
	}
	return n
}

// ifUp sets interface name up with SIOCSIFFLAGS. It asks on a packet
// socket: the minimal kernel has packet sockets but perhaps no IPv4.
func ifUp(name string) error {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("nic %s: up: %w", name, err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		err = unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr)
	}
	if err == nil && ifr.Uint16()&unix.IFF_UP == 0 {
		ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
		err = unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
	}
	if err != nil {
		return fmt.Errorf("nic %s: up: %w", name, err)
	}
	return nil
}
