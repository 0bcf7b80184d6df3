package netstack

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/buffer"
	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
)

// linkErrBackoff is how long the reader waits after a Read error other than
// a closed device before it reads again: long enough not to spin on a
// persistent error, short enough that a transient one costs little.
const linkErrBackoff = 10 * time.Millisecond

// linkEndpoint bridges a Device to gVisor: a stack.LinkEndpoint with
// Ethernet framing. One reader goroutine reads batches from the Device and
// delivers the frames addressed to this NIC; outbound packets arrive in
// batches from the NIC's FIFO queueing discipline and leave in one
// Device.Write per batch.
type linkEndpoint struct {
	dev  Device
	addr tcpip.LinkAddress

	// mu guards the fields below it.
	mu         sync.RWMutex
	dispatcher stack.NetworkDispatcher
	mtu        uint32
	started    bool

	wg      sync.WaitGroup // the reader goroutine
	closing atomic.Bool

	// wmu serializes WritePackets, which owns the frame buffers.
	wmu   sync.Mutex
	wbufs [][]byte

	rxErrors atomic.Uint64 // Read errors other than a closed device
	txErrors atomic.Uint64 // Write errors
}

var _ stack.LinkEndpoint = (*linkEndpoint)(nil)

func newLinkEndpoint(dev Device) *linkEndpoint {
	hw := dev.HWAddr()
	e := &linkEndpoint{
		dev:  dev,
		addr: tcpip.LinkAddress(hw[:]),
		mtu:  uint32(dev.MTU()),
	}
	e.wbufs = make([][]byte, max(dev.BatchSize(), 1))
	for i := range e.wbufs {
		e.wbufs[i] = make([]byte, 0, dev.MTU()+ethOverhead)
	}
	return e
}

// MTU implements stack.LinkEndpoint: the device's, the IP packet size.
func (e *linkEndpoint) MTU() uint32 {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.mtu
}

// SetMTU implements stack.LinkEndpoint.
func (e *linkEndpoint) SetMTU(mtu uint32) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.mtu = mtu
}

// MaxHeaderLength implements stack.LinkEndpoint: the Ethernet header.
func (*linkEndpoint) MaxHeaderLength() uint16 { return header.EthernetMinimumSize }

// LinkAddress implements stack.LinkEndpoint: the device's MAC address.
func (e *linkEndpoint) LinkAddress() tcpip.LinkAddress { return e.addr }

// SetLinkAddress implements stack.LinkEndpoint. The address is the
// device's and does not change.
func (*linkEndpoint) SetLinkAddress(tcpip.LinkAddress) {}

// Capabilities implements stack.LinkEndpoint: neighbours are resolved
// (ARP, NDP); checksums are computed in software, since the frames may
// leave for a real network.
func (*linkEndpoint) Capabilities() stack.LinkEndpointCapabilities {
	return stack.CapabilityResolutionRequired
}

// Attach implements stack.LinkEndpoint. The first non-nil dispatcher starts
// the reader goroutine; a nil one (the NIC being removed) makes the reader
// drop what it reads until the device is closed.
func (e *linkEndpoint) Attach(d stack.NetworkDispatcher) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.dispatcher = d
	if d != nil && !e.started {
		e.started = true
		e.wg.Add(1)
		go e.readLoop()
	}
}

// IsAttached implements stack.LinkEndpoint.
func (e *linkEndpoint) IsAttached() bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.dispatcher != nil
}

// Wait implements stack.LinkEndpoint. It does not wait for the reader:
// the stack calls Wait holding a lock that the reader may need to deliver
// a packet; Stack.Close waits for the reader before.
func (*linkEndpoint) Wait() {}

// ARPHardwareType implements stack.LinkEndpoint.
func (*linkEndpoint) ARPHardwareType() header.ARPHardwareType { return header.ARPHardwareEther }

// AddHeader implements stack.LinkEndpoint: the Ethernet header.
func (*linkEndpoint) AddHeader(pkt *stack.PacketBuffer) {
	eth := header.Ethernet(pkt.LinkHeader().Push(header.EthernetMinimumSize))
	eth.Encode(&header.EthernetFields{
		SrcAddr: pkt.EgressRoute.LocalLinkAddress,
		DstAddr: pkt.EgressRoute.RemoteLinkAddress,
		Type:    pkt.NetworkProtocolNumber,
	})
}

