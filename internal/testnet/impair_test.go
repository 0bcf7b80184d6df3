package testnet

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// TestIntegrationLink: frames cross a Link both ways; with loss 1 or cut,
// none do; with a delay, the round trip takes twice that at least.
func TestIntegrationLink(t *testing.T) {
	RequireRoot(t)
	RequireTools(t, "ip", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, b := NewNS(t, "la"), NewNS(t, "lb")
	l := NewLink(t, a, "tap0", b, "tap0")
	a.AddAddr("tap0", "10.98.0.1/24")
	b.AddAddr("tap0", "10.98.0.2/24")
	if err := Ping(ctx, a, "10.98.0.2", 3); err != nil {
		t.Fatal(err)
	}
	once := func() error {
		_, err := a.Exec(ctx, "ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "10.98.0.2")
		return err
	}
	l.SetLoss(1)
	if err := once(); err == nil {
		t.Error("ping crossed a link that loses every frame")
	}
	l.SetLoss(0)
	l.Cut()
	if err := once(); err == nil {
		t.Error("ping crossed a cut link")
	}
	l.Restore()
	l.SetDelay(150 * time.Millisecond)
	out, err := a.Exec(ctx, "ping", "-n", "-c", "1", "-W", "3", "10.98.0.2")
	if err != nil {
		t.Fatalf("ping over a delayed link: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`time=([0-9.]+) ms`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no round trip time in\n%s", out)
	}
	if rtt, _ := strconv.ParseFloat(m[1], 64); rtt < 300 {
		t.Errorf("round trip %.1f ms over a link that delays each way 150 ms; want at least 300", rtt)
	}
	passed, dropped := l.Counts()
	if passed == 0 || dropped == 0 {
		t.Errorf("Counts() = %d passed, %d dropped; want both", passed, dropped)
	}
}
