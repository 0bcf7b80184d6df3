package openflow

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net"
	"os/exec"
	"strings"
	"testing"
)

// mpBody returns a multipart reply body of version v and kind with flags,
// holding entries of the given lengths; entries with a length field get it
// set, and every byte else says which entry it belongs to.
func mpBody(v Version, kind, flags uint16, lens ...int) []byte {
	_, hdrLen, _ := multipartReply(v)
	b := make([]byte, hdrLen)
	binary.BigEndian.PutUint16(b, kind)
	binary.BigEndian.PutUint16(b[2:], flags)
	rule, _ := entryRuleOf(v, kind)
	for i, n := range lens {
		e := bytes.Repeat([]byte{byte(i)}, n)
		if rule.size == 0 {
			binary.BigEndian.PutUint16(e[rule.lenOff:], uint16(n))
		}
		b = append(b, e...)
	}
	return b
}

// splittable lists every kind with entries, per version.
var splittable = []struct {
	v     Version
	kind  uint16
	rule  entryRule
	sizes []int // entry lengths to build replies from
}{
	{Version10, 1, entryRule{lenOff: 0, min: 88}, []int{88, 96, 200}},
	{Version10, 3, entryRule{size: 64}, []int{64}},
	{Version10, 4, entryRule{size: 104}, []int{104}},
	{Version10, 5, entryRule{size: 32}, []int{32}},
	{Version13, 1, entryRule{lenOff: 0, min: 56}, []int{56, 80, 136}},
	{Version13, 3, entryRule{size: 24}, []int{24}},
	{Version13, 4, entryRule{size: 112}, []int{112}},
	{Version13, 5, entryRule{size: 40}, []int{40}},
	{Version13, 6, entryRule{lenOff: 0, min: 40}, []int{40, 56}},
	{Version13, 7, entryRule{lenOff: 0, min: 8}, []int{8, 24, 40}},
	{Version13, 9, entryRule{lenOff: 4, min: 40}, []int{40, 56, 72}},
	{Version13, 10, entryRule{lenOff: 0, min: 8}, []int{8, 24}},
	{Version13, 12, entryRule{lenOff: 0, min: 64}, []int{64, 1000, 4096}},
	{Version13, 13, entryRule{size: 64}, []int{64}},
}

func TestEntryRules(t *testing.T) {
	for _, tt := range splittable {
		if got, ok := entryRuleOf(tt.v, tt.kind); !ok || got != tt.rule {
			t.Errorf("entryRuleOf(%v, %d) = %+v, %v; want %+v", tt.v, tt.kind, got, ok, tt.rule)
		}
	}
	for _, tt := range []struct {
		v    Version
		kind uint16
	}{{Version10, 0}, {Version10, 2}, {Version10, 0xffff}, {Version13, 0}, {Version13, 2},
		{Version13, 8}, {Version13, 11}, {Version13, 0xffff}, {0x05, 1}} {
		if _, ok := entryRuleOf(tt.v, tt.kind); ok {
			t.Errorf("entryRuleOf(%v, %d) has a rule; want none (one structure)", tt.v, tt.kind)
		}
	}
}

// splitFrames cuts the output of appendMultipartSplit into frames.
func splitFrames(t *testing.T, b []byte) []frame {
	t.Helper()
	fr := NewFrameReader(bytes.NewReader(b))
	var fs []frame
	for {
		h, body, err := fr.ReadFrame()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatal(err)
			}
			return fs
		}
		fs = append(fs, frame{h, bytes.Clone(body)})
	}
}

