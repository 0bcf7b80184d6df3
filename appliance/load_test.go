package appliance

import (
	"bytes"
	"errors"
	"flag"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/roles/controller"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

var cmpConfig = []cmp.Option{cmpopts.IgnoreFields(Config{}, "Ready"), cmpopts.EquateComparable(netip.Prefix{}, netip.Addr{})}

// TestLoadGood reads a Config from each source, and from the three together.
func TestLoadGood(t *testing.T) {
	v10, v13 := openflow.Version10, openflow.Version13
	sw := func(c Config) Config {
		c.Role = RoleSwitch
		if c.DPID == 0 {
			c.DPID = 1
		}
		c.PacketInRate = controller.DefaultPacketInRate
		return c
	}
	ctl := func(c Config) Config {
		c.Role = RoleController
		c.DPID = 1
		if c.PacketInRate == 0 {
			c.PacketInRate = controller.DefaultPacketInRate
		}
		return c
	}
	norate := func(c Config) Config {
		c.PacketInRate = 0
		return c
	}
	ports12 := []Port{{1, "eth1"}, {2, "eth2"}}
	for _, tc := range []struct {
		name string
		src  Sources
		want Config
	}{
		{"cmdline switch", Sources{Cmdline: "console=ttyS0 quiet ofbox.role=switch ofbox.ports=eth1,eth2 panic=-1\n"},
			sw(Config{Ports: ports12})},
		{"cmdline every switch key", Sources{Cmdline: "ofbox.role=switch ofbox.ports=3=eth1,7=eth2 ofbox.controller=tcp:10.0.0.1:6653 " +
			"ofbox.controller=tcp:[fd00::1]:6653 ofbox.listen=ptcp:6634 ofbox.dpid=0x2a ofbox.fail-mode=standalone ofbox.of=1.0 " +
			"ofbox.log=debug ofbox.stack=gvisor ofbox.nic=packet:eth0 ofbox.ip=10.0.0.2/24,fd00::2/64 ofbox.gw=10.0.0.1 ofbox.mgmt=eth0"},
			sw(Config{Ports: []Port{{3, "eth1"}, {7, "eth2"}}, Controllers: []string{"tcp:10.0.0.1:6653", "tcp:[fd00::1]:6653"},
				Listens: []string{"ptcp:6634"}, DPID: 42, FailMode: ofswitch.FailStandalone, OF: []openflow.Version{v10},
				Log: slog.LevelDebug, Stack: StackGVisor, NIC: "packet:eth0", Mgmt: "eth0",
				IP: []netip.Prefix{netip.MustParsePrefix("10.0.0.2/24"), netip.MustParsePrefix("fd00::2/64")},
				GW: []netip.Addr{netip.MustParseAddr("10.0.0.1")}})},
		{"cmdline controller", Sources{Cmdline: "ofbox.role=controller ofbox.app=hub ofbox.packet-in-rate=0 ofbox.listen=tcp::6653,ptcp:6654"},
			norate(ctl(Config{App: "hub", Listens: []string{"tcp::6653", "ptcp:6654"}}))},
		{"cmdline quoting", Sources{Cmdline: `ofbox.role="controller" "ofbox.app=hub" ofbox.listen="tcp:127.0.0.1:1"`},
			ctl(Config{App: "hub", Listens: []string{"tcp:127.0.0.1:1"}})},
		{"cmdline after --", Sources{Cmdline: "quiet -- ofbox.role=controller"}, ctl(Config{})},
		{"cmdline last scalar wins", Sources{Cmdline: "ofbox.role=controller ofbox.app=hub ofbox.app=l2learning"},
			ctl(Config{App: "l2learning"})},
		{"env", Sources{Env: []string{"PATH=/bin", "OFBOX_ROLE=switch", "OFBOX_PORTS=eth1,eth2", "OFBOX_FAIL_MODE=standalone", "OFBOX_DPID=7", "OFBOX_LOG="}},
			sw(Config{Ports: ports12, FailMode: ofswitch.FailStandalone, DPID: 7})},
		{"env packet-in-rate", Sources{Env: []string{"OFBOX_PACKET_IN_RATE=12.5"}, Role: RoleController},
			ctl(Config{PacketInRate: 12.5})},
		{"flags", Sources{Role: RoleSwitch, Args: []string{"--ports", "eth1,eth2", "--controller", "tcp:1.2.3.4:6653", "--controller=tcp:1.2.3.5:6653,tcp:1.2.3.6:6653", "-of", "1.3"}},
			sw(Config{Ports: ports12, Controllers: []string{"tcp:1.2.3.4:6653", "tcp:1.2.3.5:6653", "tcp:1.2.3.6:6653"}, OF: []openflow.Version{v13}})},
		{"flags gvisor", Sources{Role: RoleController, Args: []string{"--stack", "gvisor", "--nic", "dgram:127.0.0.1:5000,127.0.0.1:5001", "--ip", "10.0.0.1/24", "--ip", "fd00::1/64", "--gw", "fd00::ff"}},
			ctl(Config{Stack: StackGVisor, NIC: "dgram:127.0.0.1:5000,127.0.0.1:5001",
				IP: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24"), netip.MustParsePrefix("fd00::1/64")},
				GW: []netip.Addr{netip.MustParseAddr("fd00::ff")}})},
		{"precedence flag > env > cmdline", Sources{Role: RoleSwitch,
			Cmdline: "ofbox.ports=c1 ofbox.dpid=1 ofbox.of=1.0 ofbox.controller=tcp:1.1.1.1:1 ofbox.log=error",
			Env:     []string{"OFBOX_PORTS=e1", "OFBOX_DPID=2", "OFBOX_CONTROLLER=tcp:2.2.2.2:2"},
			Args:    []string{"--ports", "f1", "--controller", "tcp:3.3.3.3:3"}},
			sw(Config{Ports: []Port{{1, "f1"}}, DPID: 2, OF: []openflow.Version{v10}, Controllers: []string{"tcp:3.3.3.3:3"}, Log: slog.LevelError})},
		{"env role names the subcommand's", Sources{Role: RoleController, Env: []string{"OFBOX_ROLE=controller"}}, ctl(Config{})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load(tc.src)
			if err != nil {
				t.Fatalf("Load(%+v): %v", tc.src, err)
			}
			if d := cmp.Diff(tc.want, got, cmpConfig...); d != "" {
				t.Errorf("Load(%+v) (-want +got):\n%s", tc.src, d)
			}
		})
	}
}

