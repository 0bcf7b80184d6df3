package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

func TestSwitchBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{nil, "--ports is required"},
		{[]string{"--ports", "a,a"}, `--ports "a,a": interface a used twice`},
		{[]string{"--ports", "a", "--fail-mode", "open"}, `--fail-mode "open": want secure or standalone`},
		{[]string{"--ports", "a", "--of", "1.4"}, `--of "1.4": unknown version "1.4"; want 1.3, 1.0 or both`},
		{[]string{"--ports", "a", "--dpid", "zz"}, `--dpid "zz": want a 64-bit number such as 0x1 or 42`},
		{[]string{"--ports", "a", "--log", "loud"}, `--log "loud": want one of debug, info, warn, error`},
		{[]string{"--ports", "a", "--controller", "ptcp:6653"}, `--controller "ptcp:6653": want tcp:HOST:PORT`},
		{[]string{"--ports", "a", "--app", "hub"}, `flag provided but not defined: -app`},
		{[]string{"--ports", "a", "--listen", "udp:1"}, `want tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST]`},
		{[]string{"--ports", "a", "extra"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := runSwitch(tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("runSwitch(%q) = %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

func TestSwitchMissingNIC(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := switchMain(context.Background(), []string{"--ports", "ofbx-missing0"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "ofbx-missing0") {
		t.Errorf("switch on a missing NIC = %d, stderr %q; want 1 naming the NIC", code, stderr.String())
	}
}

// switchUnderTest starts `ofbox switch` in a namespace with two hosts.
func switchUnderTest(t *testing.T, offload bool, args ...string) (*testnet.NS, []*testnet.Host, *testnet.Proc) {
	t.Helper()
	ofbox := ofboxbin.Path(t)
	sw := testnet.NewNS(t, "sw")
	h := testnet.Hosts(t, sw, 2, offload)
	p := testnet.Start(t, sw, append([]string{ofbox, "switch", "--ports", h[0].Port + "," + h[1].Port}, args...)...)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.WaitOutput(ctx, "ofbox switch: ready"); err != nil {
		t.Fatal(err)
	}
	return sw, h, p
}

// TestIntegrationOvsOfctl manages `ofbox switch` with ovs-ofctl over its
// passive listener in OpenFlow 1.3 and 1.0, and forwards a ping on the
// flows ovs-ofctl added.
func TestIntegrationOvsOfctl(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ovs-ofctl", "ping", "ethtool")
	ofboxbin.Path(t) // built before the subtests' clocks start
	for _, tc := range []struct{ name, of string }{{"OpenFlow13", "-OOpenFlow13"}, {"OpenFlow10", "-OOpenFlow10"}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			sw, h, _ := switchUnderTest(t, false, "--listen", "ptcp:6634:127.0.0.1")
			const target = "tcp:127.0.0.1:6634"
			ofctl := func(args ...string) string {
				t.Helper()
				all := []string{"ovs-ofctl", tc.of}
				for len(args) > 0 && strings.HasPrefix(args[0], "--") {
					all, args = append(all, args[0]), args[1:]
				}
				all = append(append(all, args[0], target), args[1:]...)
				out, err := sw.Exec(ctx, all...)
				if err != nil {
					t.Fatalf("ovs-ofctl %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				return out
			}
			for _, c := range []struct{ cmd, want string }{
				{"show", "dpid:0000000000000001"},
				{"dump-desc", "ofbox"},
				{"dump-tables", "table 0"},
				{"dump-ports", "port  1"},
				{"dump-aggregate", "flow_count=0"},
			} {
				if out := ofctl(c.cmd); !strings.Contains(out, c.want) {
					t.Errorf("ovs-ofctl %s: no %q in\n%s", c.cmd, c.want, out)
				}
			}
			if out := ofctl("dump-ports-desc"); !strings.Contains(out, " 1("+h[0].Port+")") || !strings.Contains(out, " 2("+h[1].Port+")") {
				t.Errorf("dump-ports-desc: no 1(%s) and 2(%s) in\n%s", h[0].Port, h[1].Port, out)
			}
			pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
			err := testnet.Ping(pctx, h[0].NS, h[1].IP, 0)
			pcancel()
			if err == nil {
				t.Errorf("h1 pings h2 with no flows in fail-secure mode")
			}
			ofctl("add-flow", "in_port="+h[0].Port+",actions=output:"+h[1].Port) // names resolved through port descriptions
			ofctl("--no-names", "add-flow", "in_port=2,actions=output:1")
			if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
				t.Fatalf("h1 ping h2 on ovs-ofctl's flows: %v", err)
			}
			out := ofctl("dump-flows")
			if !strings.Contains(out, "in_port=1 actions=output:2") || !strings.Contains(out, "n_packets=") {
				t.Errorf("dump-flows:\n%s", out)
			}
			if out := ofctl("dump-aggregate"); !strings.Contains(out, "flow_count=2") {
				t.Errorf("dump-aggregate after two add-flows:\n%s", out)
			}
			ofctl("probe")
			// An ARP request from h1's address, sent out of port 2 to h2.
			arp := "ffffffffffff" + strings.ReplaceAll(h[0].MAC.String(), ":", "") + "08060001080006040001" +
				strings.ReplaceAll(h[0].MAC.String(), ":", "") + "0a000001" + "000000000000" + "0a000002"
			ofctl("packet-out", "in_port=1 packet="+arp+" actions=output:2")
			if tc.name == "OpenFlow13" {
				ofctl("add-group", "group_id=1,type=all,bucket=output:2")
				if out := ofctl("dump-groups"); !strings.Contains(out, "group_id=1,type=all,bucket=actions=output:2") {
					t.Errorf("dump-groups:\n%s", out)
				}
				ofctl("add-meter", "meter=1,kbps,band=type=drop,rate=1000")
				if out := ofctl("dump-meters"); !strings.Contains(out, "meter=1 kbps") || !strings.Contains(out, "rate=1000") {
					t.Errorf("dump-meters:\n%s", out)
				}
				if out := ofctl("dump-table-features"); !strings.Contains(out, "table 0") {
					t.Errorf("dump-table-features:\n%s", out)
				}
			}
			ofctl("--strict", "del-flows", "in_port=1")
			if out := ofctl("dump-flows"); strings.Contains(out, "in_port=1") || !strings.Contains(out, "in_port=2") {
				t.Errorf("dump-flows after del-flows --strict in_port=1:\n%s", out)
			}
			ofctl("del-flows")
			if out := ofctl("dump-flows"); strings.Contains(out, "actions=") {
				t.Errorf("dump-flows after del-flows:\n%s", out)
			}
		})
	}
}

// TestIntegrationTestcontroller runs `ofbox switch` under
// ovs-testcontroller (a learning switch) in OpenFlow 1.3 and 1.0, with host
// checksum offload on and off: ping and a TCP transfer cross it.
func TestIntegrationTestcontroller(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ovs-testcontroller", "ping", "iperf3", "ethtool")
	ofbox := ofboxbin.Path(t) // built before the subtests' clocks start
	for _, tc := range []struct {
		of, protocol string
		offload      bool
	}{{"1.3", "OpenFlow13", false}, {"1.3", "OpenFlow13", true}, {"1.0", "OpenFlow10", false}, {"1.0", "OpenFlow10", true}} {
		t.Run(fmt.Sprintf("%s/offload=%v", tc.protocol, tc.offload), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			sw := testnet.NewNS(t, "sw")
			h := testnet.Hosts(t, sw, 2, tc.offload)
			testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", tc.protocol)
			p := testnet.Start(t, sw, ofbox, "switch", "--ports", h[0].Port+","+h[1].Port,
				"--controller", "tcp:127.0.0.1:6653", "--of", tc.of)
			if err := p.WaitOutput(ctx, "connection up"); err != nil {
				t.Fatal(err)
			}
			if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
				t.Fatalf("h1 ping h2 under ovs-testcontroller: %v", err)
			}
			res, err := testnet.TCPTransfer(ctx, h[0].NS, h[1].NS, h[1].IP, 20<<20)
			if err != nil {
				t.Fatalf("TCP transfer h1 -> h2: %v", err)
			}
			t.Logf("%s offload=%v: TCP transfer %v", tc.protocol, tc.offload, res)
		})
	}
}

// TestIntegrationFailModes: in fail-secure mode the flows ovs-testcontroller
// installed keep forwarding after it is killed and are still there when it
// returns; in fail-standalone mode the switch forwards by learning while no
// controller answers, under OpenFlow once one connects, and keeps that
// controller's flows through its death and return.
func TestIntegrationFailModes(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ovs-testcontroller", "ovs-ofctl", "ping", "ethtool")
	ofbox := ofboxbin.Path(t) // built before the subtests' clocks start
	t.Run("secure", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		sw := testnet.NewNS(t, "sw")
		h := testnet.Hosts(t, sw, 2, false)
		ctl := testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", "OpenFlow13")
		p := testnet.Start(t, sw, ofbox, "switch", "--ports", h[0].Port+","+h[1].Port,
			"--controller", "tcp:127.0.0.1:6653", "--listen", "ptcp:6634:127.0.0.1", "--fail-mode", "secure")
		if err := p.WaitOutput(ctx, "connection up"); err != nil {
			t.Fatal(err)
		}
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("ping under the controller: %v", err)
		}
		ctl.Kill()
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("fail-secure: ping on the installed flows after the controller died: %v", err)
		}
		testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", "OpenFlow13")
		if err := waitCount(ctx, p, "connection up", 2); err != nil {
			t.Fatal(err)
		}
		out, err := sw.Exec(ctx, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:6634")
		if err != nil || !strings.Contains(out, "dl_dst="+h[1].MAC.String()) {
			t.Errorf("after reconnecting: learned flows lost (%v):\n%s", err, out)
		}
	})
	t.Run("standalone", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		sw := testnet.NewNS(t, "sw")
		h := testnet.Hosts(t, sw, 2, false)
		p := testnet.Start(t, sw, ofbox, "switch", "--ports", h[0].Port+","+h[1].Port,
			"--controller", "tcp:127.0.0.1:6653", "--listen", "ptcp:6634:127.0.0.1", "--fail-mode", "standalone")
		if err := p.WaitOutput(ctx, "ofbox switch: ready"); err != nil {
			t.Fatal(err)
		}
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("fail-standalone without a controller: %v", err)
		}
		ctl := testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", "OpenFlow13")
		if err := p.WaitOutput(ctx, "connection up"); err != nil {
			t.Fatal(err)
		}
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("fail-standalone once the controller connected: %v", err)
		}
		learned := "dl_dst=" + h[1].MAC.String()
		flows := func() string {
			t.Helper()
			out, err := sw.Exec(ctx, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:6634")
			if err != nil {
				t.Fatalf("dump-flows: %v\n%s", err, out)
			}
			return out
		}
		if out := flows(); !strings.Contains(out, learned) {
			t.Fatalf("the controller's flows are not installed:\n%s", out)
		}
		ctl.Kill()
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("fail-standalone after the controller died: %v", err)
		}
		testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", "OpenFlow13")
		if err := waitCount(ctx, p, "connection up", 2); err != nil {
			t.Fatal(err)
		}
		if out := flows(); !strings.Contains(out, learned) {
			t.Errorf("after reconnecting: the controller's flows are lost:\n%s", out)
		}
		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
			t.Fatalf("fail-standalone after the controller returned: %v", err)
		}
	})
}

// waitCount waits until s appears n times in p's output.
func waitCount(ctx context.Context, p *testnet.Proc, s string, n int) error {
	for strings.Count(p.Output(), s) < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d %q: %w\n%s", n, s, ctx.Err(), p.Output())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}
