package testnet

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// StartTestController runs the package-level StartTestController in NS,
// where the bridges' controller targets on 127.0.0.1 reach it.
func (o *OVS) StartTestController(t testing.TB, target string, protocols ...string) *Proc {
	t.Helper()
	return StartTestController(t, o.NS, target, protocols...)
}

// StartTestController starts ovs-testcontroller in ns (nil: the root)
// listening on target ("ptcp:6653:127.0.0.1"), allowing the given OpenFlow
// versions ("OpenFlow13"; none: all it knows), and waits until it accepts
// connections. It learns MACs and installs exact-match flows (idle timeout
// 60 s). Its control socket goes to a private directory.
func StartTestController(t testing.TB, ns *NS, target string, protocols ...string) *Proc {
	t.Helper()
	RequireTools(t, "ovs-testcontroller")
	dir, err := os.MkdirTemp("", "ofbox-tc-") // unix socket paths must stay short
	if err != nil {
		t.Fatalf("testnet: ovs-testcontroller: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	args := []string{"ovs-testcontroller", "--no-chdir", "-vconsole:info",
		"--unixctl=" + filepath.Join(dir, "ovs-testcontroller.ctl")}
	if len(protocols) > 0 {
		args = append(args, "-O", strings.Join(protocols, ","))
	}
	cmd := ns.Command(context.Background(), append(args, target)...)
	cmd.Env = ovsEnv(dir)
	p := StartCmd(t, cmd)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if addr, ok := passiveAddr(target); ok {
		if err := WaitListen(ctx, ns, addr); err != nil {
			t.Fatalf("testnet: ovs-testcontroller: %v\n%s", err, p.Output())
		}
	}
	return p
}

// passiveAddr turns an Open vSwitch passive target, "ptcp:PORT[:IP]", into
// the address to dial ("IP:PORT", 127.0.0.1 when IP is absent).
func passiveAddr(target string) (string, bool) {
	rest, ok := strings.CutPrefix(target, "ptcp:")
	if !ok {
		return "", false
	}
	port, ip, _ := strings.Cut(rest, ":")
	if port == "" {
		port = "6653"
	}
	if ip == "" || ip == "0.0.0.0" {
		ip = "127.0.0.1"
	}
	return net.JoinHostPort(strings.Trim(ip, "[]"), port), true
}

// WaitListen waits until a TCP connection to addr from the namespace ns
// succeeds, for servers that say nothing when ready.
func WaitListen(ctx context.Context, ns *NS, addr string) error {
	for {
		err := ns.Do(func() error {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
			}
			return err
		})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s in %s to listen: %w (%v)", addr, ns, ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
