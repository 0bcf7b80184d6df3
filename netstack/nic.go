package netstack

import (
	"fmt"
	"strings"
)

// nicForms lists the specs OpenNIC accepts, for error messages.
const nicForms = "tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE (LOCAL and REMOTE host:port)"

// OpenNIC opens a NIC from a spec: tap:NAME (OpenTAP), packet:IFACE
// (OpenPacket without a receive ring) or dgram:LOCAL,REMOTE (OpenDgram).
// Errors name the spec and the accepted forms.
func OpenNIC(spec string) (Device, error) {
	kind, arg, ok := strings.Cut(spec, ":")
	if !ok || arg == "" {
		return nil, fmt.Errorf("netstack: nic %q: want %s", spec, nicForms)
	}
	switch kind {
	case "tap":
		d, err := OpenTAP(arg)
		if err != nil {
			return nil, fmt.Errorf("netstack: nic %q: %w", spec, err)
		}
		return d, nil
	case "packet":
		// A stack's NIC carries management traffic: recvmmsg, not a ring,
		// whose set-up waits out an RCU grace period in the kernel
		// (synchronize_net), tens of ms at boot.
		d, err := OpenPacket(arg, PacketOptions{NoRing: true})
		if err != nil {
			return nil, fmt.Errorf("netstack: nic %q: %w", spec, err)
		}
		return d, nil
	case "dgram":
		local, remote, ok := strings.Cut(arg, ",")
		if !ok || local == "" || remote == "" || strings.Contains(remote, ",") {
			return nil, fmt.Errorf("netstack: nic %q: dgram wants LOCAL,REMOTE (host:port each), e.g. dgram:127.0.0.1:10001,127.0.0.1:10002", spec)
		}
		d, err := OpenDgram(local, remote)
		if err != nil {
			return nil, fmt.Errorf("netstack: nic %q: %w", spec, err)
		}
		return d, nil
	}
	return nil, fmt.Errorf("netstack: nic %q: unknown kind %q; want %s", spec, kind, nicForms)
}
