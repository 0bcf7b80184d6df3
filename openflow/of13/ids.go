package of13

import "strconv"

// PortNo is an OpenFlow 1.3 port number (ofp_port_no).
type PortNo uint32

// Reserved port numbers.
const (
	PortMax        PortNo = 0xffffff00 // largest number of a physical or logical port
	PortInPort     PortNo = 0xfffffff8 // the packet's ingress port
	PortTable      PortNo = 0xfffffff9 // submit to the first flow table (packet-out only)
	PortNormal     PortNo = 0xfffffffa // the switch's non-OpenFlow pipeline
	PortFlood      PortNo = 0xfffffffb // all ports but the ingress and blocked ones
	PortAll        PortNo = 0xfffffffc // all ports but the ingress one
	PortController PortNo = 0xfffffffd // send to the controller
	PortLocal      PortNo = 0xfffffffe // the switch's local networking stack
	PortAny        PortNo = 0xffffffff // wildcard in requests and filters
)

// String prints a reserved port by its ovs-ofctl name ("CONTROLLER") and
// any other port in decimal.
func (p PortNo) String() string {
	switch p {
	case PortInPort:
		return "IN_PORT"
	case PortTable:
		return "TABLE"
	case PortNormal:
		return "NORMAL"
	case PortFlood:
		return "FLOOD"
	case PortAll:
		return "ALL"
	case PortController:
		return "CONTROLLER"
	case PortLocal:
		return "LOCAL"
	case PortAny:
		return "ANY"
	}
	return strconv.FormatUint(uint64(p), 10)
}

// Reserved group numbers (ofp_group).
const (
	GroupMax = 0xffffff00 // largest ordinary group id
	GroupAll = 0xfffffffc // all groups (group delete)
	GroupAny = 0xffffffff // wildcard in requests and filters
)

// Reserved table numbers.
const (
	TableMax uint8 = 0xfe // largest ordinary table id
	TableAll uint8 = 0xff // all tables
)

// NoBuffer is the buffer id of a packet that the switch did not buffer.
const NoBuffer uint32 = 0xffffffff

// Reserved meter numbers (ofp_meter).
const (
	MeterMax        = 0xffff0000 // largest ordinary meter id
	MeterSlowpath   = 0xfffffffd // the meter of the slow datapath
	MeterController = 0xfffffffe // the meter of packets sent to the controller
	MeterAll        = 0xffffffff // all meters (stats and mod requests)
)

// QueueAll selects all queues of a port in queue requests.
const QueueAll = 0xffffffff

// VIDPresent is the bit of an OXM vlan_vid value that says a VLAN tag is
// present (OFPVID_PRESENT).
const VIDPresent uint16 = 0x1000

// VIDNone is the vlan_vid value matching packets without a VLAN tag.
const VIDNone uint16 = 0x0000

// ControllerMaxLenNoBuffer is the output max_len that asks the switch to
// send the whole packet to the controller without buffering it.
const ControllerMaxLenNoBuffer uint16 = 0xffff