// TestSplitReassemble splits more than 64 KiB of entries of every kind and
// joins the parts again.
func TestSplitReassemble(t *testing.T) {
	for _, tt := range splittable {
		typ, hdrLen, _ := multipartReply(tt.v)
		var lens []int
		total := 0
		for i := 0; total < 200_000; i++ {
			n := tt.sizes[i%len(tt.sizes)]
			lens = append(lens, n)
			total += n
		}
		const lastFlags = 0x8000 // an unknown flag every part keeps
		body := mpBody(tt.v, tt.kind, lastFlags, lens...)
		out, err := appendMultipartSplit([]byte{0xee}, tt.v, 42, body)
		if err != nil || out[0] != 0xee {
			t.Fatalf("%v kind %d: appendMultipartSplit() = %v", tt.v, tt.kind, err)
		}
		fs := splitFrames(t, out[1:])
		if len(fs) < 4 {
			t.Errorf("%v kind %d: %d frames for %d bytes; want at least 4", tt.v, tt.kind, len(fs), total)
		}
		ra := reassembler{max: 1 << 20}
		var joined []byte
		var entries int
		for i, f := range fs {
			last := i == len(fs)-1
			flags := binary.BigEndian.Uint16(f.body[2:])
			if f.h.Version != tt.v || f.h.Type != typ || f.h.Xid != 42 || (flags&mpFlagMore != 0) == last ||
				flags&lastFlags == 0 {
				t.Errorf("%v kind %d: frame %d/%d = %v flags %#x", tt.v, tt.kind, i, len(fs), f.h, flags)
			}
			if !last && int(f.h.Length) < MaxLen-tt.sizes[len(tt.sizes)-1] {
				t.Errorf("%v kind %d: frame %d of %d bytes is not full", tt.v, tt.kind, i, f.h.Length)
			}
			// Every frame holds whole entries.
			for b := f.body[hdrLen:]; len(b) > 0; entries++ {
				n, err := tt.rule.next(b)
				if err != nil {
					t.Fatalf("%v kind %d: frame %d: %v", tt.v, tt.kind, i, err)
				}
				b = b[n:]
			}
			got, done, err := ra.add(tt.v, f.h, f.body)
			if err != nil || done != last {
				t.Fatalf("%v kind %d: add(frame %d) = done %v, %v", tt.v, tt.kind, i, done, err)
			}
			joined = got
		}
		if entries != len(lens) || !bytes.Equal(joined, body) {
			t.Errorf("%v kind %d: joined %d bytes, %d entries; want %d bytes, %d entries", tt.v, tt.kind, len(joined), entries, len(body), len(lens))
		}
		if ra.used != 0 || len(ra.parts) != 0 {
			t.Errorf("%v kind %d: reassembler holds %d bytes, %d parts after the last", tt.v, tt.kind, ra.used, len(ra.parts))
		}
	}
}

func TestSplitErrors(t *testing.T) {
	tooBig := mpBody(Version13, 12, 0, 64, MaxLen-10) // one table-features entry that fills a frame alone
	tests := []struct {
		name string
		v    Version
		body []byte
		want error
	}{
		{"desc", Version10, append(mpBody(Version10, 0, 0), make([]byte, 70000)...), ErrTooLong},
		{"experimenter", Version13, append(mpBody(Version13, 0xffff, 0), make([]byte, 70000)...), ErrTooLong},
		{"entry too big", Version13, tooBig, ErrTooLong},
		{"entry below min", Version13, append(mpBody(Version13, 1, 0, 56), 0, 8, 0, 0, 0, 0, 0, 0), ErrBadLength},
		{"entry past the end", Version13, append(mpBody(Version13, 1, 0, 56), 0, 200, 0, 0, 0, 0, 0, 0), ErrBadLength},
		{"short entry header", Version13, append(mpBody(Version13, 9, 0, 40), 0, 0, 0, 0, 0), ErrTruncated},
		{"fixed size mismatch", Version10, append(mpBody(Version10, 4, 0, 104), 1, 2, 3), ErrBadLength},
		{"no header", Version13, []byte{0, 1}, ErrTruncated},
	}
	for _, tt := range tests {
		out, err := appendMultipartSplit([]byte{1}, tt.v, 1, tt.body)
		if !errors.Is(err, tt.want) || !bytes.Equal(out, []byte{1}) {
			t.Errorf("%s: appendMultipartSplit() = %d bytes, %v; want %v and nothing appended", tt.name, len(out), err, tt.want)
		}
	}
}

