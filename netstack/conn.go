package netstack

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/adapters/gonet"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
	"gvisor.dev/gvisor/pkg/waiter"
)

// errNoIPv6 is why a stack without IPv6 refuses an IPv6 address.
const errNoIPv6 = "this stack has no IPv6 (none of its addresses or routes is IPv6)"

// listenBacklog is the pending connections a listener holds: Linux's
// default somaxconn.
const listenBacklog = 4096

// Listen listens for TCP connections on address ("host:port"; host an IP
// literal or empty for every address, port 0 for an ephemeral one).
// network is "tcp" (an empty host takes IPv4 and, on a stack with IPv6,
// IPv6), "tcp4" or "tcp6".
func (st *Stack) Listen(network, address string) (net.Listener, error) {
	addr, proto, err := st.parseAddr("listen", "tcp", network, address, true)
	if err != nil {
		return nil, err
	}
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(tcp.ProtocolNumber, proto, &wq)
	if terr != nil {
		return nil, fmt.Errorf("netstack: listen %s %s: %s", network, address, terr)
	}
	if network == "tcp6" {
		ep.SocketOptions().SetV6Only(true)
	}
	if terr := ep.Bind(addr); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("netstack: listen %s %s: bind: %s", network, address, terr)
	}
	if terr := ep.Listen(listenBacklog); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("netstack: listen %s %s: %s", network, address, terr)
	}
	return gonet.NewTCPListener(st.s, &wq, ep), nil
}

// Dial connects to address ("host:port", host an IP literal) over TCP;
// network is "tcp", "tcp4" or "tcp6".
func (st *Stack) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	addr, proto, err := st.parseAddr("dial", "tcp", network, address, false)
	if err != nil {
		return nil, err
	}
	c, err := gonet.DialContextTCP(ctx, st.s, addr, proto)
	if err != nil {
		return nil, fmt.Errorf("netstack: dial %s %s: %w", network, address, err)
	}
	return c, nil
}

// parseAddr parses a host:port for network, which is to be proto ("tcp"
// or "udp"), proto4 or proto6. An empty host is allowed when anyHost is
// set, and binds to every address (of IPv4 alone on a stack without
// IPv6).
func (st *Stack) parseAddr(op, proto, network, address string, anyHost bool) (tcpip.FullAddress, tcpip.NetworkProtocolNumber, error) {
	fail := func(format string, args ...any) (tcpip.FullAddress, tcpip.NetworkProtocolNumber, error) {
		return tcpip.FullAddress{}, 0, fmt.Errorf("netstack: %s %s %q: %s", op, network, address, fmt.Sprintf(format, args...))
	}
	switch network {
	case proto, proto + "4", proto + "6":
	default:
		return fail("unsupported network; want %s, %s4 or %s6", proto, proto, proto)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return fail("%v; want host:port", err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return fail("port %q is not a number 0..65535", port)
	}
	full := tcpip.FullAddress{Port: uint16(p)}
	if host == "" {
		if !anyHost {
			return fail("no host; want an IP address")
		}
		switch {
		case network == proto+"6" && !st.v6:
			return fail("%s", errNoIPv6)
		case network == proto+"4" || !st.v6:
			return full, ipv4.ProtocolNumber, nil
		}
		return full, ipv6.ProtocolNumber, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return fail("host %q is not an IP address (names are not resolved)", host)
	}
	ip = ip.Unmap()
	if (network == proto+"4" && !ip.Is4()) || (network == proto+"6" && ip.Is4()) {
		return fail("address family does not match the network")
	}
	if ip.Is6() && !st.v6 {
		return fail("%s", errNoIPv6)
	}
	if !ip.IsUnspecified() {
		full.Addr = tcpAddr(ip)
	}
	return full, protoOf(ip), nil
}

// ListenPacket opens a UDP socket on address ("host:port"; host an IP
// literal or empty for every address, port 0 for an ephemeral one);
// network is "udp" (an empty host takes IPv4 and, on a stack with IPv6,
// IPv6), "udp4" or "udp6".
func (st *Stack) ListenPacket(network, address string) (net.PacketConn, error) {
	addr, proto, err := st.parseAddr("listen", "udp", network, address, true)
	if err != nil {
		return nil, err
	}
	var wq waiter.Queue
	ep, terr := st.s.NewEndpoint(udp.ProtocolNumber, proto, &wq)
	if terr != nil {
		return nil, fmt.Errorf("netstack: listen %s %s: %s", network, address, terr)
	}
	if network == "udp6" {
		ep.SocketOptions().SetV6Only(true)
	}
	if terr := ep.Bind(addr); terr != nil {
		ep.Close()
		return nil, fmt.Errorf("netstack: listen %s %s: bind: %s", network, address, terr)
	}
	return gonet.NewUDPConn(&wq, ep), nil
}
