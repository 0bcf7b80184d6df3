package appliance

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/stacktest"
	"github.com/ofbox/ofbox/internal/testnet"
	"github.com/ofbox/ofbox/openflow"
)

// TestRunControllerGVisor runs the controller on its own gVisor stack over
// a dgram link (QEMU's -netdev dgram framing) to a stack in the test,
// which connects as a switch: no root, no kernel addresses.
func TestRunControllerGVisor(t *testing.T) {
	peer, nic := stacktest.DgramPeer(t, "10.9.0.2/24")
	waitReady, _ := start(t, Config{Role: RoleController, Stack: StackGVisor, NIC: nic,
		IP: []netip.Prefix{netip.MustParsePrefix("10.9.0.1/24")}, OF: []openflow.Version{openflow.Version10}})
	details := waitReady()
	want := " app=l2learning of=1.0 stack=gvisor nic=" + nic + " ip=10.9.0.1/24"
	if !strings.HasSuffix(details, want) || !strings.HasSuffix(field(details, "listen"), ":6653") {
		t.Errorf("ready details %q; want listen=...:6653 (every address, the gvisor default) and %q", details, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	nc, err := peer.Dial(ctx, "tcp", "10.9.0.1:6653")
	if err != nil {
		t.Fatalf("dial the controller on its gVisor stack: %v", err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	if h, _, err := openflow.NewFrameReader(nc).ReadFrame(); err != nil || h.Type != openflow.TypeHello || h.Version != openflow.Version10 {
		t.Errorf("controller greets with %v, %v; want an OpenFlow 1.0 HELLO", h, err)
	}
}

// TestIntegrationRunGVisor runs both roles in this process, each on its
// own gVisor stack, linked by dgram sockets on loopback as two VMs would
// be: the switch reaches the controller through its default gateway's
// subnet and forwards the pings of two host namespaces.
func TestIntegrationRunGVisor(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ip", "ping", "ethtool")
	h := testnet.Hosts(t, nil, 2, false)
	a, b := stacktest.FreeUDP(t), stacktest.FreeUDP(t)
	ctlReady, _ := start(t, Config{Role: RoleController, Stack: StackGVisor, NIC: "dgram:" + a + "," + b,
		IP: []netip.Prefix{netip.MustParsePrefix("10.9.0.1/24")}})
	ctlReady()
	swReady, _ := start(t, Config{Role: RoleSwitch, Stack: StackGVisor, NIC: "dgram:" + b + "," + a,
		IP: []netip.Prefix{netip.MustParsePrefix("10.9.0.2/24")}, GW: []netip.Addr{netip.MustParseAddr("10.9.0.254")},
		Ports: []Port{{1, h[0].Port}, {2, h[1].Port}}, Controllers: []string{"tcp:10.9.0.1:6653"}})
	if d := swReady(); !strings.Contains(d, "stack=gvisor nic=dgram:") || !strings.HasSuffix(d, " ip=10.9.0.2/24") {
		t.Errorf("switch ready details %q; want the gvisor stack's", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
		t.Fatalf("h1 ping h2 through the switch under the controller, over gVisor: %v", err)
	}
}
