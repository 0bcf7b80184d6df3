package appliance

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// The parsers of single values. Their errors say what is wrong and what
// is wanted; the caller prefixes the key and the value.

// Port is one switch port: an OpenFlow port number and the kernel NIC
// behind it.
type Port struct {
	No   flow.PortNo
	Name string
}

func (p Port) String() string { return fmt.Sprintf("%d=%s", p.No, p.Name) }

// maxPort is the highest port number ports takes: the last physical port
// number OpenFlow 1.0 can express (OFPP_MAX).
const maxPort = 0xff00

const wantPorts = "NIC names (veth1,veth2) or NUMBER=NAME (1=veth1,2=veth2)"

// parsePorts parses NIC names numbered in order (veth1,veth2) or with
// explicit numbers (1=veth1,2=veth2).
func parsePorts(s string) ([]Port, error) {
	var ps []Port
	nos := map[flow.PortNo]bool{}
	names := map[string]bool{}
	for i, f := range strings.Split(s, ",") {
		p := Port{No: flow.PortNo(i + 1), Name: f}
		if num, name, ok := strings.Cut(f, "="); ok {
			n, err := strconv.ParseUint(num, 0, 32)
			if err != nil || n < 1 || n > maxPort {
				return nil, fmt.Errorf("port number %q: want 1 to %d", num, maxPort)
			}
			p = Port{No: flow.PortNo(n), Name: name}
		}
		switch {
		case !validIfName(p.Name):
			return nil, fmt.Errorf("interface name %q: want %s", p.Name, wantPorts)
		case nos[p.No]:
			return nil, fmt.Errorf("port number %d used twice", p.No)
		case names[p.Name]:
			return nil, fmt.Errorf("interface %s used twice", p.Name)
		}
		nos[p.No], names[p.Name] = true, true
		ps = append(ps, p)
	}
	return ps, nil
}

// validIfName reports whether s can name a Linux network interface
// (IFNAMSIZ less the NUL, no slash, space, '=' or ',').
func validIfName(s string) bool {
	return s != "" && len(s) <= 15 && !strings.ContainsAny(s, " /=,:")
}

const wantListen = "tcp:HOST:PORT, tcp::PORT or ptcp:PORT[:HOST]; tls:, ptls: (or ssl:, pssl:) in their place for TLS"

// endpoint is a parsed listen or controller spec: the host:port to listen
// on or dial, and whether the connection is TLS.
type endpoint struct {
	addr string
	tls  bool
}

// listenAddr turns an Open vSwitch style listen spec into an endpoint:
// tcp:HOST:PORT, tcp::PORT (every address) or ptcp:PORT[:HOST], and the
// same with tls: and ptls: for TLS (ssl: and pssl:, Open vSwitch's names,
// are aliases).
func listenAddr(s string) (endpoint, error) {
	bad := func(why string) (endpoint, error) {
		return endpoint{}, fmt.Errorf("%s; want %s", why, wantListen)
	}
	scheme, rest, _ := strings.Cut(s, ":")
	var host, port string
	secure := false
	switch scheme {
	case "tls", "ssl":
		secure = true
		fallthrough
	case "tcp":
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			return bad("no port")
		}
		host, port = rest[:i], rest[i+1:]
	case "ptls", "pssl":
		secure = true
		fallthrough
	case "ptcp":
		port, host, _ = strings.Cut(rest, ":")
	default:
		return bad("unknown scheme")
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.Contains(host, ":") && net.ParseIP(host) == nil {
		return bad("bad host")
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || port == "" || n > 65535 {
		return bad("bad port")
	}
	return endpoint{net.JoinHostPort(host, port), secure}, nil
}

const wantController = "want tcp:HOST:PORT, or tls:HOST:PORT (ssl:HOST:PORT) for TLS"

// controllerAddr turns tcp:HOST:PORT or tls:HOST:PORT into an endpoint.
func controllerAddr(s string) (endpoint, error) {
	scheme, _, _ := strings.Cut(s, ":")
	if scheme != "tcp" && scheme != "tls" && scheme != "ssl" {
		return endpoint{}, errors.New(wantController)
	}
	e, err := listenAddr(s)
	if err != nil {
		return endpoint{}, errors.New(wantController)
	}
	return e, nil
}

// parseDPID parses a datapath id: hex with 0x, or decimal.
func parseDPID(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, errors.New("want a 64-bit number such as 0x1 or 42")
	}
	return n, nil
}

