package appliance

import (
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/roles/controller/apps"
)

// validate checks what load leaves unchecked: the text fields and the
// keys together, for c's role. n names the keys.
func validate(c *Config, n namer) error {
	if c.Role != RoleController && c.Role != RoleSwitch {
		return fmt.Errorf("%s: want controller or switch", n.keyValue("role", c.Role))
	}
	if err := validateStack(c, n); err != nil {
		return err
	}
	if c.Mgmt != "" && !validIfName(c.Mgmt) {
		return fmt.Errorf("%s: want a network interface name such as eth0", n.keyValue("mgmt", c.Mgmt))
	}
	if err := checkList(n, "listen", c.Listens, listenAddr); err != nil {
		return err
	}
	if err := checkControllers(c, n); err != nil {
		return err
	}
	if _, err := loadTLS(c, n); err != nil {
		return err
	}
	if c.Role == RoleController {
		if _, err := apps.New(c.App); err != nil && c.App != "" {
			return fmt.Errorf("%s: want one of %s", n.keyValue("app", c.App), appNames)
		}
		if c.PacketInRate < 0 {
			return fmt.Errorf("%s: want a number of packet-ins per second, or 0 for no limit", n.keyValue("packet-in-rate", fmt.Sprint(c.PacketInRate)))
		}
		return nil
	}
	if len(c.Ports) == 0 {
		return fmt.Errorf("%s is required: %s", n.key("ports"), wantPorts)
	}
	return nil
}

// validateStack checks the stack and the keys that only the gVisor stack
// uses.
func validateStack(c *Config, n namer) error {
	switch c.Stack {
	case StackGVisor:
		if c.NIC == "" {
			return fmt.Errorf("%s needs %s: %s", n.keyValue("stack", c.Stack), n.key("nic"), wantNIC)
		}
		if len(c.IP) == 0 {
			return fmt.Errorf("%s needs %s: an address in CIDR notation such as 10.0.0.2/24", n.keyValue("stack", c.Stack), n.key("ip"))
		}
	case "", StackHost:
		onlyGVisor := func(name, v string) error {
			return fmt.Errorf("%s: only the gvisor stack uses it (the host stack has the kernel's addresses); want %s too",
				n.keyValue(name, v), n.keyValue("stack", StackGVisor))
		}
		switch {
		case c.NIC != "":
			return onlyGVisor("nic", c.NIC)
		case len(c.IP) > 0:
			return onlyGVisor("ip", join(c.IP))
		case len(c.GW) > 0:
			return onlyGVisor("gw", join(c.GW))
		}
	default:
		return fmt.Errorf("%s: want host or gvisor", n.keyValue("stack", c.Stack))
	}
	if c.NIC != "" {
		if err := checkNIC(c.NIC); err != nil {
			return fmt.Errorf("%s: %w", n.keyValue("nic", c.NIC), err)
		}
	}
	for _, gw := range c.GW {
		onLink := false
		for _, p := range c.IP {
			onLink = onLink || p.Masked().Contains(gw)
		}
		if !onLink {
			return fmt.Errorf("%s: not in the subnet of any address of %s (%s)", n.keyValue("gw", gw.String()), n.key("ip"), join(c.IP))
		}
	}
	return nil
}

// checkControllers checks the controller specs: each parses, and no
// address is given both with and without TLS.
func checkControllers(c *Config, n namer) error {
	if err := checkList(n, "controller", c.Controllers, controllerAddr); err != nil {
		return err
	}
	seen := map[string]string{}
	for _, s := range c.Controllers {
		e, _ := controllerAddr(s)
		if old, ok := seen[e.addr]; ok && old != s {
			if oe, _ := controllerAddr(old); oe.tls != e.tls {
				return fmt.Errorf("%s: %s is also given as %q; want TLS or plain TCP to one address, not both", n.keyValue("controller", s), e.addr, old)
			}
		}
		seen[e.addr] = s
	}
	return nil
}

// checkList checks each value of a list key with parse.
func checkList(n namer, name string, vals []string, parse func(string) (endpoint, error)) error {
	for _, v := range vals {
		if _, err := parse(v); err != nil {
			return fmt.Errorf("%s: %w", n.keyValue(name, v), err)
		}
	}
	return nil
}

// join joins values with commas.
func join[T fmt.Stringer](vs []T) string {
	var ss []string
	for _, v := range vs {
		ss = append(ss, v.String())
	}
	return strings.Join(ss, ",")
}
