// Package stacktest gives tests a gVisor stack of their own on a dgram link,
// the way host-side programs meet ofbox VMs without root.
package stacktest

import (
	"net"
	"net/netip"
	"testing"

	"github.com/ofbox/ofbox/netstack"
)

// FreeUDP returns a loopback UDP address that was free a moment ago.
func FreeUDP(t testing.TB) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

// DgramPeer runs a gVisor stack with address ip (CIDR) on a dgram link on
// loopback, QEMU's -netdev dgram framing, and returns it with the NIC spec
// of the link's other end (dgram:LOCAL,REMOTE), for a VM's --nic or a
// role's --nic. No root needed. The stack is closed at the test's end.
func DgramPeer(t testing.TB, ip string) (*netstack.Stack, string) {
	t.Helper()
	theirs := FreeUDP(t)
	dev, err := netstack.OpenDgram("127.0.0.1:0", theirs)
	if err != nil {
		t.Fatal(err)
	}
	s, err := netstack.NewStack(netstack.StackConfig{NICs: []netstack.StackNIC{{Device: dev, Addrs: []netip.Prefix{netip.MustParsePrefix(ip)}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, "dgram:" + theirs + "," + dev.LocalAddr().String()
}
