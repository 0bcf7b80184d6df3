package appliance

import (
	"strconv"
	"strings"
)

// key is one setting: the kernel command line key ofbox.NAME, the env var
// OFBOX_NAME (upper case, '-' as '_') and the flag --NAME.
type key struct {
	name string
	// role is the role that uses the key; "" for both.
	role string
	// list keys take comma-separated values and may be repeated; the
	// values add up. Any other key's last value wins.
	list bool
	// cmdline keys are set on the kernel command line only.
	cmdline bool
	// def is the default the flag usage shows.
	def, usage string
	// set parses v into c; validate checks what set stores as it is.
	set func(c *Config, v string) error
}

var keys = []key{
	{name: "role", usage: "the role: controller or switch",
		set: func(c *Config, v string) error { c.Role = v; return nil }},
	{name: "stack", def: StackHost, usage: "the TCP/IP stack the role listens and dials on: host (the kernel's) or gvisor (ofbox's own on --nic with --ip)",
		set: func(c *Config, v string) error { c.Stack = v; return nil }},
	{name: "nic", usage: "the gvisor stack's NIC: " + wantNIC,
		set: func(c *Config, v string) error { c.NIC = v; return nil }},
	{name: "ip", list: true, usage: "the gvisor stack's addresses in CIDR notation, one IPv4 and/or one IPv6 (repeatable)",
		set: func(c *Config, v string) (err error) { c.IP, err = parsePrefixes(v); return err }},
	{name: "gw", list: true, usage: "the gvisor stack's default gateways, one IPv4 and/or one IPv6 (repeatable)",
		set: func(c *Config, v string) (err error) { c.GW, err = parseGateways(v); return err }},
	{name: "mgmt", cmdline: true, usage: "the VM's management NIC (default eth0)",
		set: func(c *Config, v string) error { c.Mgmt = v; return nil }},
	{name: "ports", role: RoleSwitch, usage: "the switch's ports: " + wantPorts,
		set: func(c *Config, v string) (err error) { c.Ports, err = parsePorts(v); return err }},
	{name: "controller", role: RoleSwitch, list: true, usage: "a controller to connect to: tcp:HOST:PORT, or tls:HOST:PORT with --cert, --key and --ca (repeatable)",
		set: func(c *Config, v string) error { c.Controllers = strings.Split(v, ","); return nil }},
	{name: "listen", list: true, usage: "controller: where switches connect (default tcp:127.0.0.1:6653 on the host stack, tcp::6653 on gvisor); switch: where management tools connect; " + wantListen + " (repeatable)",
		set: func(c *Config, v string) error { c.Listens = strings.Split(v, ","); return nil }},
	{name: "cert", usage: "TLS: this peer's certificate, a PEM file (ofbox pki cert NAME writes NAME-cert.pem)",
		set: func(c *Config, v string) error { c.Cert = v; return nil }},
	{name: "key", usage: "TLS: the private key of --cert, a PEM file (NAME-privkey.pem)",
		set: func(c *Config, v string) error { c.Key = v; return nil }},
	{name: "ca", usage: "TLS: the CA certificate, a PEM file (cacert.pem); peers must present a certificate it signed",
		set: func(c *Config, v string) error { c.CA = v; return nil }},
	{name: "dpid", role: RoleSwitch, def: "0x1", usage: "the datapath id",
		set: func(c *Config, v string) (err error) { c.DPID, err = parseDPID(v); return err }},
	{name: "fail-mode", role: RoleSwitch, def: "secure", usage: "without a controller: secure (keep flows, drop misses) or standalone (learn MACs)",
		set: func(c *Config, v string) (err error) { c.FailMode, err = parseFailMode(v); return err }},
	{name: "app", role: RoleController, def: "l2learning", usage: "the app to run: " + appNames,
		set: func(c *Config, v string) error { c.App = v; return nil }},
	{name: "packet-in-rate", role: RoleController, def: "100000", usage: "packet-ins per second one switch may bring to the app; excess is counted and dropped (0: no limit)",
		set: func(c *Config, v string) (err error) { c.PacketInRate, err = parseRate(v); return err }},
	{name: "of", def: "1.3,1.0", usage: "OpenFlow versions to offer, comma separated: 1.3, 1.0",
		set: func(c *Config, v string) (err error) { c.OF, err = parseVersions(v); return err }},
	{name: "log", def: "info", usage: "log level: debug, info, warn, error",
		set: func(c *Config, v string) (err error) { c.Log, err = parseLevel(v); return err }},
}

// lookup returns the key named name.
func lookup(name string) (key, bool) {
	for _, k := range keys {
		if k.name == name {
			return k, true
		}
	}
	return key{}, false
}

// envName is the environment variable of key name.
func envName(name string) string {
	return "OFBOX_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// keyNames lists the keys in the form of src, for errors.
func keyNames(src source) string {
	var ns []string
	for _, k := range keys {
		ns = append(ns, src.key(k.name))
	}
	return strings.Join(ns, ", ")
}

// source is where a setting came from; it names keys in its own form.
type source int

const (
	fromCmdline source = iota
	fromEnv
	fromFlag
	fromConfig // a Config that Run was handed
)

// key names key name as src spells it.
func (s source) key(name string) string {
	switch s {
	case fromEnv:
		return envName(name)
	case fromFlag:
		return "--" + name
	case fromConfig:
		return name
	}
	return "ofbox." + name
}

// keyValue names key name set to v as src spells it: ofbox.app="hub",
// OFBOX_APP="hub", --app "hub".
func (s source) keyValue(name, v string) string {
	if s == fromFlag {
		return s.key(name) + " " + strconv.Quote(v)
	}
	return s.key(name) + "=" + strconv.Quote(v)
}
