package netstack

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"testing"
)

// checkFrame verifies an Ethernet frame's IPv4 header checksum and its
// TCP or UDP checksum, and returns the L4 protocol and payload.
func checkFrame(f []byte) (proto uint8, payload []byte, err error) {
	if len(f) < 14 {
		return 0, nil, fmt.Errorf("short frame %d bytes", len(f))
	}
	ip := f[14:]
	var l4 []byte
	switch binary.BigEndian.Uint16(f[12:]) {
	case 0x0800:
		ihl := int(ip[0]&0xf) * 4
		if s := csumFold(csumAdd(0, ip[:ihl])); s != 0xffff {
			return 0, nil, fmt.Errorf("ipv4 header checksum sums to %#x; want 0xffff", s)
		}
		proto, l4 = ip[9], ip[ihl:binary.BigEndian.Uint16(ip[2:])]
		ip = ip[:ihl]
	case 0x86dd:
		proto, l4 = ip[6], ip[40:40+int(binary.BigEndian.Uint16(ip[4:]))]
	default:
		return 0, nil, fmt.Errorf("ethertype %#x", binary.BigEndian.Uint16(f[12:]))
	}
	hl := 8
	switch proto {
	case 6:
		hl = int(l4[12]>>4) * 4
	case 17:
		if binary.BigEndian.Uint16(l4[6:]) == 0 {
			return proto, l4[hl:], fmt.Errorf("udp checksum absent")
		}
	default:
		return proto, nil, nil
	}
	if s := csumFold(csumAdd(pseudoSum(ip, proto, len(l4)), l4)); s != 0xffff {
		return proto, nil, fmt.Errorf("l4 (proto %d) checksum sums to %#x; want 0xffff", proto, s)
	}
	return proto, l4[hl:], nil
}

// testPacket builds an Ethernet frame with an IPv4 or IPv6 header and a TCP
// or UDP header whose checksum field holds the pseudo-header sum, as the
// kernel leaves it for CHECKSUM_PARTIAL.
func testPacket(v6 bool, proto uint8, payload []byte) []byte {
	f := make([]byte, 14, 14+40+20+len(payload))
	copy(f, []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2})
	l4len := 8 + len(payload)
	if proto == 6 {
		l4len = 20 + len(payload)
	}
	var ip []byte
	if v6 {
		binary.BigEndian.PutUint16(f[12:], 0x86dd)
		ip = make([]byte, 40)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(l4len))
		ip[6], ip[7] = proto, 64
		copy(ip[8:], bytes.Repeat([]byte{0xfd, 1}, 8))
		copy(ip[24:], bytes.Repeat([]byte{0xfd, 2}, 8))
	} else {
		binary.BigEndian.PutUint16(f[12:], 0x0800)
		ip = make([]byte, 20)
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+l4len))
		binary.BigEndian.PutUint16(ip[4:], 0x1234)
		ip[8], ip[9] = 64, proto
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
		binary.BigEndian.PutUint16(ip[10:], ^csumFold(csumAdd(0, ip)))
	}
	f = append(f, ip...)
	l4 := make([]byte, l4len-len(payload))
	binary.BigEndian.PutUint16(l4[0:], 40000)
	binary.BigEndian.PutUint16(l4[2:], 5001)
	if proto == 6 {
		binary.BigEndian.PutUint32(l4[4:], 1000)
		l4[12], l4[13] = 5<<4, 0x80|0x18|0x01 // CWR PSH ACK FIN
		binary.BigEndian.PutUint16(l4[16:], csumFold(pseudoSum(ip, proto, l4len)))
	} else {
		binary.BigEndian.PutUint16(l4[4:], uint16(l4len))
		binary.BigEndian.PutUint16(l4[6:], csumFold(pseudoSum(ip, proto, l4len)))
	}
	f = append(f, l4...)
	return append(f, payload...)
}

func partialHdr(f []byte, v6 bool, proto uint8) vnetHdr {
	start := 14 + 20
	if v6 {
		start = 14 + 40
	}
	off := uint16(6)
	if proto == 6 {
		off = 16
	}
	return vnetHdr{flags: vnetNeedsCsum, csumStart: uint16(start), csumOffset: off}
}

func TestCompleteChecksum(t *testing.T) {
	for _, tt := range []struct {
		v6      bool
		proto   uint8
		payload int
	}{{false, 6, 0}, {false, 6, 1}, {false, 17, 100}, {false, 17, 33}, {true, 6, 1400}, {true, 17, 7}} {
		name := fmt.Sprintf("v6=%v/proto=%d/%d", tt.v6, tt.proto, tt.payload)
		t.Run(name, func(t *testing.T) {
			f := testPacket(tt.v6, tt.proto, frame(tt.payload, 7))
			if err := completeChecksum(f, partialHdr(f, tt.v6, tt.proto)); err != nil {
				t.Fatalf("completeChecksum = %v", err)
			}
			if _, _, err := checkFrame(f); err != nil {
				t.Errorf("checkFrame after completeChecksum: %v", err)
			}
		})
	}
	f := testPacket(false, 6, nil)
	if err := completeChecksum(f, vnetHdr{csumStart: 50, csumOffset: 16}); err == nil {
		t.Error("completeChecksum(offsets past the end) = nil; want error")
	}
}

