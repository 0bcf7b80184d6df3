package testnet

import (
	"fmt"
	"net"
	"testing"
)

// Host is a namespace with one veth to a switch, as Hosts makes it.
type Host struct {
	NS   *NS
	Dev  string           // the host's end, "eth0"
	Port string           // the switch's end, in the switch namespace: "s1", "s2", ...
	IP   string           // "10.0.0.N"
	MAC  net.HardwareAddr // of Dev
}

// Hosts makes n host namespaces h1..hn, each with a veth whose end eth0
// has 10.0.0.N/24 and whose other end sN sits in the namespace sw (nil: the
// root, where the names get a random suffix: read Port). With offload
// false, TX and RX checksum offload are off on the host ends, as a forwarder
// reading frames with AF_PACKET needs (see NS.Offload). Attach the Port
// devices to the switch under test.
func Hosts(t testing.TB, sw *NS, n int, offload bool) []*Host {
	t.Helper()
	hosts := make([]*Host, n)
	for i := range hosts {
		h := &Host{NS: NewNS(t, fmt.Sprintf("h%d", i+1)), Dev: "eth0",
			Port: fmt.Sprintf("s%d", i+1), IP: fmt.Sprintf("10.0.0.%d", i+1)}
		if sw.isRoot() {
			h.Port = IfName(h.Port + "-")
		}
		Veth(t, h.Dev, h.NS, h.Port, sw)
		h.NS.AddAddr(h.Dev, h.IP+"/24")
		if !offload {
			h.NS.Offload(h.Dev, false)
		}
		h.MAC = h.NS.HWAddr(h.Dev)
		hosts[i] = h
	}
	return hosts
}

// HWAddr returns dev's MAC address.
func (ns *NS) HWAddr(dev string) net.HardwareAddr {
	ns.tb().Helper()
	var mac net.HardwareAddr
	ns.must(ns.Do(func() error {
		ifi, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		mac = ifi.HardwareAddr
		return nil
	}))
	return mac
}
