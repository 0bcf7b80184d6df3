package of13

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/internal/wire"
)

// meterRequestLen is the length of ofp_meter_multipart_request.
const meterRequestLen = 8

// MeterStatsRequest asks for the statistics of one meter or, with
// MeterAll, of all meters (OFPMP_METER).
type MeterStatsRequest struct {
	Flags   MultipartFlags
	MeterID uint32
}

func (m *MeterStatsRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterStatsRequest) MsgType() uint8               { return mpRequest }
func (m *MeterStatsRequest) MultipartType() MultipartType { return MultipartMeter }

// AppendBinary appends the multipart header and ofp_meter_multipart_request.
func (m *MeterStatsRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMeterRequest(appendMPHeader(b, MultipartMeter, m.Flags), m.MeterID), nil
}

func decodeMeterStatsRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, meterRequestLen); err != nil {
		return nil, err
	}
	return &MeterStatsRequest{Flags: f, MeterID: binary.BigEndian.Uint32(b)}, nil
}

func appendMeterRequest(b []byte, id uint32) []byte {
	b = binary.BigEndian.AppendUint32(b, id)
	return append(b, 0, 0, 0, 0)
}

// Lengths of ofp_meter_stats without its band statistics and of
// ofp_meter_band_stats.
const (
	meterStatsLen     = 40
	meterBandStatsLen = 16
)

// MeterBandStats is the statistics of one band of a meter
// (ofp_meter_band_stats).
type MeterBandStats struct {
	PacketBandCount uint64
	ByteBandCount   uint64
}

// MeterStats is the statistics of one meter (ofp_meter_stats).
type MeterStats struct {
	MeterID       uint32
	FlowCount     uint32 // flows bound to the meter
	PacketInCount uint64
	ByteInCount   uint64
	DurationSec   uint32
	DurationNSec  uint32
	BandStats     []MeterBandStats // one per band, in band order
}

// MeterStatsReply lists meter statistics (OFPMP_METER).
type MeterStatsReply struct {
	Flags MultipartFlags
	Stats []MeterStats
}

func (m *MeterStatsReply) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterStatsReply) MsgType() uint8               { return mpReply }
func (m *MeterStatsReply) MultipartType() MultipartType { return MultipartMeter }

