// Package tsharktest has Wireshark's OpenFlow dissector, through tshark,
// read OpenFlow messages as an oracle for tests: each message goes into a
// capture as one TCP segment to port 6653, and tshark says how it read
// each one.
package tsharktest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/internal/testnet"
)

// Port is the TCP port the segments go to: the OpenFlow dissector's.
const Port = 6653

// Frame is how tshark read one message.
type Frame struct {
	Version uint8  // openflow.version
	Type    int    // the message type by the version's dissector; -1 when none dissected it
	Length  int    // the header's length field as the dissector read it
	Xid     uint32 // the header's xid as the dissector read it
	// Expert are the expert infos of warning or error severity, "error:
	// message", but for two groups: checksum ones judge a frame a
	// packet-in or packet-out carries, which is a test's data, not the
	// codec's output; undecoded ones ("Message data not dissected yet")
	// are where Wireshark's dissector stops, most of OpenFlow 1.0's
	// bodies.
	Expert []string
}

// Tshark returns tshark's path, or skips the test; under CI a missing
// tshark fails it.
func Tshark(t testing.TB) string {
	t.Helper()
	testnet.RequireTools(t, "tshark")
	p, err := exec.LookPath("tshark")
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	return p
}

// Dissect has tshark read msgs, one TCP segment each (each its own TCP
// connection, so no message is taken for part of another), and returns
// how it read each, in order.
func Dissect(t testing.TB, msgs [][]byte) []Frame {
	t.Helper()
	tshark := Tshark(t)
	path := filepath.Join(t.TempDir(), "openflow.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	err = WritePcap(f, msgs)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("%v", err)
	}
	// OpenFlow 1.0's dissector names its header fields openflow.*, 1.3's
	// openflow_v4.*; a message's own header comes first where a message
	// nests others (an error's data).
	fields := []string{"openflow.version", "openflow_v4.version", "openflow_1_0.type", "openflow_v4.type",
		"openflow.length", "openflow_v4.length", "openflow.xid", "openflow_v4.xid",
		"_ws.expert.severity", "_ws.expert.group", "_ws.expert.message"}
	args := []string{"-n", "-r", path, "-o", "tcp.analyze_sequence_numbers:FALSE", "-T", "fields",
		"-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|"}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	cmd := exec.Command(tshark, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("tshark: %v\n%s", err, stderr.Bytes())
	}
	frames, err := parseFields(out, len(msgs))
	if err != nil {
		t.Fatalf("tshark output: %v\n%s", err, out)
	}
	return frames
}

// parseFields reads tshark's tab-separated fields, one line per frame.
func parseFields(out []byte, n int) ([]Frame, error) {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != n {
		return nil, fmt.Errorf("%d frames, want %d", len(lines), n)
	}
	frames := make([]Frame, n)
	for i, line := range lines {
		f := strings.Split(line, "\t")
		if len(f) != 11 {
			return nil, fmt.Errorf("frame %d: %d fields, want 11: %q", i+1, len(f), line)
		}
		var fr Frame
		num := func(s string) int64 {
			s, _, _ = strings.Cut(s, "|") // a value can repeat (nested headers): the first is the message's
			v, err := strconv.ParseInt(s, 0, 64)
			if err != nil {
				return -1
			}
			return v
		}
		first := func(a, b string) int64 {
			if v := num(a); v >= 0 {
				return v
			}
			return num(b)
		}
		fr.Version = uint8(first(f[0], f[1]))
		fr.Type = int(first(f[2], f[3]))
		fr.Length = int(first(f[4], f[5]))
		fr.Xid = uint32(first(f[6], f[7]))
		sev, group, msg := splitAgg(f[8]), splitAgg(f[9]), splitAgg(f[10])
		for j, s := range sev {
			const piWarn, piChecksum, piUndecoded = 0x00600000, 0x01000000, 0x05000000
			if j >= len(msg) || j >= len(group) {
				break
			}
			if g := num(group[j]); g == piChecksum || g == piUndecoded {
				continue
			}
			if v := num(s); v >= piWarn {
				fr.Expert = append(fr.Expert, severityName(v)+": "+msg[j])
			}
		}
		frames[i] = fr
	}
	return frames, nil
}

