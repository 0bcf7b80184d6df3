package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// labPKI makes, with `ofbox pki`, a CA in dir and a certificate for each
// name, and returns the flags each name runs with.
func labPKI(t *testing.T, ofbox, dir string, names ...string) map[string]tlsFiles {
	t.Helper()
	if out, err := exec.Command(ofbox, "pki", "init", "--dir", dir).CombinedOutput(); err != nil {
		t.Fatalf("ofbox pki init: %v\n%s", err, out)
	}
	files := map[string]tlsFiles{}
	for _, n := range names {
		if out, err := exec.Command(ofbox, "pki", "cert", n, "--dir", dir).CombinedOutput(); err != nil {
			t.Fatalf("ofbox pki cert %s: %v\n%s", n, err, out)
		}
		files[n] = tlsFiles{filepath.Join(dir, n+"-cert.pem"), filepath.Join(dir, n+"-privkey.pem"), filepath.Join(dir, "cacert.pem")}
	}
	return files
}

// refused matches the log line of a TLS peer refused for its CA.
var refused = regexp.MustCompile(`.*msg="tls handshake failed" .*peer=127\.0\.0\.1:\d+ .*certificate signed by unknown authority.*`)

// tlsFiles are one peer's certificate, key and CA certificate.
type tlsFiles struct{ cert, key, ca string }

// flags are the ofbox flags for f.
func (f tlsFiles) flags() []string { return []string{"--cert", f.cert, "--key", f.key, "--ca", f.ca} }

// TestIntegrationTLSOVSBridge runs Open vSwitch (userspace datapath) under
// `ofbox controller --listen ptls:6653` with an ssl: controller target and
// its PKI set with ovs-vsctl set-ssl, all files made by `ofbox pki`: the
// bridge connects over TLS and two hosts ping through it on the flows
// l2learning installed. A bridge whose certificate comes from another CA
// is refused, and the controller logs why.
func TestIntegrationTLSOVSBridge(t *testing.T) {
	testnet.RequireOVS(t)
	testnet.RequireTools(t, "ping", "ethtool")
	ofbox := ofboxbin.Path(t)
	lab := labPKI(t, ofbox, t.TempDir(), "controller", "ovs")
	other := labPKI(t, ofbox, t.TempDir(), "intruder")

	for _, tc := range []struct {
		name string
		ovs  tlsFiles
		ok   bool
	}{
		{"same CA", lab["ovs"], true},
		// The intruder trusts the lab CA, so only the controller can refuse.
		{"another CA", tlsFiles{other["intruder"].cert, other["intruder"].key, lab["ovs"].ca}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			o := testnet.StartOVS(t)
			ctl := testnet.StartCmd(t, o.Command(context.Background(), append([]string{ofbox, "controller",
				"--listen", "ptls:6653:127.0.0.1", "--app", "l2learning", "--of", "1.3"}, lab["controller"].flags()...)...))
			if err := ctl.WaitOutput(ctx, "ofbox controller: listening on 127.0.0.1:6653"); err != nil {
				t.Fatal(err)
			}
			if _, err := o.Vsctl("set-ssl", tc.ovs.key, tc.ovs.cert, tc.ovs.ca); err != nil {
				t.Fatal(err)
			}
			o.AddBridge("br0", testnet.Bridge{FailMode: "secure", Protocols: []string{"OpenFlow13"},
				Controllers: []string{"ssl:127.0.0.1:6653"}})
			h := testnet.Hosts(t, o.NS, 2, false)
			o.AddPort("br0", h[0].Port, 1)
			o.AddPort("br0", h[1].Port, 2)
			if !tc.ok {
				if err := ctl.WaitOutput(ctx, "tls handshake failed"); err != nil {
					t.Fatal(err)
				}
				line := refused.FindString(ctl.Output())
				if line == "" {
					t.Errorf("controller log:\n%s\nwant a line that matches %s", ctl.Output(), refused)
				}
				t.Logf("controller: %s", line)
				if strings.Contains(ctl.Output(), "datapath joined") {
					t.Errorf("a bridge with another CA's certificate joined:\n%s", ctl.Output())
				}
				return
			}
			if err := o.WaitConnected(ctx, "br0"); err != nil {
				t.Fatal(err)
			}
			if err := ctl.WaitOutput(ctx, `msg="datapath joined"`); err != nil {
				t.Fatal(err)
			}
			if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
				t.Fatalf("h1 ping h2 through OVS under ofbox controller over TLS: %v", err)
			}
			flows, err := o.Ofctl("-O", "OpenFlow13", "dump-flows", "br0")
			if err != nil {
				t.Fatal(err)
			}
			for _, mac := range []string{h[0].MAC.String(), h[1].MAC.String()} {
				if !strings.Contains(flows, "dl_dst="+mac) {
					t.Errorf("dump-flows has no learned flow to %s:\n%s", mac, flows)
				}
			}
			if strings.Contains(ctl.Output(), "tls handshake failed") {
				t.Errorf("the controller refused a handshake:\n%s", ctl.Output())
			}
			t.Logf("controller: %s", regexp.MustCompile(`.*datapath joined.*`).FindString(ctl.Output()))
		})
	}
}

