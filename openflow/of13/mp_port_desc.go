package of13

import "github.com/ofbox/ofbox/openflow"

// PortDescRequest asks for the description of every port
// (OFPMP_PORT_DESC).
type PortDescRequest struct {
	Flags MultipartFlags
}

func (m *PortDescRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *PortDescRequest) MsgType() uint8               { return mpRequest }
func (m *PortDescRequest) MultipartType() MultipartType { return MultipartPortDesc }

// AppendBinary appends the multipart header; the request has no body.
func (m *PortDescRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartPortDesc, m.Flags), nil
}

func decodePortDescRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &PortDescRequest{Flags: f}, nil
}

// PortDescReply lists the ports of the switch (OFPMP_PORT_DESC).
type PortDescReply struct {
	Flags MultipartFlags
	Ports []Port
}

func (m *PortDescReply) Version() openflow.Version    { return openflow.Version13 }
func (m *PortDescReply) MsgType() uint8               { return mpReply }
func (m *PortDescReply) MultipartType() MultipartType { return MultipartPortDesc }

// AppendBinary appends the multipart header and the ofp_port structures.
func (m *PortDescReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartPortDesc, m.Flags)
	for i := range m.Ports {
		b = AppendPort(b, &m.Ports[i])
	}
	return b, nil
}

func decodePortDescReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.array(b, PortLen); err != nil {
		return nil, err
	}
	m := &PortDescReply{Flags: f}
	if len(b) > 0 {
		m.Ports = make([]Port, 0, len(b)/PortLen)
	}
	for off := 0; off < len(b); off += PortLen {
		p, err := DecodePort(b[off : off+PortLen])
		if err != nil {
			return nil, d.fail(off, err)
		}
		m.Ports = append(m.Ports, p)
	}
	return m, nil
}
