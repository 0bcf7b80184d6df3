package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ofbox/ofbox/image"
	"github.com/ofbox/ofbox/netstack"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/qemu"
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/sim"
)

// demoMain is `ofbox demo`: the main job shown end to end. It boots a
// controller VM and a switch VM, attaches two hosts to the switch VM and
// shows them talking through it:
//
//	           mgmt segment 10.0.0.0/24 (a hub in this process)
//	   +---------------+---------------+-----------------+
//	   | eth0 .1       | eth0 .2       | .100            |
//	controller VM   switch VM       this process (dumps the switch's flows
//	(l2learning)    eth1    eth2    over OpenFlow, as ovs-ofctl would)
//	                 |        |
//	                h1       h2     gVisor stacks in this process,
//	            10.1.0.1  10.1.0.2  joined by QEMU dgram sockets
//
// Every link is a UDP socket pair on loopback (QEMU's -netdev dgram), so
// no root is needed. As root (--netns, on by default then) the switch VM
// gets two more ports, TAPs that the demo moves into network namespaces
// of its own: h3 (10.1.0.3) and h4 (10.1.0.4), hosts with the real
// kernel's stack, which ping each other and the gVisor hosts.
// The demo's addresses.
var (
	demoMgmt   = netip.MustParsePrefix("10.0.0.100/24")
	demoCtlIP  = "10.0.0.1/24"
	demoSwIP   = "10.0.0.2/24"
	demoSwAddr = "10.0.0.2:6634" // the switch VM's passive OpenFlow listener
	demoH1     = netip.MustParsePrefix("10.1.0.1/24")
	demoH2     = netip.MustParsePrefix("10.1.0.2/24")
)

func demoMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ofbox demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kernel := fs.String("kernel", qemu.DefaultKernel, "the VMs' kernel: minimal or debian")
	imageDir := fs.String("image", "", "the image `DIR` (default out/image/KERNEL; built there if missing or older than this binary)")
	accel := fs.String("accel", "auto", "QEMU accelerator: auto (KVM where it boots, else TCG), kvm or tcg")
	pings := fs.Int("pings", 5, "how many pings h1 sends h2")
	size := fs.Int64("bytes", 16<<20, "how many bytes the TCP transfer from h1 to h2 carries")
	logDir := fs.String("logs", filepath.Join("out", "demo"), "where the VMs' consoles are written")
	netns := fs.Bool("netns", os.Geteuid() == 0, "also hosts h3 and h4 in network namespaces on TAPs (needs root, ip and ping)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: ofbox demo [--kernel minimal|debian] [--image DIR] [--accel auto|kvm|tcg] [--pings 5] [--bytes 16777216] [--logs DIR] [--netns]")
		fs.PrintDefaults()
	}
	if rc, ok := parseFlags(fs, args, stderr); !ok {
		return rc
	}
	switch {
	case *kernel != "minimal" && *kernel != "debian":
		fmt.Fprintf(stderr, "ofbox demo: --kernel %q: want minimal or debian\n", *kernel)
		return 2
	case *accel != "auto" && *accel != "kvm" && *accel != "tcg":
		fmt.Fprintf(stderr, "ofbox demo: --accel %q: want auto, kvm or tcg\n", *accel)
		return 2
	case *pings < 1:
		fmt.Fprintf(stderr, "ofbox demo: --pings %d: want 1 or more\n", *pings)
		return 2
	case *size < 1:
		fmt.Fprintf(stderr, "ofbox demo: --bytes %d: want 1 or more\n", *size)
		return 2
	}
	if *imageDir == "" {
		*imageDir = image.DefaultDir(*kernel)
	}
	if *netns {
		if os.Geteuid() != 0 {
			fmt.Fprintln(stderr, "ofbox demo: --netns needs root (network namespaces and TAPs)")
			return 2
		}
		for _, tool := range []string{"ip", "ping"} {
			if _, err := exec.LookPath(tool); err != nil {
				fmt.Fprintf(stderr, "ofbox demo: --netns needs %s (apt-get install -y iproute2 iputils-ping)\n", tool)
				return 2
			}
		}
	}
	d := &demo{out: stdout, kernel: *kernel, image: *imageDir, accel: *accel, logs: *logDir, netns: *netns}
	err := d.run(ctx, *pings, *size)
	d.close()
	if err != nil {
		fmt.Fprintf(stderr, "ofbox demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "demo: done")
	return 0
}

// demo holds what the demo started, so close can stop it all.
type demo struct {
	out                        io.Writer
	kernel, image, accel, logs string
	netns                      bool
	start                      time.Time

	cancel     context.CancelFunc
	vms        []*qemu.VM
	devices    []io.Closer
	namespaces []string
	wg         sync.WaitGroup
}

func (d *demo) step(format string, args ...any) {
	fmt.Fprintf(d.out, "==> [%5.1fs] %s\n", time.Since(d.start).Seconds(), fmt.Sprintf(format, args...))
}

func (d *demo) run(ctx context.Context, pings int, size int64) error {
	d.start = time.Now()
	ctx, d.cancel = context.WithCancel(ctx)
	if _, err := exec.LookPath(qemu.DefaultQEMU); err != nil {
		return fmt.Errorf("%s not found; as root: apt-get install -y qemu-system-x86", qemu.DefaultQEMU)
	}
	if err := d.ensureImage(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(d.logs, 0o755); err != nil {
		return err
	}

	// The links: each a dgram device here and a NIC spec for the VM.
	var mgmtCtl, mgmtSw, link1, link2 dgramLink
	for _, l := range []*dgramLink{&mgmtCtl, &mgmtSw, &link1, &link2} {
		if err := l.open(); err != nil {
			return fmt.Errorf("dgram link: %w", err)
		}
		d.devices = append(d.devices, l.dev)
	}
	mine, hubSide := netstack.Pipe()
	d.devices = append(d.devices, hubSide)
	hub := []netstack.Device{mgmtCtl.dev, mgmtSw.dev, hubSide}
	for i := range hub {
		d.wg.Go(func() { flood(hub, i) })
	}
	mgmt, err := netstack.NewStack(netstack.StackConfig{NICs: []netstack.StackNIC{{Device: mine, Addrs: []netip.Prefix{demoMgmt}}}})
	if err != nil {
		return err
	}
	d.devices = append(d.devices, mgmt)
	h1, err := hostStack(link1.dev, demoH1)
	if err != nil {
		return err
	}
	d.devices = append(d.devices, h1)
	h2, err := hostStack(link2.dev, demoH2)
	if err != nil {
		return err
	}
	d.devices = append(d.devices, h2)

	// Boot both VMs at once.
	d.step("booting a controller VM and a switch VM (%s kernel, accel %s)", d.kernel, d.accel)
	vms := []struct {
		name string
		cfg  qemu.VMConfig
	}{
		{"controller", qemu.VMConfig{Role: "controller", NICs: []string{mgmtCtl.spec}, Params: []string{
			"ofbox.ip=" + demoCtlIP, "ofbox.app=l2learning"}}},
		{"switch", qemu.VMConfig{Role: "switch", NICs: []string{mgmtSw.spec, link1.spec, link2.spec}, Params: []string{
			"ofbox.ip=" + demoSwIP, "ofbox.controller=tcp:10.0.0.1:6653", "ofbox.listen=ptcp:6634", "ofbox.dpid=0x1"}}},
	}
	var nsHosts []nsHost
	if d.netns {
		tag := os.Getpid() % 1000000
		for i, ip := range []string{"10.1.0.3/24", "10.1.0.4/24"} {
			h := nsHost{name: fmt.Sprintf("h%d", i+3), ip: ip,
				tap: fmt.Sprintf("ofbd%d-%d", tag, i+3), ns: fmt.Sprintf("ofbox-demo-%d-h%d", tag, i+3)}
			nsHosts = append(nsHosts, h)
			vms[1].cfg.NICs = append(vms[1].cfg.NICs, "tap:"+h.tap)
		}
	}
	type ready struct {
		name       string
		boot, wall time.Duration
		accel      string
		err        error
	}
	readies := make(chan ready, len(vms))
	for _, v := range vms {
		logPath := filepath.Join(d.logs, v.name+".log")
		f, err := os.Create(logPath)
		if err != nil {
			return err
		}
		d.devices = append(d.devices, f)
		cfg := v.cfg
		cfg.Kernel, cfg.Image, cfg.Accel, cfg.Console = d.kernel, d.image, d.accel, f
		t0 := time.Now()
		vm, err := qemu.Start(ctx, cfg)
		if err != nil {
			return fmt.Errorf("%s VM: %w", v.name, err)
		}
		d.vms = append(d.vms, vm)
		go func() {
			rctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
			defer cancel()
			boot, err := vm.WaitReady(rctx)
			if err != nil {
				err = fmt.Errorf("%s VM not ready: %w (console: %s)", v.name, err, logPath)
			}
			readies <- ready{v.name, boot, time.Since(t0), vm.Accel(), err}
		}()
	}
	for range vms {
		r := <-readies
		if r.err != nil {
			return r.err
		}
		d.step("%s VM ready: %d ms after its kernel started, %d ms after launch (%s)",
			r.name, r.boot.Milliseconds(), r.wall.Milliseconds(), r.accel)
	}

	if len(nsHosts) > 0 {
		if err := d.pingNamespaces(ctx, nsHosts); err != nil {
			return err
		}
	}

	// h1 pings h2 through the switch VM; the first ping waits for the
	// switch to join the controller and for ARP.
	d.step("h1 (%s) pings h2 (%s) through the switch VM", demoH1.Addr(), demoH2.Addr())
	if err := firstPing(ctx, h1, demoH2.Addr(), time.Minute); err != nil {
		return fmt.Errorf("h1 cannot reach h2: %w", err)
	}
	for i := range pings {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		rtt, err := h1.Ping(pctx, demoH2.Addr())
		cancel()
		if err != nil {
			return fmt.Errorf("ping %d: %w", i+1, err)
		}
		fmt.Fprintf(d.out, "    ping %s: seq=%d time=%.2f ms\n", demoH2.Addr(), i+1, float64(rtt.Microseconds())/1000)
	}

	d.step("TCP transfer h1 -> h2, %d bytes", size)
	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	took, err := sim.Transfer(tctx, h1, h2, netip.AddrPortFrom(demoH2.Addr(), 5001), size)
	cancel()
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	fmt.Fprintf(d.out, "    %d bytes in %.2f s: %.1f Mbit/s\n", size, took.Seconds(), float64(size)*8/took.Seconds()/1e6)

	d.step("the flows the controller installed (switch VM %s, dump-flows over OpenFlow)", demoSwAddr)
	flows, err := dumpFlows(ctx, mgmt, demoSwAddr)
	if err != nil {
		return fmt.Errorf("dump-flows: %w", err)
	}
	for _, l := range flows {
		fmt.Fprintln(d.out, "    "+l)
	}

	d.step("powering the VMs off")
	for _, vm := range d.vms {
		if err := vm.PowerOff(); err != nil {
			return err
		}
	}
	for i, vm := range d.vms {
		if err := vm.Wait(); err != nil {
			return fmt.Errorf("%s VM: %w", vms[i].name, err)
		}
	}
	d.vms = nil
	d.step("both VMs powered off cleanly; consoles in %s", d.logs)
	return nil
}

// close stops what run left running: VMs by their PID, links, stacks and
// namespaces.
func (d *demo) close() {
	for _, vm := range d.vms {
		vm.Stop()
	}
	for _, ns := range d.namespaces {
		exec.Command("ip", "netns", "del", ns).Run()
	}
	if d.cancel != nil {
		d.cancel()
	}
	for i := len(d.devices) - 1; i >= 0; i-- {
		d.devices[i].Close()
	}
	d.wg.Wait()
}

// nsHost is a host with the kernel's own stack: a network namespace
// holding one of the switch VM's TAPs.
type nsHost struct{ name, ip, tap, ns string }

// pingNamespaces moves each TAP (QEMU keeps its end) into a namespace of
// its own, addresses it, and has the first host ping the others and h1.
func (d *demo) pingNamespaces(ctx context.Context, hosts []nsHost) error {
	d.step("as root: hosts %s and %s in network namespaces on the switch VM's TAPs", hosts[0].name, hosts[1].name)
	ip := func(args ...string) error {
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	for _, h := range hosts {
		if err := ip("netns", "add", h.ns); err != nil {
			return err
		}
		d.namespaces = append(d.namespaces, h.ns)
		for _, args := range [][]string{
			{"link", "set", h.tap, "netns", h.ns},
			{"-n", h.ns, "link", "set", "lo", "up"},
			{"-n", h.ns, "addr", "add", h.ip, "dev", h.tap},
			{"-n", h.ns, "link", "set", h.tap, "up"},
		} {
			if err := ip(args...); err != nil {
				return err
			}
		}
	}
	src := hosts[0]
	for _, dst := range []string{strings.Split(hosts[1].ip, "/")[0], demoH1.Addr().String()} {
		out, err := exec.CommandContext(ctx, "ip", "netns", "exec", src.ns, "ping", "-c", "3", "-W", "5", dst).CombinedOutput()
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if strings.Contains(l, "bytes from") || strings.Contains(l, "packet loss") {
				fmt.Fprintf(d.out, "    %s$ %s\n", src.name, strings.TrimSpace(l))
			}
		}
		if err != nil {
			return fmt.Errorf("%s ping %s: %v", src.name, dst, err)
		}
	}
	return nil
}

// ensureImage builds the image when it is missing or older than this
// binary (the initramfs carries the binary).
func (d *demo) ensureImage(ctx context.Context) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	ei, err := os.Stat(exe)
	if err != nil {
		return err
	}
	if ii, err := os.Stat(filepath.Join(d.image, "initrd")); err == nil && !ii.ModTime().Before(ei.ModTime()) {
		d.step("image %s is up to date", d.image)
		return nil
	}
	d.step("building the %s image in %s (the minimal kernel is built once and cached: minutes)", d.kernel, d.image)
	res, err := image.Build(ctx, image.Options{Kernel: d.kernel, Out: d.image, Progress: d.out})
	if err != nil {
		return err
	}
	d.step("image: kernel %s, %.2f MB kernel + initrd", res.KernelVersion, float64(res.Files["kernel"]+res.Files["initrd"])/1e6)
	return nil
}

// dgramLink is one QEMU dgram link: this process's end and the VM's NIC
// spec for the other end.
type dgramLink struct {
	dev  *netstack.DgramDevice
	spec string
}

func (l *dgramLink) open() error {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	vmEnd := c.LocalAddr().String()
	c.Close() // QEMU binds it next; the race with another program is as small as QEMU's own choice would be
	l.dev, err = netstack.OpenDgram("127.0.0.1:0", vmEnd)
	if err != nil {
		return err
	}
	l.spec = "dgram:" + vmEnd + "," + l.dev.LocalAddr().String()
	return nil
}

// flood copies every frame port i reads to every other port: a hub. It
// returns when port i fails (closed).
func flood(ports []netstack.Device, i int) {
	p := ports[i]
	bufs := make([][]byte, p.BatchSize())
	for k := range bufs {
		bufs[k] = make([]byte, 65536)
	}
	sizes := make([]int, len(bufs))
	frames := make([][]byte, len(bufs))
	for {
		n, err := p.Read(bufs, sizes, 0)
		if err != nil {
			return
		}
		for k := range n {
			frames[k] = bufs[k][:sizes[k]]
		}
		for j, q := range ports {
			if j != i {
				q.Write(frames[:n], 0) // a hub drops what a port cannot take
			}
		}
	}
}

func hostStack(dev netstack.Device, ip netip.Prefix) (*netstack.Stack, error) {
	return netstack.NewStack(netstack.StackConfig{NICs: []netstack.StackNIC{{Device: dev, Addrs: []netip.Prefix{ip}}}})
}

// firstPing pings dst once a second until it answers or patience runs out.
func firstPing(ctx context.Context, st *netstack.Stack, dst netip.Addr, patience time.Duration) error {
	deadline := time.Now().Add(patience)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := st.Ping(pctx, dst)
		cancel()
		if err == nil || ctx.Err() != nil || time.Now().After(deadline) {
			return err
		}
	}
}

// dumpFlows connects to a switch's passive OpenFlow listener from st, as
// ovs-ofctl does, and returns its flows in ovs-ofctl's dump-flows form.
func dumpFlows(ctx context.Context, st *netstack.Stack, addr string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	nc, err := st.Dial(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	dp, err := controller.Attach(ctx, nc, controller.Config{})
	if err != nil {
		return nil, err
	}
	defer dp.Close()
	reply, err := dp.Request(ctx, flow.NewFlowStatsRequest())
	if err != nil {
		return nil, err
	}
	fr, ok := reply.(*flow.FlowStatsReply)
	if !ok {
		return nil, fmt.Errorf("flow stats request answered by %T", reply)
	}
	lines := []string{fmt.Sprintf("%d flows (OpenFlow %s)", len(fr.Flows), dp.Version())}
	for _, f := range fr.Flows {
		lines = append(lines, f.String())
	}
	return lines, nil
}
