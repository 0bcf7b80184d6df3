package netstack

import (
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/link/qdisc/fifo"
	"gvisor.dev/gvisor/pkg/tcpip/network/arp"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv4"
	"gvisor.dev/gvisor/pkg/tcpip/network/ipv6"
	"gvisor.dev/gvisor/pkg/tcpip/stack"
	"gvisor.dev/gvisor/pkg/tcpip/transport/icmp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	"gvisor.dev/gvisor/pkg/tcpip/transport/udp"
)

const (
	// txQueueLen is the packets a NIC's FIFO queueing discipline holds
	// before it refuses more (TCP then backs off): about a full 1 MiB TCP
	// window of MTU-sized segments, as a host NIC's txqueuelen of 1000.
	txQueueLen = 1000
	// tcpBufferMax is the largest TCP send and receive buffer, 4 MiB: a
	// window that keeps a LAN-latency path full without hogging memory.
	tcpBufferMax = 4 << 20
)

// StackConfig configures NewStack.
type StackConfig struct {
	NICs   []StackNIC
	Routes []Route // besides the on-link routes of each NIC's addresses
}

// StackNIC is one network interface of a Stack.
type StackNIC struct {
	Device Device
	Addrs  []netip.Prefix // IPv4 and/or IPv6, e.g. 10.0.0.2/24
}

// Route sends the packets for Dst through NIC, to Gateway or on-link.
type Route struct {
	Dst     netip.Prefix // 0.0.0.0/0 for a default route
	Gateway netip.Addr   // zero: on-link
	NIC     int          // index into StackConfig.NICs
}

// Stack is a gVisor tcpip stack (ARP, NDP, IPv4, IPv6, ICMP, TCP, UDP)
// over Devices, with static addresses and routes. It owns the devices:
// Close closes them.
type Stack struct {
	s     *stack.Stack
	v6    bool // IPv6 is on: an address or a route is IPv6
	links []*linkEndpoint
	devs  []StackNIC
	close sync.Once
}

// NewStack runs a gVisor tcpip stack over the devices of cfg. The stack
// owns the devices from then on: Stack.Close closes them, and so does a
// NewStack that fails.
func NewStack(cfg StackConfig) (*Stack, error) {
	routes, err := checkStackConfig(cfg)
	if err != nil {
		for _, nic := range cfg.NICs {
			if nic.Device != nil {
				nic.Device.Close()
			}
		}
		return nil, err
	}
	// IPv6 runs only where the configuration has it: a stack without an
	// IPv6 address could only drop IPv6, and its IPv6 protocol costs the
	// boot of a VM 8 ms of NIC set-up under TCG.
	v6 := usesIPv6(cfg)
	netProtos := []stack.NetworkProtocolFactory{ipv4.NewProtocol, arp.NewProtocol}
	transProtos := []stack.TransportProtocolFactory{tcp.NewProtocol, udp.NewProtocol, icmp.NewProtocol4}
	if v6 {
		netProtos = append(netProtos, ipv6.NewProtocolWithOptions(ipv6.Options{
			// Static addresses are ours by configuration: no duplicate
			// address detection, so they serve at once.
			DADConfigs: stack.DADConfigurations{},
		}))
		transProtos = append(transProtos, icmp.NewProtocol6)
	}
	s := stack.New(stack.Options{
		NetworkProtocols:   netProtos,
		TransportProtocols: transProtos,
		// Packets to the stack's own addresses are delivered locally.
		HandleLocal: true,
	})
	st := &Stack{s: s, v6: v6, devs: cfg.NICs}
	if err := tuneTCP(s); err != nil {
		st.Close()
		return nil, err
	}
	for i, nic := range cfg.NICs {
		id := tcpip.NICID(i + 1)
		ep := newLinkEndpoint(nic.Device)
		opts := stack.NICOptions{
			Name:  nic.Device.Name(),
			QDisc: fifo.New(ep, 1, txQueueLen),
		}
		if terr := s.CreateNICWithOptions(id, ep, opts); terr != nil {
			st.Close()
			return nil, fmt.Errorf("netstack: NICs[%d] %s: create nic: %s", i, nic.Device.Name(), terr)
		}
		st.links = append(st.links, ep)
		for j, p := range nic.Addrs {
			pa := tcpip.ProtocolAddress{
				Protocol:          protoOf(p.Addr()),
				AddressWithPrefix: tcpip.AddressWithPrefix{Address: tcpAddr(p.Addr()), PrefixLen: p.Bits()},
			}
			if terr := s.AddProtocolAddress(id, pa, stack.AddressProperties{}); terr != nil {
				st.Close()
				return nil, fmt.Errorf("netstack: NICs[%d].Addrs[%d] %s: %s", i, j, p, terr)
			}
		}
	}
	s.SetRouteTable(routes)
	return st, nil
}

