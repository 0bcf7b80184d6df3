package testnet

import (
	"os"
	"os/exec"
	"testing"
)

// RequireRoot skips t, with the reason, unless the test runs as root. When
// the environment variable CI is set it fails t instead: CI runs as root and
// installs every tool, so a skip there would hide a broken set-up.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		skipOrFatal(t, "testnet: needs root for network namespaces (euid %d); run go test as root", os.Geteuid())
	}
}

// RequireTools skips t (fails it when CI is set) unless every named program
// is on PATH.
func RequireTools(t testing.TB, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		skipOrFatal(t, "testnet: missing tools %q on PATH (Debian packages: %s)", missing, packagesFor(missing))
	}
}

// RequireOVS is RequireRoot plus RequireTools for everything StartOVS and
// the OVS helpers run.
func RequireOVS(t testing.TB) {
	t.Helper()
	RequireRoot(t)
	RequireTools(t, "ip", "ovsdb-tool", "ovsdb-server", "ovs-vswitchd", "ovs-vsctl", "ovs-ofctl", "ovs-appctl")
	if _, err := os.Stat(ovsSchema); err != nil {
		skipOrFatal(t, "testnet: no Open vSwitch schema (Debian package openvswitch-switch): %v", err)
	}
}

func skipOrFatal(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+" (CI is set, so this fails instead of skipping)", args...)
	}
	t.Skipf(format, args...)
}

// toolPackages names the Debian package of each tool the helpers run.
var toolPackages = map[string]string{
	"ip":                 "iproute2",
	"ping":               "iputils-ping",
	"ethtool":            "ethtool",
	"iperf3":             "iperf3",
	"ovsdb-tool":         "openvswitch-common",
	"ovsdb-server":       "openvswitch-common",
	"ovs-ofctl":          "openvswitch-common",
	"ovs-appctl":         "openvswitch-common",
	"ovs-vswitchd":       "openvswitch-switch",
	"ovs-vsctl":          "openvswitch-switch",
	"ovs-testcontroller": "openvswitch-testcontroller",
	"tshark":             "tshark",
}

func packagesFor(tools []string) string {
	s, seen := "", map[string]bool{}
	for _, tool := range tools {
		p, ok := toolPackages[tool]
		if !ok {
			p = "?"
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if s != "" {
			s += " "
		}
		s += p
	}
	return s
}
