package controller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// TestIntegrationOVS runs `ofbox controller` (l2learning) as the controller
// of a real Open vSwitch bridge (userspace datapath) with two hosts in
// namespaces, for OpenFlow 1.3 and 1.0: h1 pings h2, a TCP transfer
// completes, and ovs-ofctl shows the flows the controller learned.
func TestIntegrationOVS(t *testing.T) {
	testnet.RequireOVS(t)
	testnet.RequireTools(t, "ping", "iperf3", "ethtool")
	ofbox := ofboxbin.Path(t)
	for _, tc := range []struct{ of, protocol string }{{"1.3", "OpenFlow13"}, {"1.0", "OpenFlow10"}} {
		t.Run(tc.protocol, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			o := testnet.StartOVS(t)
			testnet.StartCmd(t, o.Command(context.Background(), ofbox, "controller",
				"--listen", "tcp:127.0.0.1:6653", "--app", "l2learning", "--of", tc.of))
			if err := testnet.WaitListen(ctx, o.NS, "127.0.0.1:6653"); err != nil {
				t.Fatal(err)
			}
			o.AddBridge("br0", testnet.Bridge{FailMode: "secure", Protocols: []string{tc.protocol},
				Controllers: []string{"tcp:127.0.0.1:6653"}})
			h := testnet.Hosts(t, o.NS, 2, false)
			o.AddPort("br0", h[0].Port, 1)
			o.AddPort("br0", h[1].Port, 2)
			if err := o.WaitConnected(ctx, "br0"); err != nil {
				t.Fatal(err)
			}
			if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
				t.Fatalf("h1 ping h2 through OVS under ofbox controller: %v", err)
			}
			res, err := testnet.TCPTransfer(ctx, h[0].NS, h[1].NS, h[1].IP, 20<<20)
			if err != nil {
				t.Fatalf("TCP transfer h1 -> h2: %v", err)
			}
			t.Logf("OF%s: TCP transfer %v", tc.of, res)
			flows, err := o.Ofctl("-O", tc.protocol, "dump-flows", "br0")
			if err != nil {
				t.Fatal(err)
			}
			for _, mac := range []string{h[0].MAC.String(), h[1].MAC.String()} {
				if !strings.Contains(flows, "dl_dst="+mac) {
					t.Errorf("dump-flows has no learned flow to %s:\n%s", mac, flows)
				}
			}
			if tc.of == "1.3" && !strings.Contains(flows, "priority=0 actions=CONTROLLER") {
				t.Errorf("dump-flows has no OF1.3 table-miss flow:\n%s", flows)
			}
		})
	}
}
