package of10

import (
	"encoding/binary"

	"github.com/ofbox/ofbox/openflow"
)

// VendorStatsRequest is an OFPST_VENDOR request: a vendor id and bytes
// only the vendor defines, kept raw.
type VendorStatsRequest struct {
	Flags  StatsFlags
	Vendor uint32
	Data   []byte
}

func (*VendorStatsRequest) Version() openflow.Version { return openflow.Version10 }
func (*VendorStatsRequest) MsgType() uint8            { return uint8(TypeStatsRequest) }
func (*VendorStatsRequest) StatsType() StatsType      { return StatsVendor }

// AppendBinary appends the stats header, the vendor id and the data.
func (m *VendorStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(appendStatsHeader(b, StatsVendor, m.Flags), m.Vendor)
	return append(b, m.Data...), nil
}

func decodeVendorStatsRequest(f StatsFlags, p []byte) (*VendorStatsRequest, error) {
	if len(p) < 4 {
		return nil, truncated(len(p))
	}
	return &VendorStatsRequest{Flags: f, Vendor: binary.BigEndian.Uint32(p), Data: clone(p[4:])}, nil
}

// VendorStatsReply is an OFPST_VENDOR reply, kept raw like the request.
type VendorStatsReply struct {
	Flags  StatsFlags
	Vendor uint32
	Data   []byte
}

func (*VendorStatsReply) Version() openflow.Version { return openflow.Version10 }
func (*VendorStatsReply) MsgType() uint8            { return uint8(TypeStatsReply) }
func (*VendorStatsReply) StatsType() StatsType      { return StatsVendor }

// AppendBinary appends the stats header, the vendor id and the data.
func (m *VendorStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(appendStatsHeader(b, StatsVendor, m.Flags), m.Vendor)
	return append(b, m.Data...), nil
}

func decodeVendorStatsReply(f StatsFlags, p []byte) (*VendorStatsReply, error) {
	if len(p) < 4 {
		return nil, truncated(len(p))
	}
	return &VendorStatsReply{Flags: f, Vendor: binary.BigEndian.Uint32(p), Data: clone(p[4:])}, nil
}