func TestReassembleErrors(t *testing.T) {
	v := Version13
	h := Header{Version: v, Type: 19, Xid: 5}
	more := func(kind uint16, lens ...int) []byte { return mpBody(v, kind, mpFlagMore, lens...) }

	// Not multipart, single, too short: passed through.
	ra := reassembler{max: 1000}
	for _, f := range []frame{
		{Header{Version: v, Type: 14, Xid: 5}, more(1, 56)},
		{h, mpBody(v, 1, 0, 56)},
		{h, []byte{0, 1, 0, 1}},
		{Header{Version: 0x05, Type: 19}, more(1, 56)},
	} {
		if got, done, err := ra.add(f.h.Version, f.h, f.body); !done || err != nil || !bytes.Equal(got, f.body) {
			t.Errorf("add(%v) = done %v, %v; want it passed through", f.h, done, err)
		}
	}

	// A part of another kind.
	ra.add(v, h, more(1, 56))
	_, done, err := ra.add(v, h, mpBody(v, 3, 0, 24))
	var re *rejectError
	if done || !errors.As(err, &re) || re.code != errCodeBadMultipart || len(ra.parts) != 0 || ra.used != 0 {
		t.Errorf("add(other kind) = done %v, %v; want a BAD_MULTIPART error and the reply dropped", done, err)
	}

	// Over budget: one error, then the rest of that reply is dropped while
	// other replies go on.
	other := Header{Version: v, Type: 19, Xid: 6}
	ra.add(v, other, more(3, 24))
	ra.add(v, h, more(1, 400))
	if _, _, err := ra.add(v, h, more(1, 400, 400)); !errors.Is(err, ErrTooLong) || !errors.As(err, &re) || re.code != errCodeMPOverflow13 {
		t.Errorf("add(over budget) = %v; want ErrTooLong with MULTIPART_BUFFER_OVERFLOW", err)
	}
	if _, done, err := ra.add(v, h, more(1, 56)); done || err != nil {
		t.Errorf("add(after overflow) = done %v, %v; want it dropped quietly", done, err)
	}
	if got, done, err := ra.add(v, h, mpBody(v, 1, 0, 56)); done || err != nil || got != nil {
		t.Errorf("add(last after overflow) = done %v, %v; want it dropped quietly", done, err)
	}
	got, done, err := ra.add(v, other, mpBody(v, 3, 0, 24))
	if want := append(mpBody(v, 3, 0, 24), make([]byte, 24)...); !done || err != nil || !bytes.Equal(got, want) {
		t.Errorf("add(other xid, last) = %d bytes, done %v, %v; want the joined reply", len(got), done, err)
	}
	if ra.used != 0 || len(ra.parts) != 0 {
		t.Errorf("reassembler holds %d bytes, %d parts; want none", ra.used, len(ra.parts))
	}
	// The first part alone can overflow.
	if _, _, err := ra.add(v, h, more(1, 56*20)); !errors.Is(err, ErrTooLong) {
		t.Errorf("add(huge first part) = %v; want ErrTooLong", err)
	}
	// 1.0 overflows with BAD_STAT.
	ra10 := reassembler{max: 100}
	_, _, err = ra10.add(Version10, Header{Version: Version10, Type: 17}, mpBody(Version10, 1, mpFlagMore, 88, 88))
	if !errors.As(err, &re) || re.code != errCodeBadMultipart {
		t.Errorf("1.0 add(huge first part) = %v; want BAD_STAT", err)
	}
}

