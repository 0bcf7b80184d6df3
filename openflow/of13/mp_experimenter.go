package of13

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
)

// experimenterMultipartLen is the length of
// ofp_experimenter_multipart_header.
const experimenterMultipartLen = 8

// ExperimenterMultipartRequest is an experimenter's multipart request
// (OFPMP_EXPERIMENTER), its body kept raw.
type ExperimenterMultipartRequest struct {
	Flags        MultipartFlags
	Experimenter uint32
	ExpType      uint32
	Data         []byte
}

func (m *ExperimenterMultipartRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *ExperimenterMultipartRequest) MsgType() uint8               { return mpRequest }
func (m *ExperimenterMultipartRequest) MultipartType() MultipartType { return MultipartExperimenter }

// AppendBinary appends the multipart header, the experimenter header and
// the data.
func (m *ExperimenterMultipartRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendExperimenterMultipart(appendMPHeader(b, MultipartExperimenter, m.Flags), m.Experimenter, m.ExpType, m.Data), nil
}

func decodeExperimenterMultipartRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if len(b) < experimenterMultipartLen {
		return nil, d.short(0, "experimenter header", len(b), experimenterMultipartLen)
	}
	return &ExperimenterMultipartRequest{
		Flags:        f,
		Experimenter: binary.BigEndian.Uint32(b),
		ExpType:      binary.BigEndian.Uint32(b[4:]),
		Data:         append([]byte(nil), b[experimenterMultipartLen:]...),
	}, nil
}

// ExperimenterMultipartReply is an experimenter's multipart reply
// (OFPMP_EXPERIMENTER), its body kept raw.
type ExperimenterMultipartReply struct {
	Flags        MultipartFlags
	Experimenter uint32
	ExpType      uint32
	Data         []byte
}

func (m *ExperimenterMultipartReply) Version() openflow.Version    { return openflow.Version13 }
func (m *ExperimenterMultipartReply) MsgType() uint8               { return mpReply }
func (m *ExperimenterMultipartReply) MultipartType() MultipartType { return MultipartExperimenter }

// AppendBinary appends the multipart header, the experimenter header and
// the data.
func (m *ExperimenterMultipartReply) AppendBinary(b []byte) ([]byte, error) {
	return appendExperimenterMultipart(appendMPHeader(b, MultipartExperimenter, m.Flags), m.Experimenter, m.ExpType, m.Data), nil
}

func decodeExperimenterMultipartReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if len(b) < experimenterMultipartLen {
		return nil, d.short(0, "experimenter header", len(b), experimenterMultipartLen)
	}
	return &ExperimenterMultipartReply{
		Flags:        f,
		Experimenter: binary.BigEndian.Uint32(b),
		ExpType:      binary.BigEndian.Uint32(b[4:]),
		Data:         append([]byte(nil), b[experimenterMultipartLen:]...),
	}, nil
}

func appendExperimenterMultipart(b []byte, exp, expType uint32, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, exp)
	b = binary.BigEndian.AppendUint32(b, expType)
	return append(b, data...)
}
