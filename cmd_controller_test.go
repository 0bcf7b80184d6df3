package main

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/openflow"
)

func TestControllerBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"--app", "router"}, `--app "router": want one of l2learning, hub`},
		{[]string{"--of", "1.4"}, `--of "1.4": unknown version "1.4"; want 1.3, 1.0 or both`},
		{[]string{"--log", "loud"}, `--log "loud": want one of debug, info, warn, error`},
		{[]string{"--packet-in-rate", "-5"}, `--packet-in-rate "-5": want a number of packet-ins per second, or 0 for no limit`},
		{[]string{"--packet-in-rate", "fast"}, `--packet-in-rate "fast": want a number of packet-ins per second`},
		{[]string{"--listen", "udp:1.2.3.4:5"}, `--listen "udp:1.2.3.4:5": unknown scheme; want tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST]`},
		{[]string{"--ports", "eth1"}, `flag provided but not defined: -ports`},
		{[]string{"--stack", "gvisor"}, `--stack "gvisor" needs --nic: tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE`},
		{[]string{"--ip", "10.0.0.2/24"}, `--ip "10.0.0.2/24": only the gvisor stack uses it`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var stdout, stderr bytes.Buffer
		if code := runController(tc.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("runController(%q) = %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestControllerServes runs the command on two loopback listeners, checks
// that each greets a switch with an OpenFlow HELLO, and stops it.
func TestControllerServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- controllerMain(ctx, []string{"--listen", "tcp:127.0.0.1:0", "--listen", "ptcp:0:127.0.0.1", "--app", "hub", "--of", "1.0"}, &stdout, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(stdout.String(), "\n") {
		if time.Now().After(deadline) {
			t.Fatalf("no listening line; stderr %q", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	line := stdout.String()
	const prefix = "ofbox controller: listening on "
	if !strings.HasPrefix(line, prefix) || !strings.HasSuffix(line, " (app hub, OpenFlow 1.0)\n") {
		t.Fatalf("stdout %q; want %q...(app hub, OpenFlow 1.0)", line, prefix)
	}
	addrs := strings.Split(strings.SplitN(strings.TrimPrefix(line, prefix), " (", 2)[0], ", ")
	if len(addrs) != 2 {
		t.Fatalf("listening on %q; want two addresses", addrs)
	}
	for _, a := range addrs {
		nc, err := net.Dial("tcp", a)
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		h, _, err := openflow.NewFrameReader(nc).ReadFrame()
		if err != nil || h.Type != openflow.TypeHello || h.Version != openflow.Version10 {
			t.Errorf("%s greets with %v, %v; want an OpenFlow 1.0 HELLO", a, h, err)
		}
		nc.Close()
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("controller exit %d; want 0; stderr %q", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("controller did not stop")
	}
}