// ParseHeader implements stack.LinkEndpoint.
func (*linkEndpoint) ParseHeader(pkt *stack.PacketBuffer) bool {
	hdr, ok := pkt.LinkHeader().Consume(header.EthernetMinimumSize)
	if ok {
		pkt.NetworkProtocolNumber = header.Ethernet(hdr).Type()
	}
	return ok
}

// Close implements stack.LinkEndpoint: it closes the device, which ends
// the reader goroutine.
func (e *linkEndpoint) Close() {
	e.closing.Store(true)
	e.dev.Close()
}

// SetOnCloseAction implements stack.LinkEndpoint; nothing needs it.
func (*linkEndpoint) SetOnCloseAction(func()) {}

// WritePackets implements stack.LinkWriter: the packets, Ethernet header
// included, are copied into frame buffers and written in batches of the
// device's batch size.
func (e *linkEndpoint) WritePackets(pkts stack.PacketBufferList) (int, tcpip.Error) {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	sent := 0
	batch := 0
	for _, pkt := range pkts.AsSlice() {
		e.wbufs[batch] = appendPacket(e.wbufs[batch][:0], pkt)
		batch++
		if batch == len(e.wbufs) {
			if err := e.flush(batch); err != nil {
				return sent, err
			}
			sent += batch
			batch = 0
		}
	}
	if batch > 0 {
		if err := e.flush(batch); err != nil {
			return sent, err
		}
		sent += batch
	}
	return sent, nil
}

// appendPacket appends the whole packet, headers included, to b without
// the allocation of PacketBuffer.AsSlices.
func appendPacket(b []byte, pkt *stack.PacketBuffer) []byte {
	views, skip := pkt.AsViewList()
	for v := views.Front(); v != nil; v = v.Next() {
		s := v.AsSlice()
		if skip >= len(s) {
			skip -= len(s)
			continue
		}
		b = append(b, s[skip:]...)
		skip = 0
	}
	return b
}

// flush writes the first n frame buffers. Frames the device drops (a full
// queue, a peer that is not there) count as sent, as on a real wire.
func (e *linkEndpoint) flush(n int) tcpip.Error {
	if _, err := e.dev.Write(e.wbufs[:n], 0); err != nil {
		e.txErrors.Add(1)
		if errors.Is(err, net.ErrClosed) {
			return &tcpip.ErrClosedForSend{}
		}
		return &tcpip.ErrAborted{}
	}
	return nil
}

// readLoop reads batches from the device and delivers them until the
// device is closed.
func (e *linkEndpoint) readLoop() {
	defer e.wg.Done()
	n := max(e.dev.BatchSize(), 1)
	bufs := make([][]byte, n)
	for i := range bufs {
		bufs[i] = make([]byte, e.dev.MTU()+ethOverhead)
	}
	sizes := make([]int, n)
	for {
		got, err := e.dev.Read(bufs, sizes, 0)
		for i := range got {
			e.deliver(bufs[i][:sizes[i]])
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) || e.closing.Load() {
				return
			}
			e.rxErrors.Add(1)
			time.Sleep(linkErrBackoff)
		}
	}
}

// deliver hands one frame to the stack if it is addressed to this NIC,
// to broadcast or to a multicast group (the filter a NIC does in hardware
// when not promiscuous).
func (e *linkEndpoint) deliver(frame []byte) {
	if len(frame) < header.EthernetMinimumSize {
		return
	}
	eth := header.Ethernet(frame)
	dst := eth.DestinationAddress()
	var typ tcpip.PacketType
	switch {
	case dst == e.addr:
		typ = tcpip.PacketHost
	case dst == header.EthernetBroadcastAddress:
		typ = tcpip.PacketBroadcast
	case header.IsMulticastEthernetAddress(dst):
		typ = tcpip.PacketMulticast
	default:
		return
	}
	e.mu.RLock()
	d := e.dispatcher
	e.mu.RUnlock()
	if d == nil {
		return
	}
	pkt := stack.NewPacketBuffer(stack.PacketBufferOptions{
		Payload: buffer.MakeWithData(frame),
	})
	defer pkt.DecRef()
	if !e.ParseHeader(pkt) {
		return
	}
	pkt.PktType = typ
	d.DeliverNetworkPacket(eth.Type(), pkt)
}
