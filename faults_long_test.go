//go:build long

// Fault injection against the real processes, behind `make test-long`:
// the controller killed under traffic, and the control link lossy, slow
// and cut. They need root (namespaces, TAPs, AF_PACKET ports).

package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// TestFaultControllerKill: an ofbox controller (l2learning) is killed with
// SIGKILL while h1 pings h2 through an ofbox switch in fail-secure mode.
// The pings go on over the flows the controller installed; the switch
// retries the controller with a growing backoff; once a new controller
// starts, the switch reconnects, the controller sees it join, the old
// flows are still there, and a host the old controller never saw (h3) is
// learned by the new one.
func TestFaultControllerKill(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ping", "ethtool", "ovs-ofctl")
	ofbox := ofboxbin.Path(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sw := testnet.NewNS(t, "sw")
	h := testnet.Hosts(t, sw, 3, false)
	controller := func() *testnet.Proc {
		p := testnet.Start(t, sw, ofbox, "controller", "--listen", "tcp:127.0.0.1:6653", "--app", "l2learning")
		if err := testnet.WaitListen(ctx, sw, "127.0.0.1:6653"); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ctl := controller()
	s := testnet.Start(t, sw, ofbox, "switch", "--ports", h[0].Port+","+h[1].Port+","+h[2].Port,
		"--controller", "tcp:127.0.0.1:6653", "--listen", "ptcp:6634:127.0.0.1", "--fail-mode", "secure", "--log", "debug")
	if err := s.WaitOutput(ctx, "connection up"); err != nil {
		t.Fatal(err)
	}
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 3); err != nil {
		t.Fatalf("h1 -> h2 under the first controller: %v", err)
	}

	// Steady traffic for the whole outage: 10 pings a second.
	const seconds = 14
	pinger := testnet.Start(t, h[0].NS, "ping", "-n", "-i", "0.1", "-w", strconv.Itoa(seconds), h[1].IP)
	time.Sleep(time.Second)
	ctl.Kill()
	killed := time.Now()
	if err := s.WaitOutput(ctx, "connection down"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second) // the switch retries at +1 s and +3 s; the next at +7 s
	ctl2 := controller()
	if err := waitCount(ctx, s, "connection up", 2); err != nil {
		t.Fatal(err)
	}
	reconnected := time.Since(killed)
	if err := ctl2.WaitOutput(ctx, "datapath joined"); err != nil {
		t.Fatalf("the new controller did not see the switch join: %v", err)
	}
	if err := pinger.Wait(ctx); err != nil {
		t.Errorf("steady ping across the outage: %v\n%s", err, pinger.Output())
	}
	sent, got := pingCounts(t, pinger.Output())
	t.Logf("steady ping h1 -> h2 across the kill and the reconnect (%.1f s after the kill): %d sent, %d answered",
		reconnected.Seconds(), sent, got)
	if got < sent*95/100 {
		t.Errorf("only %d of %d pings answered while the controller was down; fail-secure should keep forwarding", got, sent)
	}

	// Backoff: the failed dials come further apart each time.
	var dials []time.Time
	for _, l := range strings.Split(s.Output(), "\n") {
		if strings.Contains(l, "controller unreachable") {
			if ts, ok := logTime(l); ok {
				dials = append(dials, ts)
			}
		}
	}
	if len(dials) < 2 {
		t.Errorf("%d failed dials logged while the controller was down; want at least 2\n%s", len(dials), s.Output())
	} else {
		first, second := dials[0].Sub(killed), dials[1].Sub(dials[0])
		t.Logf("failed dials at +%v and +%v after the kill", first.Round(10*time.Millisecond), dials[1].Sub(killed).Round(10*time.Millisecond))
		if second < first*3/2 {
			t.Errorf("dials at +%v then %v later: want a growing backoff", first, second)
		}
	}

	// The flows survived, and the new controller learns a new host.
	out, err := sw.Exec(ctx, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:6634")
	if err != nil || !strings.Contains(out, "dl_dst="+h[1].MAC.String()) {
		t.Errorf("after the reconnect the learned flows are gone (%v):\n%s", err, out)
	}
	if err := testnet.Ping(ctx, h[2].NS, h[0].IP, 3); err != nil {
		t.Errorf("h3 -> h1 under the new controller: %v", err)
	}
	if !strings.Contains(ctl2.Output(), "datapath joined") {
		t.Errorf("new controller log:\n%s", ctl2.Output())
	}
}

// TestFaultControlLinkImpaired: the switch reaches its controller over a
// link the test carries (testnet.Link: this kernel has no netem). With 10%
// loss and 50 ms each way the session comes up and h1 and h2 talk through
// the switch; cut for longer than the echo timeout, the switch declares
// the controller dead and goes on forwarding on its flows; restored, it
// reconnects and the controller sees it join again.
func TestFaultControlLinkImpaired(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "ping", "ethtool")
	ofbox := ofboxbin.Path(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sw, cns := testnet.NewNS(t, "sw"), testnet.NewNS(t, "ctl")
	h := testnet.Hosts(t, sw, 2, false)
	link := testnet.NewLink(t, sw, "ctl0", cns, "ctl0")
	sw.AddAddr("ctl0", "10.99.0.2/24")
	cns.AddAddr("ctl0", "10.99.0.1/24")
	link.SetLoss(0.10)
	link.SetDelay(50 * time.Millisecond)

	ctl := testnet.Start(t, cns, ofbox, "controller", "--listen", "tcp:10.99.0.1:6653", "--app", "l2learning")
	if err := testnet.WaitListen(ctx, cns, "10.99.0.1:6653"); err != nil {
		t.Fatal(err)
	}
	s := testnet.Start(t, sw, ofbox, "switch", "--ports", h[0].Port+","+h[1].Port,
		"--controller", "tcp:10.99.0.1:6653", "--fail-mode", "secure")
	if err := s.WaitOutput(ctx, "connection up"); err != nil {
		t.Fatal(err)
	}
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
		t.Fatalf("h1 -> h2 with the control link at 10%% loss, 50 ms: %v", err)
	}
	passed, dropped := link.Counts()
	t.Logf("lossy control link: session up, h1 <-> h2 learned; %d frames passed, %d dropped", passed, dropped)

	link.SetLoss(0)
	link.SetDelay(0)
	link.Cut()
	cutAt := time.Now()
	if err := s.WaitOutput(ctx, "connection down"); err != nil {
		t.Fatalf("the switch never gave up on a cut control link: %v", err)
	}
	t.Logf("cut: the switch dropped the session after %v", time.Since(cutAt).Round(100*time.Millisecond))
	if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
		t.Errorf("h1 -> h2 while the control link is cut (fail-secure): %v", err)
	}
	link.Restore()
	restored := time.Now()
	if err := waitCount(ctx, s, "connection up", 2); err != nil {
		t.Fatal(err)
	}
	if err := waitCount(ctx, ctl, "datapath joined", 2); err != nil {
		t.Fatal(err)
	}
	t.Logf("restored: reconnected after %v", time.Since(restored).Round(100*time.Millisecond))
	if err := testnet.Ping(ctx, h[1].NS, h[0].IP, 3); err != nil {
		t.Errorf("h2 -> h1 after the reconnect: %v", err)
	}
}

// pingCounts reads ping's summary: packets transmitted and received.
func pingCounts(t *testing.T, out string) (sent, got int) {
	t.Helper()
	m := regexp.MustCompile(`(\d+) packets transmitted, (\d+) received`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no ping summary in\n%s", out)
	}
	sent, _ = strconv.Atoi(m[1])
	got, _ = strconv.Atoi(m[2])
	return sent, got
}

// logTime reads the time= field of a log line in slog's text form.
func logTime(line string) (time.Time, bool) {
	i := strings.Index(line, "time=")
	if i < 0 {
		return time.Time{}, false
	}
	f := strings.Fields(line[i+len("time="):])
	if len(f) == 0 {
		return time.Time{}, false
	}
	ts, err := time.Parse(time.RFC3339Nano, f[0])
	return ts, err == nil
}
