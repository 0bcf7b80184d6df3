package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/pki"
	"github.com/ofbox/ofbox/internal/stacktest"
	"github.com/ofbox/ofbox/internal/testnet"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/qemu"
	"github.com/ofbox/ofbox/roles/controller"
)

// TestIntegrationVM boots the real image under QEMU (TCG, no root: every
// link is a -netdev dgram socket on loopback), for the minimal and the
// Debian kernel:
//   - a switch VM connects to a controller that runs in this process on its
//     own gVisor stack, and completes the OpenFlow handshake;
//   - a controller VM accepts a switch from this process (a fake switch on
//     a gVisor stack) and sends it its table-miss flow;
//
// and both VMs power off cleanly when "poweroff" is typed on their console.
func TestIntegrationVM(t *testing.T) {
	testnet.RequireTools(t, "qemu-system-x86_64")
	bin := ofboxbin.Path(t)
	for _, kernel := range []string{"minimal", "debian"} {
		t.Run(kernel, func(t *testing.T) {
			switch kernel {
			case "minimal":
				requireFile(t, "/usr/src/linux-source-6.1.tar.xz", "linux-source-6.1")
			case "debian":
				if m, _ := filepath.Glob("/boot/vmlinuz-*-cloud-amd64"); len(m) == 0 {
					requireFile(t, "/boot/vmlinuz-*-cloud-amd64", "linux-image-cloud-amd64")
				}
			}
			dir := filepath.Join(t.TempDir(), "image")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute) // a first minimal kernel build
			out, err := exec.CommandContext(ctx, bin, "image", "--kernel", kernel, "--out", dir, "--binary", bin).CombinedOutput()
			cancel()
			if err != nil {
				t.Fatalf("ofbox image --kernel %s: %v\n%s", kernel, err, out)
			}
			t.Run("switch", func(t *testing.T) { testSwitchVM(t, dir, kernel) })
			t.Run("controller", func(t *testing.T) { testControllerVM(t, dir, kernel) })
			if kernel == "minimal" {
				t.Run("switch-tls", func(t *testing.T) { testSwitchVMTLS(t, bin) })
			}
		})
	}
}

func requireFile(t *testing.T, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		msg := path + " missing (Debian package " + pkg + "; .ci/run installs it)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

// bootVM starts a VM and waits for its ready line.
func bootVM(t *testing.T, cfg qemu.VMConfig) (*qemu.VM, *syncBuffer) {
	t.Helper()
	con := &syncBuffer{}
	cfg.Accel, cfg.Console = "tcg", con
	ctx, cancel := context.WithCancel(context.Background())
	vm, err := qemu.Start(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		vm.Stop()
	})
	rctx, rcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer rcancel()
	d, err := vm.WaitReady(rctx)
	if err != nil {
		t.Fatalf("%s VM not ready: %v\n%s", cfg.Role, err, con)
	}
	t.Logf("%s VM (%s kernel) ready %v after kernel start", cfg.Role, cfg.Kernel, d)
	return vm, con
}

// powerOff types poweroff on the VM's console and wants QEMU to exit 0
// with the guest having said why it stopped.
func powerOff(t *testing.T, vm *qemu.VM, con *syncBuffer) {
	t.Helper()
	if err := vm.PowerOff(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- vm.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("VM exit after poweroff: %v\n%s", err, con)
		}
	case <-time.After(time.Minute):
		t.Fatalf("VM still running a minute after poweroff\n%s", con)
	}
	if !strings.Contains(con.String(), "typed on the console") {
		t.Errorf("console does not say why the role stopped:\n%s", con)
	}
}

