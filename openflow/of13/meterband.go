package of13

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/ofbox/ofbox/openflow"
)

// MeterBandType is a meter band type (ofp_meter_band_type).
type MeterBandType uint16

// The OpenFlow 1.3 meter band types.
const (
	MeterBandTypeDrop         MeterBandType = 1
	MeterBandTypeDSCPRemark   MeterBandType = 2
	MeterBandTypeExperimenter MeterBandType = 0xffff
)

// String names t as ovs-ofctl does ("drop", "dscp_remark").
func (t MeterBandType) String() string {
	switch t {
	case MeterBandTypeDrop:
		return "drop"
	case MeterBandTypeDSCPRemark:
		return "dscp_remark"
	case MeterBandTypeExperimenter:
		return "experimenter"
	}
	return "band" + strconv.Itoa(int(t))
}

// ErrUnknownMeterBand: a band list holds a band type OpenFlow 1.3 does not
// define.
var ErrUnknownMeterBand = errors.New("unknown meter band type")

// meterBandLen is the length of the drop and dscp_remark bands and of the
// experimenter band's fixed part.
const meterBandLen = 16

// MeterBand is one band of a meter. The set is closed: the concrete types
// are MeterBandDrop, MeterBandDSCPRemark and MeterBandExperimenter.
type MeterBand interface {
	BandType() MeterBandType
	String() string
	appendBand(b []byte) ([]byte, error)
}

// MeterBandDrop drops packets above the rate.
type MeterBandDrop struct{ Rate, BurstSize uint32 }

// MeterBandDSCPRemark raises the drop precedence of packets above the rate
// by PrecLevel.
type MeterBandDSCPRemark struct {
	Rate, BurstSize uint32
	PrecLevel       uint8
}

// MeterBandExperimenter is a vendor band, its body after the experimenter
// id kept raw. Data is padded with zeros to a multiple of 8 bytes when
// encoded.
type MeterBandExperimenter struct {
	Rate, BurstSize, Experimenter uint32
	Data                          []byte
}

func (MeterBandDrop) BandType() MeterBandType         { return MeterBandTypeDrop }
func (MeterBandDSCPRemark) BandType() MeterBandType   { return MeterBandTypeDSCPRemark }
func (MeterBandExperimenter) BandType() MeterBandType { return MeterBandTypeExperimenter }

func appendBandHdr(b []byte, t MeterBandType, n int, rate, burst uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(t))
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = binary.BigEndian.AppendUint32(b, rate)
	return binary.BigEndian.AppendUint32(b, burst)
}

func (m MeterBandDrop) appendBand(b []byte) ([]byte, error) {
	return append(appendBandHdr(b, MeterBandTypeDrop, meterBandLen, m.Rate, m.BurstSize), 0, 0, 0, 0), nil
}

func (m MeterBandDSCPRemark) appendBand(b []byte) ([]byte, error) {
	return append(appendBandHdr(b, MeterBandTypeDSCPRemark, meterBandLen, m.Rate, m.BurstSize), m.PrecLevel, 0, 0, 0), nil
}

func (m MeterBandExperimenter) appendBand(b []byte) ([]byte, error) {
	n := (meterBandLen + len(m.Data) + 7) &^ 7
	if n > 0xffff {
		return b, fmt.Errorf("experimenter band: %w: %d bytes", openflow.ErrTooLong, n)
	}
	start := len(b)
	b = appendBandHdr(b, MeterBandTypeExperimenter, n, m.Rate, m.BurstSize)
	b = binary.BigEndian.AppendUint32(b, m.Experimenter)
	b = append(b, m.Data...)
	return pad8(b, start), nil
}

// AppendMeterBands appends the band list ms to b.
func AppendMeterBands(b []byte, ms []MeterBand) ([]byte, error) {
	start := len(b)
	for i, m := range ms {
		if m == nil {
			return b[:start], fmt.Errorf("meter band %d: nil band", i)
		}
		var err error
		if b, err = m.appendBand(b); err != nil {
			return b[:start], fmt.Errorf("meter band %d: %w", i, err)
		}
	}
	return b, nil
}

// DecodeMeterBands decodes b, which holds exactly a meter band list.
func DecodeMeterBands(b []byte) ([]MeterBand, error) {
	ms, err := decodeMeterBands(b)
	if err != nil {
		return nil, withCode(err, bandCodes)
	}
	return ms, nil
}

func decodeMeterBands(b []byte) ([]MeterBand, error) {
	ms := make([]MeterBand, 0, min(len(b)/meterBandLen, 16))
	for off := 0; off < len(b); {
		p := b[off:]
		if len(p) < meterBandLen {
			return nil, fmt.Errorf("meter band at offset %d: %w: %d bytes left for 16", off, openflow.ErrTruncated, len(p))
		}
		t := MeterBandType(binary.BigEndian.Uint16(p))
		n := int(binary.BigEndian.Uint16(p[2:]))
		if n < meterBandLen || n%8 != 0 {
			return nil, fmt.Errorf("meter band %s at offset %d: %w: length %d", t, off, openflow.ErrBadLength, n)
		}
		if n > len(p) {
			return nil, fmt.Errorf("meter band %s at offset %d: %w: length %d, %d bytes left", t, off, openflow.ErrTruncated, n, len(p))
		}
		rate, burst := binary.BigEndian.Uint32(p[4:]), binary.BigEndian.Uint32(p[8:])
		var m MeterBand
		switch t {
		case MeterBandTypeDrop:
			m = MeterBandDrop{Rate: rate, BurstSize: burst}
		case MeterBandTypeDSCPRemark:
			m = MeterBandDSCPRemark{Rate: rate, BurstSize: burst, PrecLevel: p[12]}
		case MeterBandTypeExperimenter:
			m = MeterBandExperimenter{Rate: rate, BurstSize: burst, Experimenter: binary.BigEndian.Uint32(p[12:]),
				Data: append([]byte{}, p[meterBandLen:n]...)}
		default:
			return nil, fmt.Errorf("meter band at offset %d: %w %d (%#04x)", off, ErrUnknownMeterBand, uint16(t), uint16(t))
		}
		if t != MeterBandTypeExperimenter && n != meterBandLen {
			return nil, fmt.Errorf("meter band %s at offset %d: %w: length %d, want %d", t, off, openflow.ErrBadLength, n, meterBandLen)
		}
		ms = append(ms, m)
		off += n
	}
	return ms, nil
}

// String methods print bands as ovs-ofctl does.

func (m MeterBandDrop) String() string {
	return fmt.Sprintf("type=drop rate=%d burst_size=%d", m.Rate, m.BurstSize)
}

func (m MeterBandDSCPRemark) String() string {
	return fmt.Sprintf("type=dscp_remark rate=%d burst_size=%d prec_level=%d", m.Rate, m.BurstSize, m.PrecLevel)
}

func (m MeterBandExperimenter) String() string {
	return fmt.Sprintf("type=experimenter rate=%d burst_size=%d experimenter=%#x data=0x%s", m.Rate, m.BurstSize, m.Experimenter, hex.EncodeToString(m.Data))
}
