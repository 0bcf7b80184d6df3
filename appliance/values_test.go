package appliance

import (
	"strings"
	"testing"
)

func TestListenAddr(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
		tls  bool
	}{
		{"tcp:127.0.0.1:6653", "127.0.0.1:6653", false},
		{"tcp::6653", ":6653", false},
		{"tcp:[::1]:6653", "[::1]:6653", false},
		{"ptcp:6653", ":6653", false},
		{"ptcp:6653:127.0.0.1", "127.0.0.1:6653", false},
		{"ptcp:6653:[::1]", "[::1]:6653", false},
		{"tcp:localhost:0", "localhost:0", false},
		{"tls:127.0.0.1:6653", "127.0.0.1:6653", true},
		{"tls::6653", ":6653", true},
		{"ssl:127.0.0.1:6653", "127.0.0.1:6653", true},
		{"ptls:6653", ":6653", true},
		{"ptls:6653:[::1]", "[::1]:6653", true},
		{"pssl:6653:127.0.0.1", "127.0.0.1:6653", true},
		{"tcp:127.0.0.1", "", false},
		{"tls:127.0.0.1", "", false},
		{"tcp:127.0.0.1:http", "", false},
		{"tcp:127.0.0.1:70000", "", false},
		{"ptls:", "", false},
		{"ptcp:", "", false},
		{"tlsx:1.2.3.4:5", "", false},
		{"127.0.0.1:6653", "", false},
	} {
		got, err := listenAddr(tc.in)
		if got.addr != tc.want || got.tls != tc.tls || (err == nil) != (tc.want != "") {
			t.Errorf("listenAddr(%q) = %+v, %v; want %q tls %v", tc.in, got, err, tc.want, tc.tls)
		}
		if err != nil && !strings.Contains(err.Error(), wantListen) {
			t.Errorf("listenAddr(%q) = %v; want an error that says %q", tc.in, err, wantListen)
		}
	}
}

func TestControllerAddr(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
		tls  bool
	}{
		{"tcp:10.0.0.1:6653", "10.0.0.1:6653", false},
		{"tls:10.0.0.1:6653", "10.0.0.1:6653", true},
		{"ssl:[fd00::1]:6653", "[fd00::1]:6653", true},
		{"ptcp:6653", "", false},
		{"ptls:6653", "", false},
		{"tls:10.0.0.1", "", false},
	} {
		got, err := controllerAddr(tc.in)
		if got.addr != tc.want || got.tls != tc.tls || (err == nil) != (tc.want != "") {
			t.Errorf("controllerAddr(%q) = %+v, %v; want %q tls %v", tc.in, got, err, tc.want, tc.tls)
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