func splitAgg(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

func severityName(v int64) string {
	if v >= 0x00800000 {
		return "error"
	}
	return "warning"
}

// WritePcap writes a pcap capture of msgs, each as the payload of one
// Ethernet/IPv4/TCP segment from 10.0.0.1:(40000+i) to 10.0.0.2:Port.
func WritePcap(w io.Writer, msgs [][]byte) error {
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144) // snaplen
	binary.LittleEndian.PutUint32(hdr[20:], 1)      // LINKTYPE_ETHERNET
	b.Write(hdr)
	for i, m := range msgs {
		if len(m) > 65535-40 {
			return fmt.Errorf("message %d: %d bytes, more than one IPv4 packet holds", i, len(m))
		}
		pkt := segment(uint16(40000+i), m)
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[0:], uint32(i+1)) // ts_sec: frame i at i s
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(pkt)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(pkt)))
		b.Write(rec)
		b.Write(pkt)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// segment is an Ethernet frame with one TCP segment carrying payload.
func segment(srcPort uint16, payload []byte) []byte {
	p := make([]byte, 14+20+20, 14+20+20+len(payload))
	copy(p[0:6], []byte{0x02, 0, 0, 0, 0, 2})
	copy(p[6:12], []byte{0x02, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(p[12:], 0x0800)
	ip := p[14:34]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
	ip[8] = 64
	ip[9] = 6 // TCP
	copy(ip[12:16], []byte{10, 0, 0, 1})
	copy(ip[16:20], []byte{10, 0, 0, 2})
	binary.BigEndian.PutUint16(ip[10:], checksum(ip))
	tcp := p[34:54]
	binary.BigEndian.PutUint16(tcp[0:], srcPort)
	binary.BigEndian.PutUint16(tcp[2:], Port)
	binary.BigEndian.PutUint32(tcp[4:], 1) // seq
	binary.BigEndian.PutUint32(tcp[8:], 1) // ack
	tcp[12] = 5 << 4
	tcp[13] = 0x18 // PSH, ACK
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	return append(p, payload...)
}

// checksum is the Internet checksum of b.
func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}

// CheckMessages has tshark read each of msgs (named by names, for the
// errors) and checks that Wireshark's dissector reads the header ofbox
// wrote, version, type, length and xid, and finds nothing wrong: no
// malformed packet, no expert info of warning or error severity. exempt
// names the messages whose expert infos are Wireshark's own limits, each
// with the reason; their headers are still checked.
func CheckMessages(t testing.TB, names []string, msgs [][]byte, exempt map[string]string) {
	t.Helper()
	frames := Dissect(t, msgs)
	used := make(map[string]bool)
	for i, f := range frames {
		raw, name := msgs[i], names[i]
		if len(raw) < 8 {
			t.Errorf("%s: %d bytes, shorter than an OpenFlow header", name, len(raw))
			continue
		}
		want := Frame{Version: raw[0], Type: int(raw[1]), Length: int(binary.BigEndian.Uint16(raw[2:])),
			Xid: binary.BigEndian.Uint32(raw[4:])}
		if f.Version != want.Version || f.Type != want.Type || f.Length != want.Length || f.Xid != want.Xid {
			t.Errorf("%s: tshark read version %d type %d length %d xid %d; want %d %d %d %d",
				name, f.Version, f.Type, f.Length, f.Xid, want.Version, want.Type, want.Length, want.Xid)
		}
		if want.Length != len(raw) {
			t.Errorf("%s: header length %d, message %d bytes", name, want.Length, len(raw))
		}
		if len(f.Expert) == 0 {
			continue
		}
		if _, ok := exempt[name]; ok {
			used[name] = true
			continue
		}
		t.Errorf("%s: tshark says %s", name, strings.Join(f.Expert, "; "))
	}
	for name, why := range exempt {
		if !used[name] {
			t.Errorf("%s is exempt (%s), but tshark found nothing wrong with it: drop the exemption", name, why)
		}
	}
}