// TestConnMultipartRoundTrip sends a multipart reply of more than 64 KiB
// from one Conn to another for each version.
func TestConnMultipartRoundTrip(t *testing.T) {
	for _, tt := range []struct {
		v    Version
		kind uint16
		size int
	}{{Version10, 1, 88}, {Version13, 1, 136}, {Version13, 13, 64}} {
		typ, _, _ := multipartReply(tt.v)
		lens := make([]int, 200_000/tt.size)
		for i := range lens {
			lens[i] = tt.size
		}
		body := mpBody(tt.v, tt.kind, 0, lens...)
		a, b := net.Pipe()
		ca := NewConn(a, Config{Versions: []Version{tt.v}})
		cb := NewConn(b, Config{Versions: []Version{tt.v}, Codecs: fakeCodecs})
		done := make(chan struct{})
		go func() {
			cb.Handshake(context.Background())
			close(done)
		}()
		if _, err := ca.Handshake(context.Background()); err != nil {
			t.Fatal(err)
		}
		<-done
		xid, err := ca.Send(&Unknown{Ver: tt.v, Type: typ, Body: body})
		if err != nil {
			t.Fatalf("%v: Send(%d-byte reply) = %v", tt.v, len(body), err)
		}
		h, m := readMsg(t, cb)
		if h != (Header{tt.v, typ, MaxLen, xid}) || !bytes.Equal(m.(*fakeMsg).data, body) {
			t.Errorf("%v: Read() = %v, %d bytes; want the whole %d-byte reply", tt.v, h, len(m.(*fakeMsg).data), len(body))
		}
		ca.Close()
		cb.Close()
	}
}

// TestConnMultipartInterleaved checks that other messages between parts
// are delivered at once, and bad parts answered.
func TestConnMultipartInterleaved(t *testing.T) {
	c, p := newTestConn(t, Config{Codecs: fakeCodecs, MaxMultipart: 1000}, mustHello(t, Version13))
	go func() {
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, mpFlagMore, 56)))
		p.nc.Write(raw(Version13, 20, 8, nil))
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, 0, 80)))
		p.nc.Write(raw(Version13, 19, 9, mpBody(Version13, 1, mpFlagMore, 56)))
		p.nc.Write(raw(Version13, 19, 9, mpBody(Version13, 3, 0, 24)))
		p.nc.Write(raw(Version13, 20, 10, nil))
	}()
	if h, _ := readMsg(t, c); h.Xid != 8 {
		t.Errorf("Read() = %v; want the barrier first", h)
	}
	h, m := readMsg(t, c)
	if want := append(mpBody(Version13, 1, 0, 56), mpBody(Version13, 1, 0, 80)[8:]...); h.Xid != 7 || int(h.Length) != HeaderLen+len(want) || !bytes.Equal(m.(*fakeMsg).data, want) {
		t.Errorf("Read() = %v %v; want the joined reply", h, m)
	}
	if _, _, err := c.Read(); err == nil {
		t.Error("Read() = nil error; want the mismatched part reported")
	}
	f := p.next(t)
	if em, err := DecodeErrorMsg(f.h.Version, f.body); err != nil || f.h.Xid != 9 || em.Type != errTypeBadRequest || em.Code != errCodeBadMultipart {
		t.Errorf("peer got %v %v; want BAD_MULTIPART for xid 9", f.h, em)
	}
	if h, _ := readMsg(t, c); h.Xid != 10 {
		t.Errorf("Read() = %v; want xid 10", h)
	}
}

// TestConnMultipartBadPart: a part that will be held (the more flag set)
// but whose entries do not frame is refused with BAD_LEN at once, not when
// (if ever) the last part comes.
func TestConnMultipartBadPart(t *testing.T) {
	c, p := newTestConn(t, Config{Codecs: fakeCodecs}, mustHello(t, Version13))
	part := mpBody(Version13, 4, mpFlagMore, 112) // one port stats entry
	go p.nc.Write(raw(Version13, 19, 7, part[:len(part)-1]))
	if _, _, err := c.Read(); !errors.Is(err, ErrBadLength) {
		t.Errorf("Read() = %v; want ErrBadLength", err)
	}
	f := p.next(t)
	if em, err := DecodeErrorMsg(f.h.Version, f.body); err != nil || f.h.Xid != 7 || em.Type != errTypeBadRequest || em.Code != errCodeBadLen {
		t.Errorf("peer got %v %v; want BAD_LEN for xid 7", f.h, em)
	}
}

