package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// groupStatsRequestLen is the length of ofp_group_stats_request.
const groupStatsRequestLen = 8

// GroupStatsRequest asks for the statistics of one group or, with
// GroupAll, of all groups (OFPMP_GROUP).
type GroupStatsRequest struct {
	Flags   MultipartFlags
	GroupID uint32
}

func (m *GroupStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupStatsRequest) MsgType() uint8               { return mpRequest }
func (m *GroupStatsRequest) MultipartType() MultipartType { return MultipartGroup }

// AppendBinary appends the multipart header and ofp_group_stats_request.
func (m *GroupStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartGroup, m.Flags)
	b = binary.BigEndian.AppendUint32(b, m.GroupID)
	return append(b, 0, 0, 0, 0), nil
}

func decodeGroupStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, groupStatsRequestLen); err != nil {
		return nil, err
	}
	return &GroupStatsRequest{Flags: f, GroupID: binary.BigEndian.Uint32(b)}, nil
}

// Lengths of ofp_group_stats without its bucket counters and of
// ofp_bucket_counter.
const (
	groupStatsLen    = 40
	bucketCounterLen = 16
)

// BucketCounter is the statistics of one bucket of a group
// (ofp_bucket_counter).
type BucketCounter struct {
	PacketCount uint64
	ByteCount   uint64
}

// GroupStats is the statistics of one group (ofp_group_stats).
type GroupStats struct {
	GroupID      uint32
	RefCount     uint32 // flows or groups that forward to this group
	PacketCount  uint64
	ByteCount    uint64
	DurationSec  uint32
	DurationNSec uint32
	BucketStats  []BucketCounter // one per bucket, in bucket order
}

// GroupStatsReply lists group statistics (OFPMP_GROUP).
type GroupStatsReply struct {
	Flags MultipartFlags
	Stats []GroupStats
}

func (m *GroupStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupStatsReply) MsgType() uint8               { return mpReply }
func (m *GroupStatsReply) MultipartType() MultipartType { return MultipartGroup }

