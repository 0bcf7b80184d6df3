package openflow

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// helloWith returns a HELLO of header version v with the given body.
func helloWith(v Version, body ...byte) []byte { return raw(v, TypeHello, 1, body) }

// bitmapElem is a version-bitmap element of one word.
func bitmapElem(vs ...Version) []byte {
	var w uint32
	for _, v := range vs {
		w |= 1 << v
	}
	return []byte{0, 1, 0, 8, byte(w >> 24), byte(w >> 16), byte(w >> 8), byte(w)}
}

func TestAppendHello(t *testing.T) {
	tests := []struct {
		vs   []Version
		want string
	}{
		{[]Version{Version13, Version10}, "04 00 0010 00000009 0001 0008 00000012"},
		{[]Version{Version10}, "01 00 0010 00000009 0001 0008 00000002"},
		{[]Version{Version13}, "04 00 0010 00000009 0001 0008 00000010"},
		// A version beyond 31 needs a second bitmap word and padding.
		{[]Version{Version10, 33}, "21 00 0018 00000009 0001 000c 00000002 00000002 00000000"},
	}
	for _, tt := range tests {
		got, err := AppendHello([]byte{0xee}, 9, tt.vs...)
		want, _ := hex.DecodeString(strings.ReplaceAll("ee"+tt.want, " ", ""))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("AppendHello(%v) = %x, %v; want %x", tt.vs, got, err, want)
		}
		h, _ := DecodeHeader(got[1:])
		p, err := ParseHello(h, got[1+HeaderLen:])
		if err != nil || !p.Bitmap || p.Versions != NewVersionSet(tt.vs...) {
			t.Errorf("ParseHello(AppendHello(%v)) = %+v, %v", tt.vs, p, err)
		}
	}
	for _, vs := range [][]Version{nil, {0}, {Version13, 0}} {
		if _, err := AppendHello(nil, 1, vs...); err == nil {
			t.Errorf("AppendHello(%v) = nil error; want one", vs)
		}
	}
}

// TestAppendHelloOvsOfctl checks our HELLOs with ovs-ofctl.
func TestAppendHelloOvsOfctl(t *testing.T) {
	ofctl := ovsOfctl(t)
	for _, vs := range [][]Version{{Version13, Version10}, {Version10}, {Version13}} {
		b, _ := AppendHello(nil, 1, vs...)
		out, err := exec.Command(ofctl, "ofp-print", hex.EncodeToString(b)).CombinedOutput()
		s := strings.ToLower(string(out))
		if err != nil || !strings.Contains(s, "ofpt_hello") || !strings.Contains(s, "version bitmap") ||
			strings.Contains(s, "bad") || strings.Contains(s, "invalid") || strings.Contains(s, "truncated") {
			t.Errorf("ovs-ofctl ofp-print %x = %s, %v", b, out, err)
		}
	}
}