// TestLoadBad checks that every bad value is reported with its key as the
// source spells it, the value and what is accepted.
func TestLoadBad(t *testing.T) {
	cmd := func(s string) Sources { return Sources{Cmdline: s} }
	env := func(role string, kv ...string) Sources { return Sources{Role: role, Env: kv} }
	flags := func(role string, args ...string) Sources { return Sources{Role: role, Args: args} }
	for _, tc := range []struct {
		src  Sources
		want string
	}{
		{cmd("quiet"), "ofbox.role is required: want controller or switch"},
		{cmd("ofbox.role=router"), `ofbox.role="router": want controller or switch`},
		{cmd("ofbox.role"), "ofbox.role: no value; want ofbox.role=VALUE"},
		{cmd("ofbox.rol=switch"), "ofbox.rol: unknown key; want one of ofbox.role, ofbox.stack, ofbox.nic, ofbox.ip, ofbox.gw, ofbox.mgmt, ofbox.ports, ofbox.controller, ofbox.listen, ofbox.cert, ofbox.key, ofbox.ca, ofbox.dpid, ofbox.fail-mode, ofbox.app, ofbox.packet-in-rate, ofbox.of, ofbox.log"},
		{cmd("ofbox.role=switch"), "ofbox.ports is required: NIC names (veth1,veth2) or NUMBER=NAME (1=veth1,2=veth2)"},
		{cmd("ofbox.role=switch ofbox.ports=a,a"), `ofbox.ports="a,a": interface a used twice`},
		{cmd("ofbox.role=switch ofbox.ports=1=a,1=b"), `ofbox.ports="1=a,1=b": port number 1 used twice`},
		{cmd("ofbox.role=switch ofbox.ports=0=a"), `ofbox.ports="0=a": port number "0": want 1 to 65280`},
		{cmd("ofbox.role=switch ofbox.ports=a,,b"), `ofbox.ports="a,,b": interface name "": want NIC names`},
		{cmd("ofbox.role=switch ofbox.ports=averyveryverylongname"), `interface name "averyveryverylongname": want NIC names`},
		{cmd("ofbox.role=switch ofbox.ports=a ofbox.dpid=zz"), `ofbox.dpid="zz": want a 64-bit number such as 0x1 or 42`},
		{cmd("ofbox.role=switch ofbox.ports=a ofbox.fail-mode=open"), `ofbox.fail-mode="open": want secure or standalone`},
		{cmd("ofbox.role=switch ofbox.ports=a ofbox.controller=tcp:1.2.3.4:1 ofbox.controller=ptcp:6653"), `ofbox.controller="ptcp:6653": want tcp:HOST:PORT`},
		{cmd("ofbox.role=switch ofbox.ports=a ofbox.app=hub"), `ofbox.app="hub": only the controller role uses it; the switch role takes ofbox.stack, ofbox.nic, ofbox.ip, ofbox.gw, ofbox.mgmt, ofbox.ports,`},
		{cmd("ofbox.role=controller ofbox.ports=a"), `ofbox.ports="a": only the switch role uses it; the controller role takes ofbox.stack,`},
		{cmd("ofbox.role=controller ofbox.app=router"), `ofbox.app="router": want one of l2learning, hub`},
		{cmd("ofbox.role=controller ofbox.of=1.4"), `ofbox.of="1.4": unknown version "1.4"; want 1.3, 1.0 or both`},
		{cmd("ofbox.role=controller ofbox.log=loud"), `ofbox.log="loud": want one of debug, info, warn, error`},
		{cmd("ofbox.role=controller ofbox.packet-in-rate=-1"), `ofbox.packet-in-rate="-1": want a number of packet-ins per second, or 0 for no limit`},
		{cmd("ofbox.role=controller ofbox.packet-in-rate=NaN"), `ofbox.packet-in-rate="NaN": want a number`},
		{cmd("ofbox.role=controller ofbox.listen=tcp:1.2.3.4"), `ofbox.listen="tcp:1.2.3.4": no port; want tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST]`},
		{cmd("ofbox.role=controller ofbox.listen=tcp::1,udp:1"), `ofbox.listen="udp:1": unknown scheme; want tcp:HOST:PORT`},
		{cmd("ofbox.role=controller ofbox.listen=tcp:1.2.3.4:70000"), `ofbox.listen="tcp:1.2.3.4:70000": bad port`},
		{cmd("ofbox.role=controller ofbox.listen=tcp:a:b:1"), `ofbox.listen="tcp:a:b:1": bad host`},
		{cmd("ofbox.role=controller ofbox.stack=dpdk"), `ofbox.stack="dpdk": want host or gvisor`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.ip=10.0.0.1/24"), `ofbox.stack="gvisor" needs ofbox.nic: tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.nic=tap:t0"), `ofbox.stack="gvisor" needs ofbox.ip: an address in CIDR notation`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.nic=vhost:x ofbox.ip=10.0.0.1/24"), `ofbox.nic="vhost:x": want tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.nic=dgram:127.0.0.1:1 ofbox.ip=10.0.0.1/24"), `ofbox.nic="dgram:127.0.0.1:1": want`},
		{cmd("ofbox.role=controller ofbox.nic=tap:t0"), `ofbox.nic="tap:t0": only the gvisor stack uses it (the host stack has the kernel's addresses); want ofbox.stack="gvisor" too`},
		{cmd("ofbox.role=controller ofbox.ip=10.0.0.1/24"), `ofbox.ip="10.0.0.1/24": only the gvisor stack uses it`},
		{cmd("ofbox.role=controller ofbox.ip=10.0.0.1"), `ofbox.ip="10.0.0.1": "10.0.0.1": want an address with its prefix length such as 10.0.0.2/24 or fd00::2/64`},
		{cmd("ofbox.role=controller ofbox.ip=10.0.0.1/24,10.0.0.2/24"), `"10.0.0.2/24": want at most one IPv4 and one IPv6 address`},
		{cmd("ofbox.role=controller ofbox.gw=x"), `ofbox.gw="x": "x": want an IPv4 or IPv6 address such as 10.0.0.1`},
		{cmd("ofbox.role=controller ofbox.gw=1.1.1.1,2.2.2.2"), `"2.2.2.2": want at most one IPv4 and one IPv6 gateway`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.nic=tap:t0 ofbox.ip=10.0.0.2/24 ofbox.gw=10.0.1.1"), `ofbox.gw="10.0.1.1": not in the subnet of any address of ofbox.ip (10.0.0.2/24)`},
		{cmd("ofbox.role=controller ofbox.stack=gvisor ofbox.nic=tap:t0 ofbox.ip=10.0.0.2/24 ofbox.gw=fd00::1"), `ofbox.gw="fd00::1": not in the subnet`},
		{cmd("ofbox.role=controller ofbox.mgmt=a/b"), `ofbox.mgmt="a/b": want a network interface name such as eth0`},
		{env("", "OFBOX_ROLE=hub"), `OFBOX_ROLE="hub": want controller or switch`},
		{env("", "OFBOX_ROLES=switch"), "OFBOX_ROLES: unknown variable; want one of OFBOX_ROLE, OFBOX_STACK,"},
		{env("", "OFBOX_FAIL-MODE=secure"), "OFBOX_FAIL-MODE: unknown variable; want one of"},
		{env(RoleSwitch, "OFBOX_PORTS=a", "OFBOX_DPID=-1"), `OFBOX_DPID="-1": want a 64-bit number such as 0x1 or 42`},
		{env(RoleSwitch, "OFBOX_MGMT=eth0"), "OFBOX_MGMT: set on the kernel command line only, as ofbox.mgmt"},
		{env(RoleSwitch, "OFBOX_ROLE=controller"), `OFBOX_ROLE="controller": this command runs the switch role; want switch or unset`},
		{env(RoleSwitch), "--ports is required"},
		{env(RoleSwitch, "OFBOX_PORTS=a", "OFBOX_STACK=gvisor", "OFBOX_IP=10.0.0.1/8"), `OFBOX_STACK="gvisor" needs --nic`},
		{flags(RoleSwitch, "--ports", "a", "--fail-mode", "open"), `--fail-mode "open": want secure or standalone`},
		{flags(RoleSwitch, "--ports", "a", "--app", "hub"), "flag provided but not defined: -app"},
		{flags(RoleSwitch, "--ports", "a", "--mgmt", "eth0"), "flag provided but not defined: -mgmt"},
		{flags(RoleController, "--role", "switch"), "flag provided but not defined: -role"},
		{flags(RoleController, "extra"), `unexpected argument "extra"`},
		{flags("", "--ports"), `unexpected argument "--ports": flags need a role`},
		{Sources{Role: RoleSwitch, Cmdline: "ofbox.ports=a", Env: []string{"OFBOX_STACK=x"}}, `OFBOX_STACK="x": want host or gvisor`},
		{Sources{Role: RoleSwitch, Cmdline: "ofbox.ports=a", Env: []string{"OFBOX_STACK=x"}, Args: []string{"--stack", "y"}}, `--stack "y": want host or gvisor`},
	} {
		_, err := Load(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%+v) = %v; want an error with %q", tc.src, err, tc.want)
		}
	}
}

// TestLoadHelp writes the usage of the role's flags and yields flag.ErrHelp.
func TestLoadHelp(t *testing.T) {
	var usage bytes.Buffer
	_, err := Load(Sources{Role: RoleController, Args: []string{"-h"}, Usage: &usage})
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("Load(-h) = %v; want flag.ErrHelp", err)
	}
	for _, want := range []string{"usage: ofbox controller", "-packet-in-rate", "(default l2learning)", "-stack"} {
		if !strings.Contains(usage.String(), want) {
			t.Errorf("usage has no %q:\n%s", want, usage.String())
		}
	}
	if strings.Contains(usage.String(), "-ports") || strings.Contains(usage.String(), "-mgmt") {
		t.Errorf("controller usage offers a switch or VM key:\n%s", usage.String())
	}
}

// TestEnvNames checks the env var names the keys have.
func TestEnvNames(t *testing.T) {
	for name, want := range map[string]string{"role": "OFBOX_ROLE", "fail-mode": "OFBOX_FAIL_MODE", "packet-in-rate": "OFBOX_PACKET_IN_RATE"} {
		if got := envName(name); got != want {
			t.Errorf("envName(%q) = %q; want %q", name, got, want)
		}
	}
}
