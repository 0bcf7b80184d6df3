package of10

import "strconv"

// PortNo is an OpenFlow 1.0 port number.
type PortNo uint16

// Reserved and limit port numbers.
const (
	PortMax        PortNo = 0xff00 // largest physical port number
	PortInPort     PortNo = 0xfff8 // the port the packet came in on
	PortTable      PortNo = 0xfff9 // run the flow table (packet-out only)
	PortNormal     PortNo = 0xfffa // the switch's normal L2/L3 processing
	PortFlood      PortNo = 0xfffb // all ports but the input port and those with flooding off
	PortAll        PortNo = 0xfffc // all ports but the input port
	PortController PortNo = 0xfffd // to the controller
	PortLocal      PortNo = 0xfffe // the switch's local port
	PortNone       PortNo = 0xffff // no port
)

var portNames = [...]string{"IN_PORT", "TABLE", "NORMAL", "FLOOD", "ALL", "CONTROLLER", "LOCAL", "ANY"}

// String prints a reserved port by its name as ovs-ofctl does
// ("CONTROLLER"; PortNone, OFPP_NONE in the specification, prints as
// "ANY") and any other port in decimal.
func (p PortNo) String() string {
	if p >= PortInPort {
		return portNames[p-PortInPort]
	}
	return strconv.Itoa(int(p))
}

// Other reserved values.
const (
	// NoBuffer is the buffer id of a packet that the switch did not buffer.
	NoBuffer uint32 = 0xffffffff
	// TableAll selects all tables in a flow stats request.
	TableAll uint8 = 0xff
	// QueueAll selects all queues in a queue stats request.
	QueueAll uint32 = 0xffffffff
	// VLANNone is the dl_vlan of a frame without a VLAN header.
	VLANNone uint16 = 0xffff
)
