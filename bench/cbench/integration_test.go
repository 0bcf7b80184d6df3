package cbench

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

// TestIntegrationTestcontroller loads the real C reference controller,
// ovs-testcontroller, for a second per mode and version.
func TestIntegrationTestcontroller(t *testing.T) {
	bin, err := exec.LookPath("ovs-testcontroller")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-testcontroller not found (CI installs openvswitch-testcontroller): %v", err)
		}
		t.Skip("ovs-testcontroller not installed (Debian package openvswitch-testcontroller)")
	}
	for _, v := range versions {
		t.Run(v.String(), func(t *testing.T) {
			addr := startTestcontroller(t, bin, v)
			for _, m := range []Mode{Throughput, Latency} {
				cfg := Config{Addr: addr, Switches: 4, MACs: 100, Mode: m, Version: v,
					Duration: time.Second, Warmup: 200 * time.Millisecond, Interval: 200 * time.Millisecond}
				res, err := Run(context.Background(), cfg, nil)
				if err != nil {
					t.Fatalf("Run(%s) against ovs-testcontroller: %v", m, err)
				}
				if res.Responses == 0 || res.Avg <= 0 {
					t.Errorf("Run(%s) against ovs-testcontroller = %d responses, avg %v/s; want some", m, res.Responses, res.Avg)
				}
				t.Logf("%s %s: %.0f responses/s (%d responses, %d round trips, %d timeouts, %d errors)",
					v, m, res.Avg, res.Responses, res.RoundTrips, res.Timeouts, res.Errors)
			}
		})
	}
}

// startTestcontroller runs ovs-testcontroller for v on a free loopback
// port, stops it (by its PID) when the test ends, and returns its address.
func startTestcontroller(t *testing.T, bin string, v openflow.Version) string {
	t.Helper()
	dir := t.TempDir()
	proto := map[openflow.Version]string{openflow.Version10: "OpenFlow10", openflow.Version13: "OpenFlow13"}[v]
	for range 5 {
		port := freePort(t)
		cmd := exec.Command(bin, "-O", proto, "-vconsole:warn", "--unixctl="+filepath.Join(dir, "tc.ctl"),
			"ptcp:"+strconv.Itoa(port)+":127.0.0.1")
		cmd.Dir = dir
		log, err := os.Create(filepath.Join(dir, "tc.log"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdout, cmd.Stderr = log, log
		if err := cmd.Start(); err != nil {
			t.Fatalf("start ovs-testcontroller: %v", err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); log.Close(); close(exited) }()
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited })
				return addr
			}
			select {
			case <-exited:
				deadline = time.Time{} // port taken or bad flags: try another port
			case <-time.After(50 * time.Millisecond):
			}
		}
		_ = cmd.Process.Kill()
		<-exited
		b, _ := os.ReadFile(filepath.Join(dir, "tc.log"))
		t.Logf("ovs-testcontroller did not listen on %s:\n%s", addr, b)
	}
	t.Fatalf("ovs-testcontroller did not start")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
