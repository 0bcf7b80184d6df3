package of13

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// bucketHeaderLen is the length of ofp_bucket without its actions.
const bucketHeaderLen = 16

// Bucket is one bucket of a group (ofp_bucket).
type Bucket struct {
	Weight     uint16 // for select groups
	WatchPort  PortNo // for fast failover groups; PortAny when unused
	WatchGroup uint32 // for fast failover groups; GroupAny when unused
	Actions    []Action
}

// AppendBuckets appends the bucket list bs to b.
func AppendBuckets(b []byte, bs []Bucket) ([]byte, error) {
	start := len(b)
	for i := range bs {
		k := &bs[i]
		s := len(b)
		b = binary.BigEndian.AppendUint16(b, 0)
		b = binary.BigEndian.AppendUint16(b, k.Weight)
		b = binary.BigEndian.AppendUint32(b, uint32(k.WatchPort))
		b = binary.BigEndian.AppendUint32(b, k.WatchGroup)
		b = append(b, 0, 0, 0, 0)
		var err error
		if b, err = AppendActions(b, k.Actions); err != nil {
			return b[:start], fmt.Errorf("bucket %d: %w", i, err)
		}
		n := len(b) - s
		if n > 0xffff {
			return b[:start], fmt.Errorf("bucket %d: %w: %d bytes", i, openflow.ErrTooLong, n)
		}
		binary.BigEndian.PutUint16(b[s:], uint16(n))
	}
	return b, nil
}

// DecodeBuckets decodes b, which holds exactly a bucket list.
func DecodeBuckets(b []byte) ([]Bucket, error) {
	bs, err := decodeBuckets(b)
	if err != nil {
		return nil, withCode(err, bucketCodes)
	}
	return bs, nil
}

func decodeBuckets(b []byte) ([]Bucket, error) {
	bs := make([]Bucket, 0, min(len(b)/bucketHeaderLen, 32))
	for off := 0; off < len(b); {
		p := b[off:]
		if len(p) < bucketHeaderLen {
			return nil, fmt.Errorf("bucket at offset %d: %w: %d bytes left for a 16-byte header", off, openflow.ErrTruncated, len(p))
		}
		n := int(binary.BigEndian.Uint16(p))
		if n < bucketHeaderLen || n%8 != 0 {
			return nil, fmt.Errorf("bucket at offset %d: %w: length %d", off, openflow.ErrBadLength, n)
		}
		if n > len(p) {
			return nil, fmt.Errorf("bucket at offset %d: %w: length %d, %d bytes left", off, openflow.ErrTruncated, n, len(p))
		}
		as, err := DecodeActions(p[bucketHeaderLen:n])
		if err != nil {
			return nil, fmt.Errorf("bucket at offset %d: %w", off, err)
		}
		bs = append(bs, Bucket{
			Weight:     binary.BigEndian.Uint16(p[2:]),
			WatchPort:  PortNo(binary.BigEndian.Uint32(p[4:])),
			WatchGroup: binary.BigEndian.Uint32(p[8:]),
			Actions:    as,
		})
		off += n
	}
	return bs, nil
}

// String prints the bucket as ovs-ofctl does:
// "bucket=weight:10,watch_port:1,actions=output:2".
func (k Bucket) String() string {
	var s strings.Builder
	s.WriteString("bucket=")
	if k.Weight != 0 {
		fmt.Fprintf(&s, "weight:%d,", k.Weight)
	}
	if k.WatchPort != PortAny {
		fmt.Fprintf(&s, "watch_port:%s,", k.WatchPort)
	}
	if k.WatchGroup != GroupAny {
		fmt.Fprintf(&s, "watch_group:%d,", k.WatchGroup)
	}
	s.WriteString("actions=")
	s.WriteString(ActionsString(k.Actions))
	return s.String()
}
