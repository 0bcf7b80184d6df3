package appliance

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/testnet"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of13"
)

// field returns the value of key=value word key in details.
func field(details, key string) string {
	for _, w := range strings.Fields(details) {
		if v, ok := strings.CutPrefix(w, key+"="); ok {
			return v
		}
	}
	return ""
}

// start runs cfg in the background until the test ends, then cancels it
// and wants nil. It returns a function that waits for the ready details
// ("ROLE k=v ...") and the role's stdout, to be read once it is ready: the
// roles write it before they call Ready and not after.
func start(t *testing.T, cfg Config) (waitReady func() string, stdout *bytes.Buffer) {
	t.Helper()
	rc := make(chan string, 1)
	cfg.Ready = func(role, details string) { rc <- role + " " + details }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	stdout = &bytes.Buffer{}
	go func() { done <- Run(ctx, cfg, stdout, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run(%s) = %v after cancel; want nil", cfg.Role, err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Run(%s) did not end after cancel", cfg.Role)
		}
	})
	return func() string {
		t.Helper()
		select {
		case d := <-rc:
			return d
		case err := <-done:
			done <- err // for the cleanup
			t.Fatalf("Run(%s) ended before it was ready: %v", cfg.Role, err)
		case <-time.After(10 * time.Second):
			t.Fatalf("Run(%s) not ready after 10 s", cfg.Role)
		}
		return ""
	}, stdout
}

// TestRunController runs the controller on the host stack over loopback
// and has a fake switch exchange HELLOs with it: the controller then asks
// for its features.
func TestRunController(t *testing.T) {
	waitReady, stdout := start(t, Config{Role: RoleController, Listens: []string{"tcp:127.0.0.1:0"}, App: "hub"})
	details := waitReady()
	if !strings.HasPrefix(details, "controller listen=127.0.0.1:") || !strings.Contains(details, " app=hub of=1.3,1.0 stack=host") {
		t.Errorf("ready details %q; want controller listen=127.0.0.1:PORT app=hub of=1.3,1.0 stack=host", details)
	}
	if out := stdout.String(); !strings.HasPrefix(out, "ofbox controller: listening on 127.0.0.1:") || !strings.HasSuffix(out, "(app hub, OpenFlow 1.3, 1.0)\n") {
		t.Errorf("stdout %q; want the listening line", out)
	}
	nc, err := net.Dial("tcp", field(details, "listen"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	fr := openflow.NewFrameReader(nc)
	if h, _, err := fr.ReadFrame(); err != nil || h.Type != openflow.TypeHello || h.Version != openflow.Version13 {
		t.Fatalf("controller greets with %v, %v; want an OpenFlow 1.3 HELLO", h, err)
	}
	hello, _ := openflow.Header{Version: openflow.Version13, Type: openflow.TypeHello, Length: openflow.HeaderLen, Xid: 1}.AppendBinary(nil)
	if _, err := nc.Write(hello); err != nil {
		t.Fatal(err)
	}
	if h, _, err := fr.ReadFrame(); err != nil || h.Type != uint8(of13.TypeFeaturesRequest) {
		t.Errorf("after the HELLOs the controller sends %v, %v; want a FEATURES_REQUEST", h, err)
	}
}

// TestRunErrors checks what Run reports for a bad Config and for
// resources it cannot have.
func TestRunErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, `role="": want controller or switch`},
		{Config{Role: RoleController, App: "router"}, `app="router": want one of l2learning, hub`},
		{Config{Role: RoleSwitch}, "ports is required"},
		{Config{Role: RoleController, Stack: StackGVisor}, `stack="gvisor" needs nic`},
		{Config{Role: RoleController, Listens: []string{"tcp:" + busy.Addr().String()}}, "listen tcp:" + busy.Addr().String() + ": "},
		{Config{Role: RoleSwitch, Ports: []Port{{1, "ofbx-missing0"}}}, "port 1=ofbx-missing0: "},
		{Config{Role: RoleSwitch, Ports: []Port{{1, "lo"}}, Listens: []string{"ptcp:0:127.0.0.1", "tcp:" + busy.Addr().String()}}, "listen tcp:"},
	} {
		err := Run(context.Background(), tc.cfg, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Run(%+v) = %v; want an error with %q", tc.cfg, err, tc.want)
		}
	}
}

// TestIntegrationRunRoles runs both roles in this process on the host
// stack: a switch between two host namespaces, connected over loopback to
// an l2learning controller, forwards their pings.
func TestIntegrationRunRoles(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ip", "ping", "ethtool")
	h := testnet.Hosts(t, nil, 2, false)
	ctlReady, _ := start(t, Config{Role: RoleController, Listens: []string{"tcp:127.0.0.1:0"}})
	ctl := "tcp:" + field(ctlReady(), "listen")
	swReady, stdout := start(t, Config{Role: RoleSwitch, DPID: 0x2a, Ports: []Port{{1, h[0].Port}, {2, h[1].Port}}, Controllers: []string{ctl}})
	sd := swReady()
	want := "switch dpid=0x2a ports=1=" + h[0].Port + ",2=" + h[1].Port + " controller=" + ctl + " listen= fail-mode=secure of=1.3,1.0 stack=host"
	if sd != want {
		t.Errorf("switch ready details %q; want %q", sd, want)
	}
	if !strings.HasPrefix(stdout.String(), "ofbox switch: ready dpid 0x2a ports 1=") {
		t.Errorf("switch stdout %q; want its ready line", stdout.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
		t.Fatalf("h1 ping h2 through the switch under the controller: %v", err)
	}
}
