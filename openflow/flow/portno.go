package flow

import (
	"fmt"
	"strconv"
	"strings"
)

// PortNo is a port number in the OpenFlow 1.3 numbering: physical and
// logical ports below PortMax, reserved ports above. OpenFlow 1.0's 16-bit
// numbers convert with their reserved range 0xff00+ mapped to 0xffffff00+.
type PortNo uint32

// Reserved and limit port numbers (OFPP_*).
const (
	PortMax        PortNo = 0xffffff00
	PortInPort     PortNo = 0xfffffff8
	PortTable      PortNo = 0xfffffff9
	PortNormal     PortNo = 0xfffffffa
	PortFlood      PortNo = 0xfffffffb
	PortAll        PortNo = 0xfffffffc
	PortController PortNo = 0xfffffffd
	PortLocal      PortNo = 0xfffffffe
	PortAny        PortNo = 0xffffffff // OFPP_NONE in OpenFlow 1.0
)

var portNames = [...]string{"IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "LOCAL", "ANY"}

// String prints a reserved port by name ("LOCAL", "CONTROLLER") and any
// other port in decimal, as ovs-ofctl does.
func (p PortNo) String() string {
	if p >= PortInPort {
		return portNames[p-PortInPort]
	}
	return strconv.FormatUint(uint64(p), 10)
}

// ParsePort parses a port number or a reserved port name (case-insensitive,
// "NONE" meaning ANY as in OpenFlow 1.0).
func ParsePort(s string) (PortNo, error) {
	u := strings.ToUpper(s)
	for i, n := range portNames {
		if u == n {
			return PortInPort + PortNo(i), nil
		}
	}
	if u == "NONE" {
		return PortAny, nil
	}
	n, err := strconv.ParseUint(s, 0, 32)
	if err != nil {
		return 0, fmt.Errorf("flow: bad port %q", s)
	}
	return PortNo(n), nil
}

// PortFrom10 converts an OpenFlow 1.0 port number: the reserved range
// 0xff00..0xffff maps to 0xffffff00..0xffffffff.
func PortFrom10(p uint16) PortNo {
	if p >= 0xff00 {
		return PortNo(p) | 0xffff0000
	}
	return PortNo(p)
}

// PortTo10 converts to an OpenFlow 1.0 port number; it fails for ports
// that 16 bits cannot hold.
func PortTo10(p PortNo) (uint16, error) {
	switch {
	case p >= 0xffffff00:
		return uint16(p), nil
	case p < 0xff00:
		return uint16(p), nil
	}
	return 0, fmt.Errorf("flow: port %d does not fit OpenFlow 1.0: %w", uint32(p), ErrUnsupported)
}
