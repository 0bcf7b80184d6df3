package testnet

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIfName(t *testing.T) {
	for _, prefix := range []string{"", "s1-", "a-rather-long-prefix"} {
		a, b := IfName(prefix), IfName(prefix)
		if len(a) > 15 || a == b || !strings.HasPrefix(a, prefix[:min(len(prefix), 9)]) {
			t.Errorf("IfName(%q) = %q, %q; want distinct names of at most 15 bytes with the prefix", prefix, a, b)
		}
	}
}

func TestProgName(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"/usr/sbin/ovs-vswitchd", "unix:x"}, "ovs-vswitchd"},
		{[]string{"ip", "netns", "exec", "ofbox-h1-1-abc", "iperf3", "-s"}, "iperf3"},
		{[]string{"/bin/ip", "link"}, "ip"},
	}
	for _, tt := range tests {
		if got := progName(tt.args); got != tt.want {
			t.Errorf("progName(%q) = %q; want %q", tt.args, got, tt.want)
		}
	}
}

func TestTail(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"line1\nline2\nline3\n", 8, "...\nline3\n"},
	}
	for _, tt := range tests {
		if got := tail(tt.s, tt.n); got != tt.want {
			t.Errorf("tail(%q, %d) = %q; want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

func TestPackagesFor(t *testing.T) {
	got := packagesFor([]string{"ovs-vsctl", "ovs-vswitchd", "iperf3", "nope"})
	if want := "openvswitch-switch iperf3 ?"; got != want {
		t.Errorf("packagesFor(...) = %q; want %q", got, want)
	}
}

func TestParseIperf(t *testing.T) {
	tests := []struct {
		out     string
		want    TCPResult
		wantErr string
	}{
		{`{"end":{"sum_sent":{"bytes":1000,"seconds":0.5,"bits_per_second":16000,"retransmits":2},"sum_received":{"bytes":900}}}`,
			TCPResult{Sent: 1000, Received: 900, Seconds: 0.5, BitsPerSecond: 16000, Retransmits: 2}, ""},
		{`{"start":{},"end":{},"error":"unable to connect to server: Connection refused"}`, TCPResult{}, "iperf3: unable to connect"},
		{``, TCPResult{}, "parse iperf3 json"},
	}
	for _, tt := range tests {
		got, err := parseIperf([]byte(tt.out))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("parseIperf(%q) diff (-want +got):\n%s", tt.out, diff)
		}
		if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("parseIperf(%q) error = %v; want %q", tt.out, err, tt.wantErr)
		}
	}
}

func TestBridgeArgs(t *testing.T) {
	tests := []struct {
		b    Bridge
		want string
	}{
		{Bridge{}, "add-br br0 -- set Bridge br0 datapath_type=netdev"},
		{Bridge{Protocols: []string{"OpenFlow13", "OpenFlow10"}, FailMode: "secure", DatapathID: 1,
			Controllers: []string{"tcp:127.0.0.1:6653"}},
			"add-br br0 -- set Bridge br0 datapath_type=netdev protocols=OpenFlow13,OpenFlow10 fail_mode=secure " +
				"other_config:datapath-id=0000000000000001 " +
				`-- --id=@c0 create Controller target="tcp:127.0.0.1:6653" connection_mode=out-of-band max_backoff=1000 ` +
				"-- set Bridge br0 controller=[@c0]"},
	}
	for _, tt := range tests {
		if got := strings.Join(bridgeArgs("br0", tt.b), " "); got != tt.want {
			t.Errorf("bridgeArgs(br0, %+v) = %s; want %s", tt.b, got, tt.want)
		}
	}
}

func TestPassiveAddr(t *testing.T) {
	tests := []struct {
		target, want string
		ok           bool
	}{
		{"ptcp:6653:127.0.0.1", "127.0.0.1:6653", true},
		{"ptcp:6634", "127.0.0.1:6634", true},
		{"ptcp:", "127.0.0.1:6653", true},
		{"ptcp:6653:[::1]", "[::1]:6653", true},
		{"tcp:127.0.0.1:6653", "", false},
	}
	for _, tt := range tests {
		if got, ok := passiveAddr(tt.target); got != tt.want || ok != tt.ok {
			t.Errorf("passiveAddr(%q) = %q, %v; want %q, %v", tt.target, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRconnStates(t *testing.T) {
	log := `2026-11-23T20:17:45.470Z|00046|rconn|WARN|br0<->tcp:127.0.0.1:6653: connection failed (Connection refused)
2026-11-23T20:17:46.470Z|00052|rconn|INFO|br0<->tcp:127.0.0.1:6653: connecting...
2026-11-23T20:17:46.747Z|00053|rconn|INFO|br0<->tcp:127.0.0.1:6653: connected
2026-11-23T20:17:46.748Z|00054|rconn|INFO|br1<->tcp:127.0.0.1:6654: connected
2026-11-23T20:17:46.749Z|00055|rconn|INFO|br0<->tcp:127.0.0.1:6655: connected
2026-11-23T20:17:50.476Z|00056|rconn|INFO|br0<->tcp:127.0.0.1:6655: connection closed by peer
2026-11-23T20:17:50.479Z|00057|netdev_linux|WARN|error receiving Ethernet packet on s2: Network is down
`
	got := rconnStates(log, "br0")
	want := map[string]string{"tcp:127.0.0.1:6653": "connected", "tcp:127.0.0.1:6655": "connection closed by peer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rconnStates(log, br0) diff (-want +got):\n%s", diff)
	}
}