// AppendBinary appends the multipart header and the ofp_group_stats.
func (m *GroupStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartGroup, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		start := len(b)
		b = append(b, 0, 0, 0, 0)
		b = binary.BigEndian.AppendUint32(b, s.GroupID)
		b = binary.BigEndian.AppendUint32(b, s.RefCount)
		b = append(b, 0, 0, 0, 0)
		b = binary.BigEndian.AppendUint64(b, s.PacketCount)
		b = binary.BigEndian.AppendUint64(b, s.ByteCount)
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNSec)
		for _, c := range s.BucketStats {
			b = binary.BigEndian.AppendUint64(b, c.PacketCount)
			b = binary.BigEndian.AppendUint64(b, c.ByteCount)
		}
		if err := putEntryLen(b, start, 0, "group stats", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeGroupStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &GroupStatsReply{Flags: f}
	err := d.entries(b, 0, groupStatsLen, func(e []byte, off int) error {
		if r := (len(e) - groupStatsLen) % bucketCounterLen; r != 0 {
			return d.fail(off, fmt.Errorf("%w: group stats length %d leaves %d bytes of a bucket counter", openflow.ErrBadLength, len(e), r))
		}
		r := wire.NewReader(e)
		r.Skip(4)
		s := GroupStats{GroupID: r.U32(), RefCount: r.U32()}
		r.Skip(4)
		s.PacketCount = r.U64()
		s.ByteCount = r.U64()
		s.DurationSec = r.U32()
		s.DurationNSec = r.U32()
		if n := r.Len() / bucketCounterLen; n > 0 {
			s.BucketStats = make([]BucketCounter, n)
			for j := range s.BucketStats {
				s.BucketStats[j] = BucketCounter{PacketCount: r.U64(), ByteCount: r.U64()}
			}
		}
		m.Stats = append(m.Stats, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// GroupDescRequest asks for the description of every group
// (OFPMP_GROUP_DESC).
type GroupDescRequest struct {
	Flags MultipartFlags
}

func (m *GroupDescRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupDescRequest) MsgType() uint8               { return mpRequest }
func (m *GroupDescRequest) MultipartType() MultipartType { return MultipartGroupDesc }

// AppendBinary appends the multipart header; the request has no body.
func (m *GroupDescRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartGroupDesc, m.Flags), nil
}

func decodeGroupDescRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &GroupDescRequest{Flags: f}, nil
}

// groupDescLen is the length of ofp_group_desc without its buckets.
const groupDescLen = 8

// GroupDesc describes one group (ofp_group_desc).
type GroupDesc struct {
	Type    GroupType
	GroupID uint32
	Buckets []Bucket
}

// GroupDescReply lists group descriptions (OFPMP_GROUP_DESC).
type GroupDescReply struct {
	Flags  MultipartFlags
	Groups []GroupDesc
}

func (m *GroupDescReply) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupDescReply) MsgType() uint8               { return mpReply }
func (m *GroupDescReply) MultipartType() MultipartType { return MultipartGroupDesc }

// AppendBinary appends the multipart header and the ofp_group_desc entries.
func (m *GroupDescReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartGroupDesc, m.Flags)
	for i := range m.Groups {
		g := &m.Groups[i]
		start := len(b)
		b = append(b, 0, 0, uint8(g.Type), 0)
		b = binary.BigEndian.AppendUint32(b, g.GroupID)
		var err error
		if b, err = AppendBuckets(b, g.Buckets); err != nil {
			return b, fmt.Errorf("group desc %d: %w", i, err)
		}
		if err := putEntryLen(b, start, 0, "group desc", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeGroupDescReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &GroupDescReply{Flags: f}
	err := d.entries(b, 0, groupDescLen, func(e []byte, off int) error {
		g := GroupDesc{Type: GroupType(e[2]), GroupID: binary.BigEndian.Uint32(e[4:])}
		var err error
		if g.Buckets, err = DecodeBuckets(e[groupDescLen:]); err != nil {
			return d.fail(off+groupDescLen, fmt.Errorf("group desc: %w", err))
		}
		m.Groups = append(m.Groups, g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// GroupFeaturesRequest asks for the group capabilities of the switch
// (OFPMP_GROUP_FEATURES).
type GroupFeaturesRequest struct {
	Flags MultipartFlags
}

func (m *GroupFeaturesRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupFeaturesRequest) MsgType() uint8               { return mpRequest }
func (m *GroupFeaturesRequest) MultipartType() MultipartType { return MultipartGroupFeatures }

// AppendBinary appends the multipart header; the request has no body.
func (m *GroupFeaturesRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartGroupFeatures, m.Flags), nil
}

func decodeGroupFeaturesRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &GroupFeaturesRequest{Flags: f}, nil
}

// GroupCapabilities is the set of group capabilities of a switch
// (ofp_group_capabilities).
type GroupCapabilities uint32

// The group capabilities.
const (
	GroupCapSelectWeight   GroupCapabilities = 1 << 0 // weights for select groups
	GroupCapSelectLiveness GroupCapabilities = 1 << 1 // liveness for select groups
	GroupCapChaining       GroupCapabilities = 1 << 2 // groups that forward to groups
	GroupCapChainingChecks GroupCapabilities = 1 << 3 // loop checks on chaining
)

// String names the capabilities ("select_weight chaining"), "0" for none.
func (c GroupCapabilities) String() string {
	return msgFlagsString(uint32(c), []msgFlag{
		{1 << 0, "select_weight"}, {1 << 1, "select_liveness"}, {1 << 2, "chaining"}, {1 << 3, "chaining_checks"},
	})
}

// groupFeaturesLen is the length of ofp_group_features.
const groupFeaturesLen = 40

// GroupFeaturesReply gives the group capabilities of the switch
// (ofp_group_features). The arrays are indexed by group type (all, select,
// indirect, fast failover).
type GroupFeaturesReply struct {
	Flags        MultipartFlags
	Types        uint32 // bitmap of the group types supported, bit n for type n
	Capabilities GroupCapabilities
	MaxGroups    [4]uint32 // maximum number of groups of each type
	Actions      [4]uint32 // bitmaps of the action types supported, bit n for type n
}

func (m *GroupFeaturesReply) Version() openflow.Version    { return openflow.Version13 }
func (m *GroupFeaturesReply) MsgType() uint8               { return mpReply }
func (m *GroupFeaturesReply) MultipartType() MultipartType { return MultipartGroupFeatures }

// AppendBinary appends the multipart header and ofp_group_features.
func (m *GroupFeaturesReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartGroupFeatures, m.Flags)
	b = binary.BigEndian.AppendUint32(b, m.Types)
	b = binary.BigEndian.AppendUint32(b, uint32(m.Capabilities))
	for _, v := range m.MaxGroups {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	for _, v := range m.Actions {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	return b, nil
}

func decodeGroupFeaturesReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, groupFeaturesLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(b)
	m := &GroupFeaturesReply{Flags: f, Types: r.U32(), Capabilities: GroupCapabilities(r.U32())}
	for i := range m.MaxGroups {
		m.MaxGroups[i] = r.U32()
	}
	for i := range m.Actions {
		m.Actions[i] = r.U32()
	}
	return m, nil
}
