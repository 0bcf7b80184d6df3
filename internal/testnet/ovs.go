package testnet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const ovsSchema = "/usr/share/openvswitch/vswitch.ovsschema"

// OVS is a private Open vSwitch instance: ovsdb-server and ovs-vswitchd run
// in the foreground (stopped by PID in t.Cleanup) inside their own network
// namespace NS, with database, sockets, pid files and logs in one temporary
// directory. It never touches a system instance: every OVS tool the helpers
// run gets OVS_RUNDIR, OVS_DBDIR, OVS_LOGDIR and OVS_SYSCONFDIR set to that
// directory and an explicit socket.
//
// The namespace keeps the userspace datapath's own devices (the tap
// "ovs-netdev" and one tap per bridge, named after it) off the host, so
// several instances run side by side with the same bridge names, and gives
// each instance its own loopback: controllers listen on 127.0.0.1 there,
// on fixed ports, through NS.Command, Start or NS.Do.
type OVS struct {
	NS  *NS    // namespace of the daemons and of the bridge ports
	Dir string // run, db and log directory
	DB  string // database socket, "unix:DIR/db.sock"

	t        testing.TB
	dbServer *Proc
	vswitchd *Proc
}

// StartOVS creates the database with ovsdb-tool, starts ovsdb-server and
// ovs-vswitchd and waits until both answer. Bridges come with AddBridge.
func StartOVS(t testing.TB) *OVS {
	t.Helper()
	RequireOVS(t)
	ns := NewNS(t, "ovs")
	dir, err := os.MkdirTemp("", "ofbox-ovs-") // unix socket paths must stay short
	if err != nil {
		t.Fatalf("testnet: start ovs: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) }) // after the daemons stop (cleanups run last first)
	o := &OVS{NS: ns, Dir: dir, DB: "unix:" + filepath.Join(dir, "db.sock"), t: t}
	if out, err := o.cmd(context.Background(), "ovsdb-tool", "create", filepath.Join(dir, "conf.db"), ovsSchema).CombinedOutput(); err != nil {
		t.Fatalf("testnet: ovsdb-tool create: %v\n%s", err, out)
	}
	log := []string{"--no-chdir", "-vconsole:warn", "-vfile:info"}
	o.dbServer = StartCmd(t, o.Command(context.Background(), append([]string{"ovsdb-server", filepath.Join(dir, "conf.db"),
		"--remote=p" + o.DB, "--unixctl=" + filepath.Join(dir, "ovsdb-server.ctl"),
		"--log-file=" + filepath.Join(dir, "ovsdb-server.log")}, log...)...))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		if _, err := o.Vsctl("--no-wait", "init"); err == nil {
			break
		} else if o.dbServer.Exited() || ctx.Err() != nil {
			t.Fatalf("testnet: ovsdb-server did not come up: %v\n%s", err, o.dbServer.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	o.vswitchd = StartCmd(t, o.Command(context.Background(), append([]string{"ovs-vswitchd", o.DB,
		"--unixctl=" + o.vswitchdCtl(), "--log-file=" + filepath.Join(dir, "ovs-vswitchd.log")}, log...)...))
	for {
		if _, err := o.Appctl("version"); err == nil {
			break
		} else if o.vswitchd.Exited() || ctx.Err() != nil {
			t.Fatalf("testnet: ovs-vswitchd did not come up: %v\n%s", err, o.vswitchd.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "ovs-vswitchd.log"))
			t.Logf("testnet: ovs-vswitchd.log:\n%s", tail(string(b), 8<<10))
		}
	})
	return o
}

func (o *OVS) vswitchdCtl() string { return filepath.Join(o.Dir, "ovs-vswitchd.ctl") }

// Env is the environment every OVS tool gets: the process environment with
// OVS_RUNDIR, OVS_DBDIR, OVS_LOGDIR and OVS_SYSCONFDIR set to Dir.
func (o *OVS) Env() []string { return ovsEnv(o.Dir) }

func ovsEnv(dir string) []string {
	env := os.Environ()
	for _, k := range []string{"OVS_RUNDIR", "OVS_DBDIR", "OVS_LOGDIR", "OVS_SYSCONFDIR"} {
		env = append(env, k+"="+dir)
	}
	return env
}

// Command returns a command with Env that runs in the OVS namespace, for
// programs that must share its loopback (ovs-testcontroller, a controller).
func (o *OVS) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := o.NS.Command(ctx, args...)
	cmd.Env = o.Env()
	return cmd
}

// cmd is a command with Env in the root namespace: the tools reach the
// daemons through unix sockets, which no network namespace hides.
func (o *OVS) cmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := (*NS)(nil).Command(ctx, args...)
	cmd.Env = o.Env()
	return cmd
}

func (o *OVS) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, err := o.cmd(ctx, args...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Vsctl runs ovs-vsctl against the private database and returns its output.
func (o *OVS) Vsctl(args ...string) (string, error) {
	return o.run(append([]string{"ovs-vsctl", "--db=" + o.DB, "--timeout=10"}, args...)...)
}

// Ofctl runs ovs-ofctl; a bare bridge name as the switch argument resolves
// to the bridge's management socket in Dir ("ovs-ofctl -O OpenFlow13
// dump-flows br0"). A bridge that allows only OpenFlow 1.3 needs -O.
func (o *OVS) Ofctl(args ...string) (string, error) {
	return o.run(append([]string{"ovs-ofctl"}, args...)...)
}

// Appctl runs ovs-appctl against ovs-vswitchd ("fdb/show br0", "vlog/set").
func (o *OVS) Appctl(args ...string) (string, error) {
	return o.run(append([]string{"ovs-appctl", "-t", o.vswitchdCtl()}, args...)...)
}
