// Package flow is the version-neutral OpenFlow model that controller apps
// and the switch pipeline speak, in the manner of Open vSwitch's meta-flow
// and ofputil layers: match fields from one field table, a fixed-size flow
// Key and a masked Match over it, actions and instructions, flow mods,
// packet in/out, port descriptions and statistics, all printed and parsed
// in ovs-ofctl syntax.
//
// Port numbers, flags and enums use the OpenFlow 1.3 numbering; the
// convert10 and convert13 files translate to and from the wire structs of
// openflow/of10 and openflow/of13 at the edge.
package flow
