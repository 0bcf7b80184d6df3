// Package appliance makes ofbox an appliance: one Config for either role
// from three sources, Run to run the role on the host's TCP/IP stack or on
// a gVisor stack of its own, and Boot, PID 1 in the VM.
//
// # Settings
//
// Each setting has one name K that serves as the kernel command line key
// ofbox.K=V, the environment variable OFBOX_K (upper case, '-' as '_') and
// the flag --K of `ofbox controller` and `ofbox switch`. Flags take
// precedence over the environment, the environment over the command line.
//
//	role            controller | switch (the command names it on a host)
//	stack           host (default) | gvisor: the stack the role listens and dials on
//	nic             the gvisor stack's NIC: tap:NAME | packet:IFACE | dgram:LOCAL,REMOTE
//	ip              the gvisor stack's addresses: 10.0.0.2/24[,fd00::2/64]
//	gw              its default gateways: 10.0.0.1[,fd00::1]
//	mgmt            the VM's management NIC (kernel command line only; default eth0)
//	listen          tcp:HOST:PORT | tcp::PORT | ptcp:PORT[:HOST], repeatable
//	of              OpenFlow versions offered: 1.3,1.0 (default)
//	log             debug | info (default) | warn | error
//	app             controller: l2learning (default) | hub
//	packet-in-rate  controller: packet-ins per second per switch, 0 for no limit
//	ports           switch: eth1,eth2 or 1=eth1,2=eth2 (kernel NICs, AF_PACKET)
//	controller      switch: tcp:HOST:PORT, repeatable
//	dpid            switch: datapath id (default 0x1)
//	fail-mode       switch: secure (default) | standalone
//
// List settings (ip, gw, listen, controller) take comma-separated values
// and may be repeated; other repeated settings keep the last value. The
// kernel command line is split as the kernel splits it (double quotes
// group blanks) and words that do not start with "ofbox." are not ours.
// Unknown ofbox.* keys and OFBOX_* variables are errors, as are settings
// the role does not use; every error names the key as its source spells
// it, the value and what is accepted.
//
// # Three ways to run
//
// On a host, `ofbox controller` and `ofbox switch` read flags and the
// environment (not /proc/cmdline, which is the host kernel's) and run the
// role with Run.
//
// In a container (FROM scratch, the binary alone) the entrypoint names a
// command, `/ofbox switch --ports eth1,eth2`: the same as on a host, with
// no mounts or modules, although ofbox is PID 1 there.
//
// In the VM the kernel starts ofbox as /init, PID 1 without a command, and
// main hands over to Boot. The kernel command line is the only source of
// settings. Boot mounts /proc, /sys and /dev (and tmpfs on /run and /tmp),
// loads the modules /lib/modules/order lists (the Debian kernel's virtio
// drivers; the minimal kernel has them built in), brings the NICs up and
// waits for their carrier, then runs the role. The VM's defaults: the
// management NIC is eth0; with ofbox.ip the stack is gvisor on
// packet:eth0, so the kernel's NICs carry no address and ofbox owns its
// TCP/IP as a unikernel does (the minimal kernel has no TCP/IP of its own:
// without ofbox.ip the roles there have no network to listen or dial on);
// the switch's ports are every other ethN, in the order of N. When the role serves, Boot prints one console line
//
//	ofbox: ready role=switch dpid=0x1 ports=1=eth1,2=eth2 ... in 412 ms
//
// where the time is counted from the kernel's start: CLOCK_BOOTTIME plus the
// time the kernel's clock stood still before the TSC took over (its log
// says how long; see clockStall), so that it is right under TCG too. When
// the role ends, for an error or a signal (SIGTERM, SIGINT, SIGPWR;
// Ctrl-Alt-Del is SIGINT), or a boot step fails, Boot logs why, syncs and
// powers the VM off, so QEMU (run with -no-reboot) exits.
package appliance
