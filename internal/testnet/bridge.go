package testnet

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Bridge configures AddBridge. The zero value is a standalone bridge that
// speaks every OpenFlow version OVS knows, without controller.
type Bridge struct {
	Protocols   []string // "OpenFlow13", "OpenFlow10"; empty: OVS's default
	FailMode    string   // "secure" or "standalone"; empty: standalone
	Controllers []string // "tcp:127.0.0.1:6653", in the OVS namespace
	DatapathID  uint64   // 0: derived by OVS from the bridge's MAC
}

// bridgeArgs is the ovs-vsctl transaction that creates the bridge: userspace
// datapath (no kernel module), controllers out of band (no hidden in-band
// flows) and reconnecting within a second (the default backoff is 8 s).
func bridgeArgs(name string, b Bridge) []string {
	args := []string{"add-br", name, "--", "set", "Bridge", name, "datapath_type=netdev"}
	if len(b.Protocols) > 0 {
		args = append(args, "protocols="+strings.Join(b.Protocols, ","))
	}
	if b.FailMode != "" {
		args = append(args, "fail_mode="+b.FailMode)
	}
	if b.DatapathID != 0 {
		args = append(args, fmt.Sprintf("other_config:datapath-id=%016x", b.DatapathID))
	}
	var ids []string
	for i, c := range b.Controllers {
		id := "@c" + strconv.Itoa(i)
		ids = append(ids, id)
		args = append(args, "--", "--id="+id, "create", "Controller", "target="+strconv.Quote(c),
			"connection_mode=out-of-band", "max_backoff=1000")
	}
	if len(ids) > 0 {
		args = append(args, "--", "set", "Bridge", name, "controller=["+strings.Join(ids, ",")+"]")
	}
	return args
}

// AddBridge creates bridge name with the userspace datapath
// (datapath_type=netdev) and waits until ovs-vswitchd has applied it.
func (o *OVS) AddBridge(name string, b Bridge) {
	o.t.Helper()
	if _, err := o.Vsctl(bridgeArgs(name, b)...); err != nil {
		o.t.Fatalf("testnet: add bridge %s: %v", name, err)
	}
}

// AddPort attaches dev, a device in NS, to bridge with OpenFlow port number
// ofport (0: OVS picks) and returns the number it got.
func (o *OVS) AddPort(bridge, dev string, ofport int) int {
	o.t.Helper()
	args := []string{"add-port", bridge, dev}
	if ofport != 0 {
		args = append(args, "--", "set", "Interface", dev, "ofport_request="+strconv.Itoa(ofport))
	}
	if _, err := o.Vsctl(args...); err != nil {
		o.t.Fatalf("testnet: add port %s to %s: %v", dev, bridge, err)
	}
	out, err := o.Vsctl("get", "Interface", dev, "ofport")
	n, aerr := strconv.Atoi(strings.TrimSpace(out))
	if err != nil || aerr != nil || n <= 0 {
		o.t.Fatalf("testnet: add port %s to %s: ofport %q: %v %v", dev, bridge, out, err, aerr)
	}
	return n
}

// WaitConnected waits until ovs-vswitchd has connected bridge to each of
// its controllers (the latest word on each in its log is "connected"; the
// database's is_connected lags up to 5 s behind). After a controller
// restart it waits for the reconnection.
func (o *OVS) WaitConnected(ctx context.Context, bridge string) error {
	targets, err := o.controllers(bridge)
	if err != nil || len(targets) == 0 {
		return fmt.Errorf("wait for controllers of %s: none configured (%v)", bridge, err)
	}
	for {
		b, _ := os.ReadFile(filepath.Join(o.Dir, "ovs-vswitchd.log"))
		state := rconnStates(string(b), bridge)
		ok := true
		for _, tg := range targets {
			ok = ok && state[tg] == "connected"
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for controllers %q of %s: %w (last states %q)", targets, bridge, ctx.Err(), state)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// controllers returns the targets of bridge's controllers.
func (o *OVS) controllers(bridge string) ([]string, error) {
	out, err := o.Vsctl("--bare", "get", "Bridge", bridge, "controller")
	if err != nil {
		return nil, err
	}
	var targets []string
	for _, id := range strings.FieldsFunc(out, func(r rune) bool { return strings.ContainsRune("[], \n", r) }) {
		tg, err := o.Vsctl("--bare", "get", "Controller", id, "target")
		if err != nil {
			return nil, err
		}
		targets = append(targets, strings.Trim(strings.TrimSpace(tg), `"`))
	}
	return targets, nil
}

// rconnStates reads ovs-vswitchd's log and returns, for each controller
// target of bridge, the last thing rconn said about it ("connected",
// "connecting...", "connection closed by peer", ...).
func rconnStates(log, bridge string) map[string]string {
	state := map[string]string{}
	prefix := "|rconn|"
	for _, line := range strings.Split(log, "\n") {
		i := strings.Index(line, prefix)
		if i < 0 {
			continue
		}
		rest := line[i+len(prefix):] // INFO|br0<->tcp:127.0.0.1:6653: connected
		_, rest, _ = strings.Cut(rest, "|")
		name, rest, ok := strings.Cut(rest, "<->")
		if !ok || name != bridge {
			continue
		}
		// The target holds colons; the message follows the last ": ".
		j := strings.LastIndex(rest, ": ")
		if j < 0 {
			continue
		}
		state[rest[:j]] = rest[j+2:]
	}
	return state
}