// TestConnMultipartAwaited: with Config.Awaited (a controller's setting)
// only the replies it awaits are joined; the parts of another come to
// Read as they arrive and nothing of them is held.
func TestConnMultipartAwaited(t *testing.T) {
	awaited := func(xid uint32) bool { return xid == 7 }
	c, p := newTestConn(t, Config{Codecs: fakeCodecs, Awaited: awaited}, mustHello(t, Version13))
	go func() {
		p.nc.Write(raw(Version13, 19, 8, mpBody(Version13, 1, mpFlagMore, 56)))
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, mpFlagMore, 56)))
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, 0, 64)))
	}()
	h, m := readMsg(t, c)
	if b := m.(*fakeMsg).data; h.Xid != 8 || !bytes.Equal(b, mpBody(Version13, 1, mpFlagMore, 56)) {
		t.Errorf("Read() = %v, %d bytes; want the unawaited part as sent", h, len(b))
	}
	h, m = readMsg(t, c)
	if want := append(mpBody(Version13, 1, 0, 56), mpBody(Version13, 1, 0, 64)[8:]...); h.Xid != 7 || !bytes.Equal(m.(*fakeMsg).data, want) {
		t.Errorf("Read() = %v; want the awaited reply joined", h)
	}
}

// TestConnMultipartNoReassembly: with MaxMultipart negative (a switch's
// setting) every part comes to Read as it arrives, the more flag kept,
// and nothing is held.
func TestConnMultipartNoReassembly(t *testing.T) {
	c, p := newTestConn(t, Config{Codecs: fakeCodecs, MaxMultipart: -1}, mustHello(t, Version13))
	go func() {
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, mpFlagMore, 56)))
		p.nc.Write(raw(Version13, 19, 7, mpBody(Version13, 1, 0, 80)))
	}()
	for _, want := range []struct {
		flags uint16
		n     int
	}{{mpFlagMore, 56}, {0, 80}} {
		h, m := readMsg(t, c)
		if b := m.(*fakeMsg).data; h.Xid != 7 || !bytes.Equal(b, mpBody(Version13, 1, want.flags, want.n)) {
			t.Errorf("Read() = %v, %d bytes; want the part of %d bytes as sent", h, len(b), want.n)
		}
	}
}

// TestConnSendUnsplittable checks that a long reply that cannot be cut
// fails with ErrTooLong.
func TestConnSendUnsplittable(t *testing.T) {
	c, _ := newTestConn(t, Config{}, mustHello(t, Version10))
	body := append(mpBody(Version10, 0, 0), make([]byte, MaxLen)...)
	if _, err := c.Send(&Unknown{Ver: Version10, Type: 17, Body: body}); !errors.Is(err, ErrTooLong) {
		t.Errorf("Send(long desc reply) = %v; want ErrTooLong", err)
	}
}

// TestSplitOvsOfctl checks split replies with ovs-ofctl: every part is a
// reply of its kind, all but the last with the more flag.
func TestSplitOvsOfctl(t *testing.T) {
	ofctl := ovsOfctl(t)
	for _, tt := range []struct {
		v    Version
		kind uint16
		size int
		name string
	}{
		{Version10, 4, 104, "OFPST_PORT reply"},
		{Version13, 3, 24, "OFPST_TABLE reply (OF1.3)"},
	} {
		lens := make([]int, 150_000/tt.size)
		for i := range lens {
			lens[i] = tt.size
		}
		out, err := appendMultipartSplit(nil, tt.v, 7, mpBody(tt.v, tt.kind, 0, lens...))
		if err != nil {
			t.Fatal(err)
		}
		fs := splitFrames(t, out)
		for i, f := range fs {
			wire := appendFrame(nil, f.h.Version, f.h.Type, f.h.Xid, f.body)
			got, err := exec.Command(ofctl, "ofp-print", hex.EncodeToString(wire)).CombinedOutput()
			first, _, _ := strings.Cut(string(got), "\n")
			low := strings.ToLower(string(got))
			more := strings.Contains(first, "flags=[more]")
			if err != nil || !strings.HasPrefix(first, tt.name) || more != (i < len(fs)-1) ||
				strings.Contains(low, "bad") || strings.Contains(low, "invalid") || strings.Contains(low, "truncated") {
				t.Errorf("%v part %d/%d: ovs-ofctl ofp-print: %v\n%.300s", tt.v, i, len(fs), err, got)
			}
		}
	}
}
