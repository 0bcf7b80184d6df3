package appliance

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
	"golang.org/x/sys/unix"
)

// defaultMgmt is the VM's management NIC unless ofbox.mgmt names another.
const defaultMgmt = "eth0"

// vmConfig reads the VM's Config from the kernel command line and fills in
// what the VM defaults:
//   - ofbox.mgmt is eth0;
//   - with ofbox.ip the stack is gvisor on packet:MGMT: the kernel's NICs
//     carry no address, the gVisor stack owns the management NIC as a
//     unikernel owns its stack;
//   - the switch's ports are every ethN but the management NIC, numbered
//     1, 2, ... in the order of N.
//
// sysnet is /sys/class/net.
func vmConfig(cmdline, sysnet string) (Config, error) {
	c, n, err := load(Sources{Cmdline: cmdline})
	if err != nil {
		return c, err
	}
	if c.Mgmt == "" {
		c.Mgmt = defaultMgmt
	}
	switch {
	case len(c.IP) > 0 && c.Stack == StackHost:
		return c, fmt.Errorf("%s: in the VM the kernel's NICs have no address; want %s (the default with %s)",
			n.keyValue("stack", c.Stack), n.keyValue("stack", StackGVisor), n.key("ip"))
	case len(c.IP) > 0 && c.Stack == "":
		c.Stack = StackGVisor
	case len(c.IP) == 0 && (c.Role == RoleController || len(c.Controllers) > 0 || len(c.Listens) > 0):
		return c, fmt.Errorf("%s is required: in the VM the %s role talks OpenFlow through the management NIC %s=%s, "+
			"on an address such as %s=10.0.0.2/24", n.key("ip"), c.Role, n.key("mgmt"), c.Mgmt, n.key("ip"))
	}
	if c.Stack == StackGVisor && c.NIC == "" {
		c.NIC = "packet:" + c.Mgmt
	}
	if c.Role == RoleSwitch && len(c.Ports) == 0 {
		for i, name := range ethNICs(sysnet, c.Mgmt) {
			c.Ports = append(c.Ports, Port{No: flow.PortNo(i + 1), Name: name})
		}
		if len(c.Ports) == 0 {
			return c, fmt.Errorf("%s is required: the VM has no ethN NIC but the management NIC %s=%s (NICs: %s); want %s",
				n.key("ports"), n.key("mgmt"), c.Mgmt, strings.Join(listNICs(sysnet), ", "), wantPorts)
		}
	}
	if mgmt, ok := strings.CutPrefix(c.NIC, "packet:"); ok {
		for _, p := range c.Ports {
			if p.Name == mgmt {
				return c, fmt.Errorf("%s: %s is the gvisor stack's NIC (%s); want other NICs as ports",
					n.keyValue("ports", join(c.Ports)), mgmt, n.key("nic"))
			}
		}
	}
	return c, validate(&c, n)
}

// vmNICs lists the kernel NICs c uses: the gVisor stack's, then the ports.
func vmNICs(c Config) []string {
	var ns []string
	if nic, ok := strings.CutPrefix(c.NIC, "packet:"); ok {
		ns = append(ns, nic)
	}
	for _, p := range c.Ports {
		ns = append(ns, p.Name)
	}
	return ns
}

// readyLine is the one console line that says the VM serves; tests and
// users wait for it. since is the time since the kernel started.
func readyLine(role, details string, since time.Duration) string {
	return fmt.Sprintf("ofbox: ready role=%s %s in %d ms", role, details, since.Milliseconds())
}

// sinceBoot is the time since the kernel started (CLOCK_BOOTTIME).
func sinceBoot() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}

// syslogReadAll is klogctl's SYSLOG_ACTION_READ_ALL: the kernel's log
// buffer, without consuming it.
const syslogReadAll = 3

// clockStall is how long the kernel's clock stood still before the TSC
// took over its timekeeping, as the kernel's log says; CLOCK_BOOTTIME is
// that much short of the time since the kernel started. The clock counts
// only the ticks it sees until it reads the TSC: under TCG with ACPI
// (Debian's kernel), no tick comes until the APIC timer is calibrated,
// 470 ms on that kernel; the minimal kernel, ticking from the i8254, still
// misses 6-20 ms before its first tick. Zero when the log does not say.
func clockStall() time.Duration {
	buf := make([]byte, 256<<10) // the kernel's buffer is 128 KiB in both images
	n, err := unix.Klogctl(syslogReadAll, buf)
	if err != nil || n <= 0 {
		return 0
	}
	return parseClockStall(buf[:n])
}

// parseClockStall finds the line the kernel prints when its scheduler
// clock becomes the TSC's,
//
//	sched_clock: Marking stable (GTOD, GTOD_OFFSET)->(RAW, RAW_OFFSET)
//
// where GTOD is CLOCK_MONOTONIC (so CLOCK_BOOTTIME: a VM does not
// suspend) at the last tick and RAW the TSC's time since the kernel set it
// up, read at that same tick; RAW-GTOD is the stall. (GTOD_OFFSET is no
// part of it: it is the lag at an earlier moment, which the kernel keeps
// to make its log's timestamps continuous; checked against the log's own
// TSC timestamp of a line that ofbox causes, RAW-GTOD puts it within the
// BOOTTIME bracket of that step, RAW-GTOD-GTOD_OFFSET 10-20 ms short.)
func parseClockStall(log []byte) time.Duration {
	const mark = "sched_clock: Marking stable ("
	i := bytes.Index(log, []byte(mark))
	if i < 0 {
		return 0
	}
	line := log[i+len(mark):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	var gtod, gtodOff, raw, rawOff int64
	if _, err := fmt.Sscanf(string(line), "%d, %d)->(%d, %d)", &gtod, &gtodOff, &raw, &rawOff); err != nil {
		return 0
	}
	if stall := raw - gtod; stall > 0 && stall < int64(time.Minute) {
		return time.Duration(stall)
	}
	return 0
}