func testSwitchVM(t *testing.T, dir, kernel string) {
	peer, mgmt := stacktest.DgramPeer(t, "10.0.0.1/24")
	l, err := peer.Listen("tcp", ":6653")
	if err != nil {
		t.Fatal(err)
	}
	joined := serveJoins(t, l)

	// eth1 is the switch's one data port, a dgram link nobody listens to.
	data := "dgram:" + stacktest.FreeUDP(t) + "," + stacktest.FreeUDP(t)
	vm, con := bootVM(t, qemu.VMConfig{Role: "switch", Image: dir, Kernel: kernel, NICs: []string{mgmt, data},
		Params: []string{"ofbox.ip=10.0.0.2/24", "ofbox.controller=tcp:10.0.0.1:6653", "ofbox.dpid=0x42"}})
	select {
	case id := <-joined:
		if id != 0x42 {
			t.Errorf("datapath %#x joined; want 0x42", id)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the switch VM never joined the controller\n%s", con)
	}
	powerOff(t, vm, con)
}

func testControllerVM(t *testing.T, dir, kernel string) {
	peer, mgmt := stacktest.DgramPeer(t, "10.0.0.1/24")
	vm, con := bootVM(t, qemu.VMConfig{Role: "controller", Image: dir, Kernel: kernel, NICs: []string{mgmt},
		Params: []string{"ofbox.ip=10.0.0.2/24", "ofbox.of=1.3"}})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	nc, err := peer.Dial(ctx, "tcp", "10.0.0.2:6653")
	if err != nil {
		t.Fatalf("dial the controller VM: %v\n%s", err, con)
	}
	// A fake switch: HELLO, the features and port-desc replies, then the controller's
	// table-miss flow (l2learning's first act on a new datapath).
	oc := openflow.NewConn(nc, openflow.Config{Versions: []openflow.Version{openflow.Version13},
		Codecs: []openflow.Codec{of13.Codec}})
	defer oc.Close()
	if v, err := oc.Handshake(ctx); err != nil || v != openflow.Version13 {
		t.Fatalf("handshake with the controller VM: %v, %v", v, err)
	}
	gotFlow := false
	for deadline := time.Now().Add(time.Minute); !gotFlow && time.Now().Before(deadline); {
		h, m, err := oc.Read()
		if err != nil {
			t.Fatalf("read from the controller VM: %v\n%s", err, con)
		}
		switch m := m.(type) {
		case *of13.FeaturesRequest:
			if err := oc.SendXid(h.Xid, &of13.FeaturesReply{DatapathID: 0x77, NBuffers: 0, NTables: 254}); err != nil {
				t.Fatal(err)
			}
			oc.Flush(ctx)
		case *of13.PortDescRequest:
			oc.SendXid(h.Xid, &of13.PortDescReply{})
			oc.Flush(ctx)
		case *of13.FlowMod:
			gotFlow = m.Priority == 0
		case *of13.EchoRequest:
			oc.SendXid(h.Xid, &of13.EchoReply{Data: m.Data})
			oc.Flush(ctx)
		}
	}
	if !gotFlow {
		t.Fatalf("no table-miss flow from the controller VM\n%s", con)
	}
	powerOff(t, vm, con)
}

// testSwitchVMTLS: an image that carries a lab PKI's files (ofbox image
// --file) boots a switch VM that connects over TLS, mutually
// authenticated, to a controller in this process.
func testSwitchVMTLS(t *testing.T, bin string) {
	pkiDir := filepath.Join(t.TempDir(), "pki")
	if _, err := pki.Init(pkiDir, false); err != nil {
		t.Fatal(err)
	}
	var issued [2]pki.Issued
	for i, name := range []string{"controller", "sw1"} {
		var err error
		if issued[i], err = pki.Issue(pki.Request{Name: name, Dir: pkiDir, CADir: pkiDir}); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "image")
	out, err := exec.Command(bin, "image", "--kernel", "minimal", "--out", dir, "--binary", bin,
		"--file", issued[1].Cert+"=/etc/ofbox/sw1-cert.pem", "--file", issued[1].Key+"=/etc/ofbox/sw1-privkey.pem",
		"--file", issued[1].CACert+"=/etc/ofbox/cacert.pem").CombinedOutput()
	if err != nil {
		t.Fatalf("ofbox image --file ...: %v\n%s", err, out)
	}

	cert, err := tls.LoadX509KeyPair(issued[0].Cert, issued[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(issued[0].CACert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	peer, mgmt := stacktest.DgramPeer(t, "10.0.0.1/24")
	inner, err := peer.Listen("tcp", ":6653")
	if err != nil {
		t.Fatal(err)
	}
	l := tls.NewListener(inner, &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: pool, MinVersion: tls.VersionTLS12})
	joined := serveJoins(t, l)

	data := "dgram:" + stacktest.FreeUDP(t) + "," + stacktest.FreeUDP(t)
	vm, con := bootVM(t, qemu.VMConfig{Role: "switch", Image: dir, Kernel: "minimal", NICs: []string{mgmt, data},
		Params: []string{"ofbox.ip=10.0.0.2/24", "ofbox.controller=tls:10.0.0.1:6653", "ofbox.dpid=0x43",
			"ofbox.cert=/etc/ofbox/sw1-cert.pem", "ofbox.key=/etc/ofbox/sw1-privkey.pem", "ofbox.ca=/etc/ofbox/cacert.pem"}})
	select {
	case id := <-joined:
		if id != 0x43 {
			t.Errorf("datapath %#x joined; want 0x43", id)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the switch VM never joined over TLS\n%s", con)
	}
	powerOff(t, vm, con)
}

// serveJoins runs a controller on l until the test ends and sends the
// datapath ID of the first switch that joins.
func serveJoins(t *testing.T, l net.Listener) <-chan uint64 {
	c := controller.New(controller.Config{})
	joined := make(chan uint64, 1)
	c.OnJoin(func(dp *controller.Datapath) controller.Verdict {
		select {
		case joined <- dp.ID():
		default:
		}
		return controller.Continue
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { c.Serve(ctx, l) })
	t.Cleanup(func() { cancel(); l.Close(); wg.Wait() })
	return joined
}