// tuneTCP turns on SACK and cubic and widens the buffer ranges.
func tuneTCP(s *stack.Stack) error {
	sack := tcpip.TCPSACKEnabled(true)
	cc := tcpip.CongestionControlOption("cubic")
	moderate := tcpip.TCPModerateReceiveBufferOption(true)
	opts := []tcpip.SettableTransportProtocolOption{
		&sack, &cc, &moderate,
		&tcpip.TCPSendBufferSizeRangeOption{Min: tcp.MinBufferSize, Default: tcp.DefaultSendBufferSize, Max: tcpBufferMax},
		&tcpip.TCPReceiveBufferSizeRangeOption{Min: tcp.MinBufferSize, Default: tcp.DefaultReceiveBufferSize, Max: tcpBufferMax},
	}
	for _, o := range opts {
		if err := s.SetTransportProtocolOption(tcp.ProtocolNumber, o); err != nil {
			return fmt.Errorf("netstack: tcp option %T: %s", o, err)
		}
	}
	return nil
}

// usesIPv6 reports whether cfg, checked, has an IPv6 address or route.
func usesIPv6(cfg StackConfig) bool {
	for _, nic := range cfg.NICs {
		for _, p := range nic.Addrs {
			if p.Addr().Is6() {
				return true
			}
		}
	}
	for _, r := range cfg.Routes {
		if r.Dst.Addr().Is6() {
			return true
		}
	}
	return false
}

// checkStackConfig validates cfg and returns the route table: the on-link
// routes of the addresses, then cfg.Routes.
func checkStackConfig(cfg StackConfig) ([]tcpip.Route, error) {
	if len(cfg.NICs) == 0 {
		return nil, errors.New("netstack: stack config: no NICs")
	}
	var routes []tcpip.Route
	for i, nic := range cfg.NICs {
		if nic.Device == nil {
			return nil, fmt.Errorf("netstack: NICs[%d]: no device", i)
		}
		for j, p := range nic.Addrs {
			if !p.IsValid() {
				return nil, fmt.Errorf("netstack: NICs[%d].Addrs[%d]: invalid prefix %q; want an address with prefix length such as 10.0.0.2/24 or fd00::2/64", i, j, p)
			}
			if p.Addr().Is4In6() || p.Addr().Zone() != "" {
				return nil, fmt.Errorf("netstack: NICs[%d].Addrs[%d] %s: want a plain IPv4 or IPv6 address without zone", i, j, p)
			}
			routes = append(routes, tcpip.Route{Destination: subnet(p.Masked()), NIC: tcpip.NICID(i + 1)})
		}
	}
	for i, r := range cfg.Routes {
		if !r.Dst.IsValid() || r.Dst.Addr().Is4In6() {
			return nil, fmt.Errorf("netstack: Routes[%d]: invalid destination %q; want a prefix such as 0.0.0.0/0 or 10.1.0.0/16", i, r.Dst)
		}
		if r.NIC < 0 || r.NIC >= len(cfg.NICs) {
			return nil, fmt.Errorf("netstack: Routes[%d] %s: NIC %d out of range; want 0..%d", i, r.Dst, r.NIC, len(cfg.NICs)-1)
		}
		tr := tcpip.Route{Destination: subnet(r.Dst.Masked()), NIC: tcpip.NICID(r.NIC + 1)}
		if r.Gateway.IsValid() {
			if r.Gateway.Is4() != r.Dst.Addr().Is4() || r.Gateway.Is4In6() {
				return nil, fmt.Errorf("netstack: Routes[%d] %s: gateway %s is of another address family", i, r.Dst, r.Gateway)
			}
			tr.Gateway = tcpAddr(r.Gateway)
		}
		routes = append(routes, tr)
	}
	return routes, nil
}

// Close stops the stack: endpoints are aborted, the devices closed and
// every goroutine of the stack ended before it returns.
func (st *Stack) Close() error {
	st.close.Do(func() {
		st.s.Close()
		for _, l := range st.links {
			l.closing.Store(true)
		}
		for _, nic := range st.devs {
			nic.Device.Close()
		}
		// The readers end with their devices. Wait for them before
		// stack.Wait, which holds the stack's lock that a reader
		// delivering a packet may be waiting for.
		for _, l := range st.links {
			l.wg.Wait()
		}
		st.s.Wait()
	})
	return nil
}

// protoOf is the network protocol of a.
func protoOf(a netip.Addr) tcpip.NetworkProtocolNumber {
	if a.Is4() {
		return ipv4.ProtocolNumber
	}
	return ipv6.ProtocolNumber
}

// tcpAddr converts a to gVisor's form.
func tcpAddr(a netip.Addr) tcpip.Address {
	if a.Is4() {
		return tcpip.AddrFrom4(a.As4())
	}
	return tcpip.AddrFrom16(a.As16())
}

// subnet converts a masked prefix to gVisor's form.
func subnet(p netip.Prefix) tcpip.Subnet {
	return tcpip.AddressWithPrefix{Address: tcpAddr(p.Addr()), PrefixLen: p.Bits()}.Subnet()
}
