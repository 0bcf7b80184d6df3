// Package ofswitch is the OpenFlow agent of ofbox's switch role: it drives a
// datapath.Datapath from OpenFlow 1.0 and 1.3 controllers, in the manner of
// Open vSwitch's ofproto and connmgr layers.
//
// A Switch keeps an active connection to each controller target (with
// reconnect backoff, 1 s doubling to 8 s) and serves passive listeners for
// management tools such as ovs-ofctl. Each connection speaks the switch side
// of the handshake and then answers features, config, flow, group and meter
// mods, packet-out, barrier, role and async requests and every multipart
// request the datapath can answer; packet-ins, flow-removed and port-status
// go to the connections whose role and async configuration want them.
//
// Fail modes follow Open vSwitch: secure keeps the flows and drops misses
// while no controller is connected; standalone forwards misses by MAC
// learning (datapath SetStandalone) until a controller connects.
//
// The package never imports netstack: ports are datapath.Port values that the
// caller opens (AF_PACKET devices in `ofbox switch`, MemPorts in tests).
package ofswitch
