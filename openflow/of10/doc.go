// Package of10 is the OpenFlow 1.0 (wire version 0x01) codec: one struct
// per message body, the ofp_match with its wildcard bits, the OF1.0
// actions, ofp_phy_port, and the stats request/reply kinds. Codec decodes
// message bodies with an explicit switch on the message type; every
// message encodes with AppendBinary.
//
// Decoded messages own their memory (they copy out of the input), except
// PacketIn.Decode, which decodes into a reused value without allocating.
package of10
