// Package testnet is the root integration-test harness: network namespaces,
// veth pairs, background processes stopped by PID, traffic checks (ping,
// iperf3) and a private Open vSwitch instance (ovsdb-server + ovs-vswitchd,
// userspace datapath) that never touches a system one. It is for tests only
// and imports only the standard library.
//
// Tests that use it are named TestIntegration*, run as root and need the
// tools of the Debian packages iproute2, iputils-ping, ethtool, iperf3,
// openvswitch-switch (with openvswitch-common) and, for StartTestController,
// openvswitch-testcontroller. Without root or a tool they skip with the
// reason; with the environment variable CI set they fail instead. Run them
// with
//
//	sudo go test -run TestIntegration ./...
//
// # Clean-up
//
// Everything is undone in t.Cleanup, in reverse order of creation, whether
// the test passed or failed: processes get SIGTERM to their process group
// (SIGKILL after 3 s), namespaces are deleted after any process left in them
// is killed, and veths go with them. Names carry the test binary's PID and
// a random suffix ("ofbox-h1-4242-a1b2c3"), so parallel packages never
// collide. Processes also die with the test binary (Pdeathsig) if it is
// killed; only its namespaces then stay behind, named after its PID. When a
// test fails, the output of each process it started is printed, and so is
// the tail of ovs-vswitchd's log.
//
// Set-up helpers (NewNS, Veth, Hosts, NS.AddAddr, StartOVS, OVS.AddBridge,
// OVS.AddPort, Start) fail the test themselves and belong on the test
// goroutine; probes (Ping, TCPTransfer, NS.Exec, OVS.Vsctl, OVS.Ofctl,
// WaitListen, OVS.WaitConnected) return errors that carry the tools' output.
//
// # Open vSwitch under a controller
//
// StartOVS runs the daemons in their own namespace (OVS.NS) with every
// file in one temporary directory. Bridges use datapath_type=netdev, so no
// kernel module is needed, and their ports are devices in OVS.NS. The
// namespace has its own loopback: a controller started there listens on
// 127.0.0.1 on a fixed port without colliding with anything. A controller
// under test (issue 3) runs as a process in OVS.NS, or in process with its
// listener opened inside NS.Do:
//
//	func TestIntegrationL2Learning(t *testing.T) {
//		testnet.RequireRoot(t)
//		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
//		defer cancel()
//		o := testnet.StartOVS(t)
//		testnet.StartCmd(t, o.Command(context.Background(), ofbox, "controller", "--listen", "tcp:127.0.0.1:6653"))
//		if err := testnet.WaitListen(ctx, o.NS, "127.0.0.1:6653"); err != nil {
//			t.Fatal(err)
//		}
//		o.AddBridge("br0", testnet.Bridge{FailMode: "secure",
//			Protocols: []string{"OpenFlow13"}, Controllers: []string{"tcp:127.0.0.1:6653"}})
//		h := testnet.Hosts(t, o.NS, 2, false) // h1, h2: 10.0.0.1, 10.0.0.2, offload off
//		o.AddPort("br0", h[0].Port, 1)
//		o.AddPort("br0", h[1].Port, 2)
//		if err := o.WaitConnected(ctx, "br0"); err != nil {
//			t.Fatal(err)
//		}
//		if err := testnet.Ping(ctx, h[0].NS, h[1].IP, 5); err != nil {
//			t.Fatal(err)
//		}
//		if _, err := testnet.TCPTransfer(ctx, h[0].NS, h[1].NS, h[1].IP, 20<<20); err != nil {
//			t.Fatal(err)
//		}
//		flows, err := o.Ofctl("-O", "OpenFlow13", "dump-flows", "br0")
//		...
//	}
//
// (A process started with a context is killed outright when the context
// ends; with context.Background() it runs until t.Cleanup stops it.) An
// in-process controller opens its listener inside the namespace:
//
//	var ln net.Listener
//	err := o.NS.Do(func() (err error) { ln, err = net.Listen("tcp", "127.0.0.1:6653"); return err })
//
// # A switch under test
//
// For ofbox's switch (issue 4), make a namespace for it, put the hosts'
// switch ends there and run the switch in it; ovs-ofctl and
// ovs-testcontroller run in the same namespace:
//
//	sw := testnet.NewNS(t, "sw")
//	h := testnet.Hosts(t, sw, 2, offload)
//	testnet.Start(t, sw, ofbox, "switch", "--ports", "s1,s2", "--listen", "ptcp:6634",
//		"--controller", "tcp:127.0.0.1:6653")
//	ctl := testnet.StartTestController(t, sw, "ptcp:6653:127.0.0.1", "OpenFlow13")
//	out, err := sw.Exec(ctx, "ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "tcp:127.0.0.1:6634")
//	ctl.Kill() // the controller crashes; fail modes take over
//
// # Checksum offload
//
// veth with TX checksum offload on (the default) hands a forwarder that
// reads with AF_PACKET TCP frames whose checksum is only partial. Open
// vSwitch 3.1's userspace datapath forwards them as they are: ping works but
// TCP stalls (TestIntegrationOVSNormal logs it). Hosts(..., false) turns
// offload off on the host ends, which is all Open vSwitch needs; ofbox's
// switch must also work with it on.
package testnet
