package of10

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// StatsPortDesc is OFPST_PORT_DESC as Open vSwitch speaks it in OpenFlow
// 1.0: an extension borrowing OpenFlow 1.3's OFPMP_PORT_DESC number (13),
// so that `ovs-ofctl -O OpenFlow10 dump-ports-desc` works without a
// features request. The reply carries ofp_phy_port entries.
const StatsPortDesc StatsType = 13

// PortDescStatsRequest is an OFPST_PORT_DESC request; its body is empty.
type PortDescStatsRequest struct {
	Flags StatsFlags
}

func (*PortDescStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*PortDescStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*PortDescStatsRequest) StatsType() StatsType      { return StatsPortDesc }

// AppendBinary appends the stats header.
func (m *PortDescStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendStatsHeader(b, StatsPortDesc, m.Flags), nil
}

// PortDescStatsReply is an OFPST_PORT_DESC reply.
type PortDescStatsReply struct {
	Flags StatsFlags
	Ports []Port
}

func (*PortDescStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*PortDescStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*PortDescStatsReply) StatsType() StatsType      { return StatsPortDesc }

// AppendBinary appends the stats header and each ofp_phy_port.
func (m *PortDescStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendStatsHeader(b, StatsPortDesc, m.Flags)
	for i := range m.Ports {
		b = AppendPort(b, &m.Ports[i])
	}
	return b, nil
}

func decodePortDescStatsReply(f StatsFlags, p []byte) (*PortDescStatsReply, error) {
	if err := checkEntries(p, PortLen, "ofp_phy_port"); err != nil {
		return nil, err
	}
	m := &PortDescStatsReply{Flags: f}
	for r := wire.NewReader(p); r.Len() > 0; {
		m.Ports = append(m.Ports, readPort(&r))
	}
	return m, nil
}
