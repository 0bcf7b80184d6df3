package appliance

import (
	"strings"
	"testing"
)

func TestListenAddr(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"tcp:127.0.0.1:6653", "127.0.0.1:6653"},
		{"tcp::6653", ":6653"},
		{"tcp:[::1]:6653", "[::1]:6653"},
		{"ptcp:6653", ":6653"},
		{"ptcp:6653:127.0.0.1", "127.0.0.1:6653"},
		{"ptcp:6653:[::1]", "[::1]:6653"},
		{"tcp:localhost:0", "localhost:0"},
		{"tcp:127.0.0.1", ""},
		{"tcp:127.0.0.1:http", ""},
		{"tcp:127.0.0.1:70000", ""},
		{"ssl:127.0.0.1:6653", ""},
		{"ptcp:", ""},
		{"127.0.0.1:6653", ""},
	} {
		got, err := listenAddr(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("listenAddr(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParsePorts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "1=a,2=b", or "" for an error
	}{
		{"veth1,veth2", "1=veth1,2=veth2"},
		{"1=veth1,2=veth2", "1=veth1,2=veth2"},
		{"5=a,7=b", "5=a,7=b"},
		{"0x10=a", "16=a"},
		{"65280=a", "65280=a"},
		{"a,a", ""},
		{"1=a,1=b", ""},
		{"0=a", ""},
		{"65281=a", ""},
		{"x=a", ""},
		{"a,,b", ""},
		{"1=", ""},
		{"a:1", ""},
		{"averyveryverylongname", ""},
	} {
		ps, err := parsePorts(tc.in)
		if s := join(ps); s != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("parsePorts(%q) = %q, %v; want %q", tc.in, s, err, tc.want)
		}
	}
}

func TestCheckNIC(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"tap:ofbox0", true},
		{"packet:eth0", true},
		{"dgram:127.0.0.1:5000,127.0.0.1:5001", true},
		{"dgram:[::1]:5000,[::1]:5001", true},
		{"dgram:127.0.0.1:5000", false},
		{"dgram:127.0.0.1,127.0.0.1:5001", false},
		{"dgram:127.0.0.1:x,127.0.0.1:5001", false},
		{"tap:", false},
		{"packet:a/b", false},
		{"eth0", false},
		{"", false},
	} {
		err := checkNIC(tc.in)
		if (err == nil) != tc.ok || (err != nil && !strings.Contains(err.Error(), wantNIC)) {
			t.Errorf("checkNIC(%q) = %v; want ok %v", tc.in, err, tc.ok)
		}
	}
}