func TestSegment(t *testing.T) {
	for _, tt := range []struct {
		v6           bool
		proto        uint8
		payload, mss int
		wantSegs     int
	}{
		{false, 6, 5000, 1448, 4},
		{false, 6, 2896, 1448, 2},
		{true, 6, 60000, 1428, 43},
		{false, 17, 3000, 1000, 3},
		{true, 17, 100, 1000, 1},
	} {
		name := fmt.Sprintf("v6=%v/proto=%d/%d/%d", tt.v6, tt.proto, tt.payload, tt.mss)
		t.Run(name, func(t *testing.T) {
			payload := frame(tt.payload, 3)
			f := testPacket(tt.v6, tt.proto, payload)
			h := partialHdr(f, tt.v6, tt.proto)
			h.gsoSize = uint16(tt.mss)
			h.gsoType = map[bool]uint8{false: gsoTCPv4, true: gsoTCPv6}[tt.v6]
			if tt.proto == 17 {
				h.gsoType = gsoUDPL4
			}
			g, ok := parseGSO(f, h)
			if !ok || g.segs != tt.wantSegs {
				t.Fatalf("parseGSO = %+v, %v; want %d segments", g, ok, tt.wantSegs)
			}
			var got []byte
			for s := range g.segs {
				dst := make([]byte, 2048)
				n := g.segment(dst, f, s)
				if n != g.segLen(f, s) {
					t.Errorf("segment %d length = %d; want segLen %d", s, n, g.segLen(f, s))
				}
				proto, p, err := checkFrame(dst[:n])
				if err != nil || proto != tt.proto {
					t.Fatalf("segment %d: proto %d, %v", s, proto, err)
				}
				got = append(got, p...)
				if tt.proto == 6 {
					l4 := dst[g.l4:]
					seq := binary.BigEndian.Uint32(l4[4:])
					if want := uint32(1000 + s*tt.mss); seq != want {
						t.Errorf("segment %d seq = %d; want %d", s, seq, want)
					}
					flags, want := l4[13], uint8(0x10)
					if s == 0 {
						want |= 0x80
					}
					if s == g.segs-1 {
						want |= 0x09
					}
					if flags&^0x10 != want&^0x10 {
						t.Errorf("segment %d flags = %#x; want %#x", s, flags, want)
					}
				}
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("reassembled payload differs: %d bytes; want %d", len(got), len(payload))
			}
			// Segment 0 cut in place, as Read does.
			if n := g.segment(f, f, 0); n < 0 {
				t.Fatal("in-place segment 0 failed")
			} else if _, _, err := checkFrame(f[:n]); err != nil {
				t.Errorf("in-place segment 0: %v", err)
			}
		})
	}
}

func BenchmarkCompleteChecksum(b *testing.B) {
	f := testPacket(false, 6, frame(1448, 1))
	h := partialHdr(f, false, 6)
	b.ReportAllocs()
	b.SetBytes(int64(len(f)))
	for b.Loop() {
		binary.BigEndian.PutUint16(f[14+20+16:], 0)
		completeChecksum(f, h)
	}
}

func TestCompleteChecksumSCTP(t *testing.T) {
	// Ethernet, IPv4 (proto 132), SCTP common header and a 4-byte chunk.
	f := make([]byte, 14+20+12+4)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	f[14], f[14+9] = 0x45, 132
	copy(f[34+12:], "ping")
	f[34+8] = 0xee // garbage where the checksum goes
	h := vnetHdr{flags: vnetNeedsCsum, csumStart: 34, csumOffset: 8}
	if err := completeChecksum(f, h); err != nil {
		t.Fatalf("completeChecksum = %v", err)
	}
	got := binary.LittleEndian.Uint32(f[34+8:])
	clear(f[34+8 : 34+12])
	if want := crc32.Checksum(f[34:], crc32.MakeTable(crc32.Castagnoli)); got != want {
		t.Errorf("sctp checksum = %#x; want crc32c %#x", got, want)
	}
	// RFC 3720 B.4: 32 zero bytes have CRC32c 0x8a9136aa.
	if got := crc32.Checksum(make([]byte, 32), castagnoli()); got != 0x8a9136aa {
		t.Errorf("crc32c(32 zeros) = %#x; want 0x8a9136aa", got)
	}
}
