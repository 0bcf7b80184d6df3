package of13

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// Field widths of ofp_desc.
const (
	descStrLen   = 256
	serialNumLen = 32
	descLen      = 4*descStrLen + serialNumLen
)

// DescRequest asks for the switch description (OFPMP_DESC).
type DescRequest struct {
	Flags MultipartFlags
}

func (m *DescRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *DescRequest) MsgType() uint8               { return mpRequest }
func (m *DescRequest) MultipartType() MultipartType { return MultipartDesc }
func (m *DescRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartDesc, m.Flags), nil
}

func decodeDescRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &DescRequest{Flags: f}, nil
}

// DescReply describes the switch (ofp_desc). The strings are NUL-padded
// fields on the wire: encoding cuts them to 255 bytes (SerialNum to 31).
type DescReply struct {
	Flags     MultipartFlags
	MfrDesc   string // manufacturer
	HWDesc    string // hardware
	SWDesc    string // software
	SerialNum string
	DPDesc    string // human readable description of the datapath
}

func (m *DescReply) Version() openflow.Version    { return openflow.Version13 }
func (m *DescReply) MsgType() uint8               { return mpReply }
func (m *DescReply) MultipartType() MultipartType { return MultipartDesc }

// AppendBinary appends the multipart header and ofp_desc.
func (m *DescReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartDesc, m.Flags)
	b = wire.AppendString(b, m.MfrDesc, descStrLen)
	b = wire.AppendString(b, m.HWDesc, descStrLen)
	b = wire.AppendString(b, m.SWDesc, descStrLen)
	b = wire.AppendString(b, m.SerialNum, serialNumLen)
	return wire.AppendString(b, m.DPDesc, descStrLen), nil
}

func decodeDescReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, descLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(b)
	return &DescReply{
		Flags:     f,
		MfrDesc:   r.String(descStrLen),
		HWDesc:    r.String(descStrLen),
		SWDesc:    r.String(descStrLen),
		SerialNum: r.String(serialNumLen),
		DPDesc:    r.String(descStrLen),
	}, nil
}
