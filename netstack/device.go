// Package netstack holds ofbox's frame devices and its IP stack. A Device
// reads and writes batches of Ethernet frames, in the manner of
// wireguard-go's tun.Device; the switch datapath uses Devices as its ports,
// and the gVisor tcpip stack runs over them.
//
// Drivers: Pipe (an in-memory pair, for tests and simulations),
// PacketDevice (AF_PACKET on a kernel NIC: veth on a host, virtio-net in a
// VM), TAPDevice (a TAP interface, via songgao/water) and DgramDevice (one
// frame per UDP datagram, as QEMU's -netdev dgram speaks, so programs on
// the host join VM networks without root). OpenNIC opens any of the kernel
// ones from a spec (tap:NAME, packet:IFACE, dgram:LOCAL,REMOTE).
//
// Stack is gVisor's tcpip stack (ARP, NDP, IPv4, IPv6, ICMP, TCP, UDP) over
// Devices, with static addresses and routes: Listen and Dial return
// net.Listener and net.Conn, Ping sends ICMP echo requests. Nothing else of
// ofbox imports gVisor: roles take the net.Listener and dialer the
// appliance makes from a Stack.
package netstack

import "sync/atomic"

// Device is a batched Ethernet frame device.
//
// Read and Write may be called concurrently with each other, and Write
// from several goroutines at once (a switch forwards from every port to
// every other); Read is called from one goroutine only (the port's RX
// loop), so its state needs no lock.
type Device interface {
	// Read reads a batch: frame i into bufs[i][offset:], its length into
	// sizes[i]; it blocks until at least one frame is there and returns the
	// count.
	Read(bufs [][]byte, sizes []int, offset int) (n int, err error)
	// Write writes the frames bufs[i][offset:] and returns how many were
	// written.
	Write(bufs [][]byte, offset int) (int, error)
	// BatchSize is the most frames one Read returns.
	BatchSize() int
	MTU() int
	Name() string
	HWAddr() [6]byte
	// Close unblocks a pending Read with an error wrapping net.ErrClosed.
	Close() error
}

// Stats counts a device's traffic. Bytes are frame bytes (Ethernet header
// included, no vnet header).
type Stats struct {
	RxFrames, RxBytes uint64
	// RxDropped counts received frames not handed to the reader: truncated
	// (the reader's buffer was too small), malformed vnet headers, GSO
	// frames that could not be segmented.
	RxDropped uint64
	// RxKernelDropped counts frames the kernel dropped before the reader
	// saw them: the receive ring or socket buffer was full
	// (PACKET_STATISTICS). PacketDevice only.
	RxKernelDropped   uint64
	TxFrames, TxBytes uint64
	// TxDropped counts frames Write could not send (too large, link down,
	// queue full).
	TxDropped uint64
	// RxChecksumCompleted counts frames handed over by the kernel with a
	// partial checksum (veth with TX checksum offload) that were completed
	// in software.
	RxChecksumCompleted uint64
	// RxGSOFrames counts large GSO frames received; RxGSOSegments the
	// frames they were segmented into.
	RxGSOFrames, RxGSOSegments uint64
}

// counters is the live, atomic form of Stats.
type counters struct {
	rxFrames, rxBytes, rxDropped atomic.Uint64
	txFrames, txBytes, txDropped atomic.Uint64
	rxCsum                       atomic.Uint64
	rxKernelDropped              atomic.Uint64
	rxGSO, rxGSOSegs             atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		RxFrames: c.rxFrames.Load(), RxBytes: c.rxBytes.Load(), RxDropped: c.rxDropped.Load(),
		TxFrames: c.txFrames.Load(), TxBytes: c.txBytes.Load(), TxDropped: c.txDropped.Load(),
		RxChecksumCompleted: c.rxCsum.Load(), RxKernelDropped: c.rxKernelDropped.Load(),
		RxGSOFrames: c.rxGSO.Load(), RxGSOSegments: c.rxGSOSegs.Load(),
	}
}