func TestParseHello(t *testing.T) {
	tests := []struct {
		name string
		hdr  Version
		body []byte
		want HelloVersions
		err  error
	}{
		{"1.0 without body", Version10, nil, HelloVersions{Version: Version10}, nil},
		{"1.0 body ignored", Version10, []byte{1, 2, 3}, HelloVersions{Version: Version10}, nil},
		{"1.0 bitmap", Version10, bitmapElem(Version10), HelloVersions{Version10, true, NewVersionSet(Version10)}, nil},
		{"1.2 with 1.0 in its bitmap", 0x03, bitmapElem(Version10, 0x03), HelloVersions{0x03, true, NewVersionSet(Version10, 0x03)}, nil},
		{"1.3 without body", Version13, nil, HelloVersions{Version: Version13}, nil},
		{"1.3 bitmap", Version13, bitmapElem(Version10, Version13),
			HelloVersions{Version13, true, NewVersionSet(Version10, Version13)}, nil},
		{"unknown element skipped", Version13, append([]byte{0, 9, 0, 5, 0xff, 0, 0, 0}, bitmapElem(Version13)...),
			HelloVersions{Version13, true, NewVersionSet(Version13)}, nil},
		{"unpadded last element", Version13, []byte{0, 9, 0, 5, 0xff},
			HelloVersions{Version: Version13}, nil},
		{"element length < 4", Version13, []byte{0, 1, 0, 3, 0, 0, 0, 0}, HelloVersions{}, ErrBadLength},
		{"element past the end", Version13, []byte{0, 1, 0, 12, 0, 0, 0, 0}, HelloVersions{}, ErrBadLength},
		{"short element header", Version13, []byte{0, 1}, HelloVersions{}, ErrBadLength},
		{"bitmap not in words", Version13, []byte{0, 1, 0, 6, 0, 0, 0, 0}, HelloVersions{}, ErrBadLength},
	}
	for _, tt := range tests {
		got, err := ParseHello(Header{Version: tt.hdr, Type: TypeHello}, tt.body)
		var de *DecodeError
		if tt.err != nil {
			if !errors.Is(err, tt.err) || !errors.As(err, &de) {
				t.Errorf("%s: ParseHello() = %v; want a *DecodeError wrapping %v", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: ParseHello() = %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	both := NewVersionSet(Version10, Version13)
	tests := []struct {
		ours VersionSet
		peer HelloVersions
		want Version // 0: incompatible
	}{
		{both, HelloVersions{Version13, true, both}, Version13},
		{both, HelloVersions{Version13, true, NewVersionSet(Version10)}, Version10},
		{both, HelloVersions{Version: Version10}, Version10},
		{both, HelloVersions{Version: Version13}, Version13},
		{both, HelloVersions{Version: 0x06}, Version13},
		{both, HelloVersions{Version: 0x02}, 0},
		{both, HelloVersions{0x06, true, NewVersionSet(0x05, 0x06)}, 0},
		{NewVersionSet(Version13), HelloVersions{Version: Version10}, 0},
		{NewVersionSet(Version10), HelloVersions{Version: Version13}, Version10},
		{NewVersionSet(Version10), HelloVersions{Version13, true, NewVersionSet(Version13)}, 0},
		{VersionSet{}, HelloVersions{Version: Version13}, 0},
	}
	for _, tt := range tests {
		got, err := Negotiate(tt.ours, tt.peer)
		if tt.want == 0 {
			if !errors.Is(err, ErrIncompatible) || !strings.Contains(err.Error(), tt.ours.String()) || !strings.Contains(err.Error(), tt.peer.String()) {
				t.Errorf("Negotiate(%v, %v) = %v, %v; want ErrIncompatible naming both", tt.ours, tt.peer, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Negotiate(%v, %v) = %v, %v; want %v", tt.ours, tt.peer, got, err, tt.want)
		}
	}
}

// TestHandshakeMatrix negotiates over a pipe with a raw peer, and checks
// HELLO_FAILED on the wire when no version is common.
func TestHandshakeMatrix(t *testing.T) {
	v10, v13, both := []Version{Version10}, []Version{Version13}, []Version{Version13, Version10}
	tests := []struct {
		name  string
		ours  []Version
		hello []byte
		want  Version // 0: incompatible
	}{
		{"1.0 only", v10, helloWith(Version10), Version10},
		{"1.3 only", v13, helloWith(Version13, bitmapElem(Version13)...), Version13},
		{"both, peer both", both, helloWith(Version13, bitmapElem(Version10, Version13)...), Version13},
		{"both, peer 1.0", both, helloWith(Version10), Version10},
		{"1.0 only, peer both", v10, helloWith(Version13, bitmapElem(Version10, Version13)...), Version10},
		{"none: 1.3 vs 1.0", v13, helloWith(Version10), 0},
		{"none: bitmaps", v10, helloWith(Version13, bitmapElem(Version13)...), 0},
		{"peer 1.3 without bitmap", both, helloWith(Version13), Version13},
		{"peer higher, no bitmap", both, helloWith(0x06), Version13},
		{"peer higher, bitmap", both, helloWith(0x06, bitmapElem(Version10, 0x05, 0x06)...), Version10},
		{"peer higher only", both, helloWith(0x06, bitmapElem(0x05, 0x06)...), 0},
		{"peer 1.1, no bitmap", both, helloWith(0x02), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := net.Pipe()
			defer b.Close()
			c := NewConn(a, Config{Versions: tt.ours})
			defer c.Close()
			p := startPeer(b)
			go b.Write(tt.hello)
			got, err := c.Handshake(context.Background())
			ours := p.next(t)
			if ours.h.Type != TypeHello || ours.h.Version != tt.ours[0] {
				t.Errorf("our hello = %v; want version %v", ours.h, tt.ours[0])
			}
			if tt.want != 0 {
				if err != nil || got != tt.want || c.Version() != tt.want {
					t.Errorf("Handshake() = %v, %v; want %v", got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrIncompatible) {
				t.Errorf("Handshake() = %v, %v; want ErrIncompatible", got, err)
			}
			peerHdr, _ := DecodeHeader(tt.hello)
			f := p.next(t)
			em, derr := DecodeErrorMsg(f.h.Version, f.body)
			if derr != nil || f.h.Type != TypeError || f.h.Version != peerHdr.Version || em.Type != errTypeHelloFailed ||
				em.Code != errCodeIncompatible || !strings.Contains(string(em.Data), "we speak") {
				t.Errorf("peer got %v %v; want HELLO_FAILED/INCOMPATIBLE with text", f.h, em)
			}
			for _, s := range []string{NewVersionSet(tt.ours...).String(), peerHdr.Version.String()} {
				if !strings.Contains(err.Error(), s) || !strings.Contains(string(em.Data), s) {
					t.Errorf("error %q / text %q does not name %q", err, em.Data, s)
				}
			}
		})
	}
}

func TestVersionSet(t *testing.T) {
	s := NewVersionSet(Version10, Version13, 200)
	if !s.Has(200) || s.Has(0x02) || s.Empty() || !(VersionSet{}).Empty() {
		t.Errorf("VersionSet %v: Has/Empty wrong", s)
	}
	if v, ok := s.Highest(); !ok || v != 200 {
		t.Errorf("Highest() = %v, %v; want 200", v, ok)
	}
	if got := s.String(); got != "0xc8, 1.3, 1.0" {
		t.Errorf("String() = %q", got)
	}
	if got := (VersionSet{}).String(); got != "none" {
		t.Errorf("String() = %q; want none", got)
	}
	if got := s.Intersect(NewVersionSet(Version13, 0x05)); got != NewVersionSet(Version13) {
		t.Errorf("Intersect() = %v; want 1.3", got)
	}
}

// ovsOfctl returns the path of ovs-ofctl, or skips the test (fails it in CI).
func ovsOfctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ovs-ofctl is not on PATH and CI is set")
		}
		t.Skip("ovs-ofctl is not on PATH")
	}
	return p
}

// TestOvsOfctlProbe negotiates with Open vSwitch: `ovs-ofctl probe`
// connects, exchanges HELLOs and waits for the reply to an echo request.
func TestOvsOfctlProbe(t *testing.T) {
	ofctl := ovsOfctl(t)
	tests := []struct {
		offer string
		want  Version // 0: incompatible
	}{
		{"OpenFlow10", Version10},
		{"OpenFlow13", Version13},
		{"OpenFlow10,OpenFlow13", Version13},
		{"OpenFlow14", 0},
	}
	for _, tt := range tests {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Skipf("no loopback TCP: %v", err)
		}
		cmd := exec.Command(ofctl, "-O", tt.offer, "probe", "tcp:"+ln.Addr().String())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		nc, err := ln.Accept()
		ln.Close()
		if err != nil {
			t.Fatal(err)
		}
		c := NewConn(nc, Config{})
		v, err := c.Handshake(context.Background())
		for err == nil {
			_, _, err = c.Read()
		}
		c.Close()
		werr := cmd.Wait()
		if tt.want == 0 {
			if !errors.Is(err, ErrIncompatible) || werr == nil {
				t.Errorf("-O %s: Handshake() = %v and ovs-ofctl %v; want both to fail", tt.offer, err, werr)
			}
			continue
		}
		if v != tt.want || werr != nil || !errors.Is(err, io.EOF) {
			t.Errorf("-O %s: Handshake() = %v, then %v; ovs-ofctl: %v %s; want %v and a clean probe", tt.offer, v, err, werr, out.Bytes(), tt.want)
		}
	}
}
