package datapath

import "github.com/ofbox/ofbox/openflow"

// OpenFlow 1.3 error types (OFPET_*) the datapath answers with.
const (
	ErrTypeBadRequest     uint16 = 1
	ErrTypeBadAction      uint16 = 2
	ErrTypeBadInstruction uint16 = 3
	ErrTypeBadMatch       uint16 = 4
	ErrTypeFlowModFailed  uint16 = 5
	ErrTypeGroupModFailed uint16 = 6
	ErrTypePortModFailed  uint16 = 7
	ErrTypeMeterModFailed uint16 = 12
)

// Codes of those types, OpenFlow 1.3 numbering.
const (
	BadRequestBufferEmpty   uint16 = 7
	BadRequestBufferUnknown uint16 = 8
	BadRequestBadTableID    uint16 = 9
	BadRequestBadPort       uint16 = 11
	BadRequestBadPacket     uint16 = 12

	BadActionBadType        uint16 = 0
	BadActionBadOutPort     uint16 = 4
	BadActionBadArgument    uint16 = 5
	BadActionBadOutGroup    uint16 = 9
	BadActionBadSetType     uint16 = 13
	BadActionBadSetArgument uint16 = 15

	BadInstructionUnknown    uint16 = 0
	BadInstructionUnsup      uint16 = 1
	BadInstructionBadTableID uint16 = 2

	FlowModUnknown    uint16 = 0
	FlowModTableFull  uint16 = 1
	FlowModBadTableID uint16 = 2
	FlowModOverlap    uint16 = 3
	FlowModBadCommand uint16 = 6
	FlowModBadFlags   uint16 = 7

	GroupModExists        uint16 = 0
	GroupModInvalid       uint16 = 1
	GroupModOutOfBuckets  uint16 = 4
	GroupModLoop          uint16 = 7
	GroupModUnknownGroup  uint16 = 8
	GroupModBadType       uint16 = 10
	GroupModBadCommand    uint16 = 11
	GroupModBadBucket     uint16 = 12
	GroupModBadWatch      uint16 = 13
	PortModBadPort        uint16 = 0
	MeterModExists        uint16 = 1
	MeterModInvalidMeter  uint16 = 2
	MeterModUnknownMeter  uint16 = 3
	MeterModBadCommand    uint16 = 4
	MeterModBadFlags      uint16 = 5
	MeterModBadRate       uint16 = 6
	MeterModBadBand       uint16 = 8
	MeterModOutOfMeters   uint16 = 10
	MeterModOutOfBands    uint16 = 11
	BadMatchBadPrereqCode uint16 = 9
)

// ofError returns the OpenFlow error a request is refused with. It carries
// OpenFlow 1.3 numbers and no Data: the agent fills in the offending bytes
// and, for OpenFlow 1.0 peers, maps the type and code.
func ofError(typ, code uint16) *openflow.ErrorMsg {
	return &openflow.ErrorMsg{Ver: openflow.Version13, Type: typ, Code: code}
}
