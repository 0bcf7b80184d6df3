// Package cbench is a controller load generator in the manner of cbench
// (the OFLOPS controller benchmark): N fake switches, each its own TCP
// connection to the controller, do the switch side of the OpenFlow
// handshake and then send packet-ins carrying Ethernet frames whose source
// MAC addresses cycle through a set of M addresses per switch, counting the
// controller's responses (FLOW_MOD and PACKET_OUT).
//
// Two modes, as cbench has them:
//
//   - Throughput: each switch keeps its pipe full, writing batches of
//     packet-ins as fast as the connection takes them; the figure is
//     responses per second.
//   - Latency: each switch has one packet-in outstanding and sends the next
//     when the response to it comes back; the figure is round trips per
//     second (the sum over the switches, so the mean round trip time is
//     switches/rate).
//
// The packet-ins are encoded once per switch and patched in place (xid,
// buffer id, in_port, MAC addresses), and responses are framed with
// openflow.FrameReader and never decoded beyond the header (and, in latency
// mode, the buffer id), so that the generator is not the bottleneck.
//
// Every packet-in carries a buffer id, as cbench's do, so a controller
// answers each with one message: a FLOW_MOD or PACKET_OUT naming that
// buffer. In latency mode a response completes the round trip when it
// names the outstanding buffer id, or when it is a PACKET_OUT without a
// buffer (a controller that ignores buffers sends the frame back); other
// messages, such as a table-miss FLOW_MOD sent on join, count as responses
// but do not release the next packet-in.
package cbench
