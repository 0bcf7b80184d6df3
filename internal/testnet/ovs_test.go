package testnet

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// transferBytes is enough for TCP to leave slow start and small enough for
// a 2-core machine to move it in well under a second.
const transferBytes = 20 << 20

// attachHosts makes hosts h1 and h2 on ports 1 and 2 of o's bridge br0.
func attachHosts(t *testing.T, o *OVS, offload bool) []*Host {
	t.Helper()
	RequireTools(t, "ping", "ethtool", "iperf3")
	hosts := Hosts(t, o.NS, 2, offload)
	for i, h := range hosts {
		if got := o.AddPort("br0", h.Port, i+1); got != i+1 {
			t.Fatalf("AddPort(br0, %s, %d) = %d; want %d", h.Port, i+1, got, i+1)
		}
	}
	return hosts
}

// TestIntegrationOVSNormal: Open vSwitch's userspace datapath as a standalone
// learning switch between two namespaces, with host checksum offload off.
// With offload on, ping works but TCP stalls (logged, not asserted: it is
// Open vSwitch's behaviour, which ofbox's switch must not share).
func TestIntegrationOVSNormal(t *testing.T) {
	o := StartOVS(t)
	o.AddBridge("br0", Bridge{FailMode: "standalone"})
	h := attachHosts(t, o, false)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
		t.Fatal(err)
	}
	res, err := TCPTransfer(ctx, h[0].NS, h[1].NS, h[1].IP, transferBytes)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ovs normal, offload off: %v", res)
	out, err := o.Ofctl("dump-flows", "br0")
	if err != nil || !strings.Contains(out, "actions=NORMAL") {
		t.Errorf("ovs-ofctl dump-flows br0 = %q, %v; want the NORMAL flow", out, err)
	}
	if out, err := o.Appctl("fdb/show", "br0"); err != nil || !strings.Contains(out, h[0].MAC.String()) {
		t.Errorf("ovs-appctl fdb/show br0 = %q, %v; want h1's MAC %s learned", out, err, h[0].MAC)
	}

	for _, x := range h {
		x.NS.Offload(x.Dev, true)
	}
	if err := Ping(ctx, h[0].NS, h[1].IP, 2); err != nil {
		t.Errorf("ping with offload on: %v", err)
	}
	short, cancel2 := context.WithTimeout(ctx, 3*time.Second)
	defer cancel2()
	res, err = TCPTransfer(short, h[0].NS, h[1].NS, h[1].IP, transferBytes)
	csum := tcpInCsumErrors(t, h[1].NS)
	if err != nil {
		t.Logf("ovs normal, offload on: TCP stalled, as DESIGN.md says; h2 counted %d TCP checksum errors", csum)
	} else {
		t.Logf("ovs normal, offload on: TCP completed (%v, %d checksum errors at h2); DESIGN.md's warning no longer holds for this Open vSwitch", res, csum)
	}
}

// tcpInCsumErrors reads the TCP InCsumErrors counter of ns.
func tcpInCsumErrors(t *testing.T, ns *NS) int {
	t.Helper()
	out, err := ns.Exec(context.Background(), "cat", "/proc/net/snmp")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "Tcp:" {
			continue
		}
		if names == nil {
			names = f
			continue
		}
		for i, n := range names {
			if n == "InCsumErrors" && i < len(f) {
				v, _ := strconv.Atoi(f[i])
				return v
			}
		}
	}
	t.Fatalf("no Tcp InCsumErrors in /proc/net/snmp of %s:\n%s", ns, out)
	return 0
}

// TestIntegrationOVSTestcontroller: Open vSwitch in secure mode under
// ovs-testcontroller, OpenFlow 1.3 and 1.0: ping and TCP work and the
// learned flows show in dump-flows.
func TestIntegrationOVSTestcontroller(t *testing.T) {
	for _, proto := range []string{"OpenFlow13", "OpenFlow10"} {
		t.Run(proto, func(t *testing.T) {
			o := StartOVS(t)
			// The controller listens first, so the bridge connects at once
			// instead of after a backoff.
			o.StartTestController(t, "ptcp:6653:127.0.0.1", proto)
			o.AddBridge("br0", Bridge{FailMode: "secure", Protocols: []string{proto},
				Controllers: []string{"tcp:127.0.0.1:6653"}})
			h := attachHosts(t, o, false)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			if err := o.WaitConnected(ctx, "br0"); err != nil {
				t.Fatal(err)
			}
			if err := Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
				t.Fatal(err)
			}
			res, err := TCPTransfer(ctx, h[0].NS, h[1].NS, h[1].IP, transferBytes)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ovs-testcontroller %s: %v", proto, res)
			out, err := o.Ofctl("-O", proto, "dump-flows", "br0")
			if err != nil {
				t.Fatal(err)
			}
			for _, mac := range []string{h[0].MAC.String(), h[1].MAC.String()} {
				if !strings.Contains(out, "dl_dst="+mac) {
					t.Errorf("ovs-ofctl -O %s dump-flows br0 = %s; want a learned flow to dl_dst=%s", proto, out, mac)
				}
			}
		})
	}
}