// AppendBinary appends the multipart header and the ofp_meter_stats.
func (m *MeterStatsReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartMeter, m.Flags)
	for i := range m.Stats {
		s := &m.Stats[i]
		start := len(b)
		b = binary.BigEndian.AppendUint32(b, s.MeterID)
		b = append(b, 0, 0, 0, 0, 0, 0, 0, 0)
		b = binary.BigEndian.AppendUint32(b, s.FlowCount)
		b = binary.BigEndian.AppendUint64(b, s.PacketInCount)
		b = binary.BigEndian.AppendUint64(b, s.ByteInCount)
		b = binary.BigEndian.AppendUint32(b, s.DurationSec)
		b = binary.BigEndian.AppendUint32(b, s.DurationNSec)
		for _, c := range s.BandStats {
			b = binary.BigEndian.AppendUint64(b, c.PacketBandCount)
			b = binary.BigEndian.AppendUint64(b, c.ByteBandCount)
		}
		if err := putEntryLen(b, start, 4, "meter stats", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeMeterStatsReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &MeterStatsReply{Flags: f}
	err := d.entries(b, 4, meterStatsLen, func(e []byte, off int) error {
		if r := (len(e) - meterStatsLen) % meterBandStatsLen; r != 0 {
			return d.fail(off+4, fmt.Errorf("%w: meter stats length %d leaves %d bytes of a band", openflow.ErrBadLength, len(e), r))
		}
		r := wire.NewReader(e)
		s := MeterStats{MeterID: r.U32()}
		r.Skip(8)
		s.FlowCount = r.U32()
		s.PacketInCount = r.U64()
		s.ByteInCount = r.U64()
		s.DurationSec = r.U32()
		s.DurationNSec = r.U32()
		if n := r.Len() / meterBandStatsLen; n > 0 {
			s.BandStats = make([]MeterBandStats, n)
			for j := range s.BandStats {
				s.BandStats[j] = MeterBandStats{PacketBandCount: r.U64(), ByteBandCount: r.U64()}
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

// MeterConfigRequest asks for the configuration of one meter or, with
// MeterAll, of all meters (OFPMP_METER_CONFIG).
type MeterConfigRequest struct {
	Flags   MultipartFlags
	MeterID uint32
}

func (m *MeterConfigRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterConfigRequest) MsgType() uint8               { return mpRequest }
func (m *MeterConfigRequest) MultipartType() MultipartType { return MultipartMeterConfig }

// AppendBinary appends the multipart header and ofp_meter_multipart_request.
func (m *MeterConfigRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMeterRequest(appendMPHeader(b, MultipartMeterConfig, m.Flags), m.MeterID), nil
}

func decodeMeterConfigRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, meterRequestLen); err != nil {
		return nil, err
	}
	return &MeterConfigRequest{Flags: f, MeterID: binary.BigEndian.Uint32(b)}, nil
}

// meterConfigLen is the length of ofp_meter_config without its bands.
const meterConfigLen = 8

// MeterConfig is the configuration of one meter (ofp_meter_config).
type MeterConfig struct {
	Flags   MeterFlags
	MeterID uint32
	Bands   []MeterBand
}

// MeterConfigReply lists meter configurations (OFPMP_METER_CONFIG).
type MeterConfigReply struct {
	Flags  MultipartFlags
	Meters []MeterConfig
}

func (m *MeterConfigReply) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterConfigReply) MsgType() uint8               { return mpReply }
func (m *MeterConfigReply) MultipartType() MultipartType { return MultipartMeterConfig }

// AppendBinary appends the multipart header and the ofp_meter_config entries.
func (m *MeterConfigReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartMeterConfig, m.Flags)
	for i := range m.Meters {
		c := &m.Meters[i]
		start := len(b)
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint16(b, uint16(c.Flags))
		b = binary.BigEndian.AppendUint32(b, c.MeterID)
		var err error
		if b, err = AppendMeterBands(b, c.Bands); err != nil {
			return b, fmt.Errorf("meter config %d: %w", i, err)
		}
		if err := putEntryLen(b, start, 0, "meter config", i); err != nil {
			return b, err
		}
	}
	return b, nil
}

func decodeMeterConfigReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	m := &MeterConfigReply{Flags: f}
	err := d.entries(b, 0, meterConfigLen, func(e []byte, off int) error {
		c := MeterConfig{Flags: MeterFlags(binary.BigEndian.Uint16(e[2:])), MeterID: binary.BigEndian.Uint32(e[4:])}
		var err error
		if c.Bands, err = DecodeMeterBands(e[meterConfigLen:]); err != nil {
			return d.fail(off+meterConfigLen, fmt.Errorf("meter config: %w", err))
		}
		m.Meters = append(m.Meters, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// MeterFeaturesRequest asks for the meter capabilities of the switch
// (OFPMP_METER_FEATURES).
type MeterFeaturesRequest struct {
	Flags MultipartFlags
}

func (m *MeterFeaturesRequest) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterFeaturesRequest) MsgType() uint8               { return mpRequest }
func (m *MeterFeaturesRequest) MultipartType() MultipartType { return MultipartMeterFeatures }

// AppendBinary appends the multipart header; the request has no body.
func (m *MeterFeaturesRequest) AppendBinary(b []byte) ([]byte, error) {
	return appendMPHeader(b, MultipartMeterFeatures, m.Flags), nil
}

func decodeMeterFeaturesRequest(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, 0); err != nil {
		return nil, err
	}
	return &MeterFeaturesRequest{Flags: f}, nil
}

// meterFeaturesLen is the length of ofp_meter_features.
const meterFeaturesLen = 16

// MeterFeaturesReply gives the meter capabilities of the switch
// (ofp_meter_features).
type MeterFeaturesReply struct {
	Flags        MultipartFlags
	MaxMeter     uint32
	BandTypes    uint32 // bitmap of the band types supported, bit n for type n
	Capabilities uint32 // the MeterFlags supported (32 bits on the wire)
	MaxBands     uint8  // bands per meter
	MaxColor     uint8
}

func (m *MeterFeaturesReply) Version() openflow.Version    { return openflow.Version13 }
func (m *MeterFeaturesReply) MsgType() uint8               { return mpReply }
func (m *MeterFeaturesReply) MultipartType() MultipartType { return MultipartMeterFeatures }

// AppendBinary appends the multipart header and ofp_meter_features.
func (m *MeterFeaturesReply) AppendBinary(b []byte) ([]byte, error) {
	b = appendMPHeader(b, MultipartMeterFeatures, m.Flags)
	b = binary.BigEndian.AppendUint32(b, m.MaxMeter)
	b = binary.BigEndian.AppendUint32(b, m.BandTypes)
	b = binary.BigEndian.AppendUint32(b, m.Capabilities)
	return append(b, m.MaxBands, m.MaxColor, 0, 0), nil
}

func decodeMeterFeaturesReply(d mpDec, f MultipartFlags, b []byte) (openflow.Message, error) {
	if err := d.fixed(b, meterFeaturesLen); err != nil {
		return nil, err
	}
	r := wire.NewReader(b)
	return &MeterFeaturesReply{
		Flags:        f,
		MaxMeter:     r.U32(),
		BandTypes:    r.U32(),
		Capabilities: r.U32(),
		MaxBands:     r.U8(),
		MaxColor:     r.U8(),
	}, nil
}
