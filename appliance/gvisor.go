package appliance

import (
	"fmt"
	"net/netip"

	"github.com/ofbox/ofbox/netstack"
)

// openGVisor runs the gVisor stack cfg describes: one NIC, cfg.NIC, with
// the addresses cfg.IP and a default route through each of cfg.GW.
func openGVisor(cfg Config) (network, error) {
	dev, err := netstack.OpenNIC(cfg.NIC)
	if err != nil {
		return nil, err
	}
	sc := netstack.StackConfig{NICs: []netstack.StackNIC{{Device: dev, Addrs: cfg.IP}}}
	for _, gw := range cfg.GW {
		unspec := netip.IPv4Unspecified()
		if gw.Is6() {
			unspec = netip.IPv6Unspecified()
		}
		sc.Routes = append(sc.Routes, netstack.Route{Dst: netip.PrefixFrom(unspec, 0), Gateway: gw})
	}
	s, err := netstack.NewStack(sc) // closes dev if it fails
	if err != nil {
		return nil, fmt.Errorf("gvisor stack on %s: %w", cfg.NIC, err)
	}
	return s, nil
}
