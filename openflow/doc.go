// Package openflow is the version-independent core of the OpenFlow wire
// protocol: the 8-byte header, framing of a byte stream into messages,
// encoding with the header filled in by the connection, decode errors, the
// error value an OpenFlow error message becomes, HELLO version negotiation,
// multipart split and reassembly, and Conn, a connection with ordered
// delivery, batched writes, xid allocation and echo keepalive.
//
// The per-version message bodies live in openflow/of10 (wire version 0x01)
// and openflow/of13 (wire version 0x04). Each of those packages provides a
// Codec that a Conn uses to turn frames into typed messages. The package
// imports only the standard library.
package openflow
