package netstack

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/netip"
	"sync/atomic"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/header"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// pingPayload is the echo data after the 8-byte ICMP header: a marker and
// the request's send time, as ping(8) puts a timestamp there.
const pingPayload = 16

// pingSeq numbers echo requests across a process, so a late reply to an
// earlier Ping is never taken for the current one's.
var pingSeq atomic.Uint32

// Ping sends one ICMP echo request (ICMPv4 or ICMPv6, by dst's family) to
// dst and waits for the reply until ctx is done. It returns the round-trip
// time.
func (st *Stack) Ping(ctx context.Context, dst netip.Addr) (time.Duration, error) {
	dst = dst.Unmap()
	if !dst.IsValid() {
		return 0, fmt.Errorf("netstack: ping: no destination address")
	}
	netProto, transProto := ipv4.ProtocolNumber, icmp.ProtocolNumber4
	reqType, replyType := byte(header.ICMPv4Echo), byte(header.ICMPv4EchoReply)
	if dst.Is6() {
		if !st.v6 {
			return 0, fmt.Errorf("netstack: ping %s: %s", dst, errNoIPv6)
		}
		netProto, transProto = ipv6.ProtocolNumber, icmp.ProtocolNumber6
		reqType, replyType = byte(header.ICMPv6EchoRequest), byte(header.ICMPv6EchoReply)
	}
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(transProto, netProto, &wq)
	if terr != nil {
		return 0, fmt.Errorf("netstack: ping %s: %s", dst, terr)
	}
	defer ep.Close()
	entry, readable := waiter.NewChannelEntry(waiter.ReadableEvents)
	wq.EventRegister(&entry)
	defer wq.EventUnregister(&entry)
	if terr := ep.Connect(tcpip.FullAddress{Addr: tcpAddr(dst)}); terr != nil {
		return 0, fmt.Errorf("netstack: ping %s: connect: %s", dst, terr)
	}

	seq := uint16(pingSeq.Add(1))
	// The stack fills in the identifier (the endpoint's port) and the
	// checksum.
	req := make([]byte, header.ICMPv4MinimumSize+pingPayload)
	req[0] = reqType
	binary.BigEndian.PutUint16(req[6:], seq)
	copy(req[8:], "ofbox\x00\x00\x00")
	start := time.Now()
	binary.BigEndian.PutUint64(req[16:], uint64(start.UnixNano()))
	if _, terr := ep.Write(bytes.NewReader(req), tcpip.WriteOptions{}); terr != nil {
		return 0, fmt.Errorf("netstack: ping %s: send: %s", dst, terr)
	}
	var reply bytes.Buffer
	for {
		reply.Reset()
		_, terr := ep.Read(&reply, tcpip.ReadOptions{})
		if _, ok := terr.(*tcpip.ErrWouldBlock); ok {
			select {
			case <-readable:
				continue
			case <-ctx.Done():
				return 0, fmt.Errorf("netstack: ping %s: %w", dst, ctx.Err())
			}
		}
		if terr != nil {
			return 0, fmt.Errorf("netstack: ping %s: receive: %s", dst, terr)
		}
		b := reply.Bytes()
		if len(b) == len(req) && b[0] == replyType &&
			binary.BigEndian.Uint16(b[6:]) == seq && bytes.Equal(b[8:], req[8:]) {
			return time.Since(start), nil
		}
	}
}