// TestIntegrationTLSTestcontroller runs `ofbox switch --controller
// tls:127.0.0.1:6653` under `ovs-testcontroller pssl:6653` with its PKI
// flags, all files made by `ofbox pki`: the connection comes up over TLS
// and two hosts ping through the switch, and ovs-ofctl reads its flows
// over its ptls: listener. An ovs-testcontroller whose
// certificate comes from another CA is refused by the switch.
func TestIntegrationTLSTestcontroller(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ovs-testcontroller", "ping", "ethtool")
	ofbox := ofboxbin.Path(t)
	lab := labPKI(t, ofbox, t.TempDir(), "testcontroller", "sw1", "ofctl")
	other := labPKI(t, ofbox, t.TempDir(), "intruder")

	for _, tc := range []struct {
		name string
		ctl  tlsFiles
		ok   bool
	}{
		{"same CA", lab["testcontroller"], true},
		// The intruder trusts the lab CA, so only the switch can refuse.
		{"another CA", tlsFiles{other["intruder"].cert, other["intruder"].key, lab["sw1"].ca}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			sw := testnet.NewNS(t, "sw")
			h := testnet.Hosts(t, sw, 2, false)
			run := t.TempDir()
			cmd := sw.Command(context.Background(), "ovs-testcontroller", "--no-chdir", "-vconsole:info",
				"--unixctl="+filepath.Join(run, "tc.ctl"), "-O", "OpenFlow13",
				"-p", tc.ctl.key, "-c", tc.ctl.cert, "-C", tc.ctl.ca, "pssl:6653:127.0.0.1")
			cmd.Env = append(os.Environ(), "OVS_RUNDIR="+run, "OVS_LOGDIR="+run, "OVS_DBDIR="+run, "OVS_SYSCONFDIR="+run)
			ctl := testnet.StartCmd(t, cmd)
			if err := testnet.WaitListen(ctx, sw, "127.0.0.1:6653"); err != nil {
				t.Fatalf("%v\n%s", err, ctl.Output())
			}
			p := testnet.Start(t, sw, append([]string{ofbox, "switch", "--ports", h[0].Port + "," + h[1].Port,
				"--controller", "tls:127.0.0.1:6653", "--listen", "ptls:6634:127.0.0.1", "--of", "1.3"}, lab["sw1"].flags()...)...)
			if !tc.ok {
				if err := p.WaitOutput(ctx, "tls handshake failed"); err != nil {
					t.Fatal(err)
				}
				line := refused.FindString(p.Output())
				if line == "" || !strings.Contains(line, "peer=127.0.0.1:6653 ") {
					t.Errorf("switch log:\n%s\nwant a line that matches %s, from peer 127.0.0.1:6653", p.Output(), refused)
				}
				t.Logf("switch: %s", line)
				if strings.Contains(p.Output(), "connection up") {
					t.Errorf("the switch connected to a controller of another CA:\n%s", p.Output())
				}
				return
			}
			if err := p.WaitOutput(ctx, "connection up"); err != nil {
				t.Fatal(err)
			}
			if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
				t.Fatalf("h1 ping h2 through ofbox switch under ovs-testcontroller over TLS: %v", err)
			}
			if strings.Contains(p.Output(), "handshake failed") {
				t.Errorf("a handshake failed:\n%s", p.Output())
			}
			t.Logf("switch: %s", regexp.MustCompile(`.*connection up.*`).FindString(p.Output()))
			// ovs-ofctl over the switch's ptls: listener sees the flows
			// ovs-testcontroller installed.
			of := lab["ofctl"]
			out, err := sw.Exec(ctx, "ovs-ofctl", "-O", "OpenFlow13", "-p", of.key, "-c", of.cert, "-C", of.ca,
				"dump-flows", "ssl:127.0.0.1:6634")
			if err != nil || !strings.Contains(out, "dl_dst="+h[1].MAC.String()) {
				t.Errorf("ovs-ofctl dump-flows ssl:127.0.0.1:6634 (%v): no learned flow to h2:\n%s", err, out)
			}
		})
	}
}