// parseVersions parses a comma-separated list of OpenFlow versions.
func parseVersions(s string) ([]openflow.Version, error) {
	var vs []openflow.Version
	for _, f := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "1.0", "openflow10", "of10":
			vs = append(vs, openflow.Version10)
		case "1.3", "openflow13", "of13":
			vs = append(vs, openflow.Version13)
		default:
			return nil, fmt.Errorf("unknown version %q; want 1.3, 1.0 or both", f)
		}
	}
	return vs, nil
}

// parseLevel parses a log level.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, errors.New("want one of debug, info, warn, error")
	}
	return l, nil
}

// parseFailMode parses secure or standalone.
func parseFailMode(s string) (ofswitch.FailMode, error) {
	switch s {
	case "secure":
		return ofswitch.FailSecure, nil
	case "standalone":
		return ofswitch.FailStandalone, nil
	}
	return 0, errors.New("want secure or standalone")
}

// parseRate parses packet-ins per second; 0 is no limit.
func parseRate(s string) (float64, error) {
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return 0, errors.New("want a number of packet-ins per second, or 0 for no limit")
	}
	return r, nil
}

// parsePrefixes parses a comma-separated list of interface addresses in
// CIDR notation, at most one IPv4 and one IPv6.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	return perFamily(s, "an address with its prefix length such as 10.0.0.2/24 or fd00::2/64", "address",
		func(f string) (netip.Prefix, netip.Addr, bool) {
			p, err := netip.ParsePrefix(f)
			return p, p.Addr(), err == nil && p.Addr().Zone() == ""
		})
}

// parseGateways parses a comma-separated list of gateway addresses, at
// most one IPv4 and one IPv6.
func parseGateways(s string) ([]netip.Addr, error) {
	return perFamily(s, "an IPv4 or IPv6 address such as 10.0.0.1", "gateway",
		func(f string) (netip.Addr, netip.Addr, bool) {
			a, err := netip.ParseAddr(f)
			return a, a, err == nil && a.Zone() == "" && !a.IsUnspecified()
		})
}

// perFamily parses a comma-separated list with parse, which also returns
// the address that decides the value's family: at most one value of each.
func perFamily[T any](s, want, what string, parse func(string) (T, netip.Addr, bool)) ([]T, error) {
	var vs []T
	seen := map[bool]bool{}
	for _, f := range strings.Split(s, ",") {
		v, a, ok := parse(f)
		if !ok {
			return nil, fmt.Errorf("%q: want %s", f, want)
		}
		if seen[a.Is4()] {
			return nil, fmt.Errorf("%q: want at most one IPv4 and one IPv6 %s", f, what)
		}
		seen[a.Is4()] = true
		vs = append(vs, v)
	}
	return vs, nil
}

const wantNIC = "tap:NAME, packet:IFACE or dgram:LOCAL,REMOTE (host:port each)"

// checkNIC checks the form of a NIC spec; netstack.OpenNIC opens it.
func checkNIC(s string) error {
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case "tap", "packet":
		if validIfName(rest) {
			return nil
		}
	case "dgram":
		local, remote, ok := strings.Cut(rest, ",")
		if ok && validHostPort(local) && validHostPort(remote) {
			return nil
		}
	}
	return fmt.Errorf("want %s", wantNIC)
}

func validHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	_, err = strconv.ParseUint(port, 10, 16)
	return err == nil
}
