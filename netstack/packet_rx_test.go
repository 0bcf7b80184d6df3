package netstack

import (
	"bytes"
	"encoding/binary"
	"testing"

	"golang.org/x/sys/unix"
)

func (h vnetHdr) put(b []byte) {
	b[0], b[1] = h.flags, h.gsoType
	binary.NativeEndian.PutUint16(b[2:], h.hdrLen)
	binary.NativeEndian.PutUint16(b[4:], h.gsoSize)
	binary.NativeEndian.PutUint16(b[6:], h.csumStart)
	binary.NativeEndian.PutUint16(b[8:], h.csumOffset)
}

// TestFinish feeds finish what recvmmsg would have left (an ordinary frame
// with a partial checksum, a truncated one, a GSO frame, an ordinary one)
// into a batch too small for all the segments, and checks order, drops and
// the pending queue.
func TestFinish(t *testing.T) {
	d := &PacketDevice{}
	d.pend.slotSize = 1500 + ethOverhead
	const offset = 4
	payload := frame(5000, 1)
	gsoFrame := testPacket(false, 6, payload)
	gh := partialHdr(gsoFrame, false, 6)
	gh.gsoType, gh.gsoSize = gsoTCPv4, 1448
	a := testPacket(false, 17, frame(10, 2))
	b := testPacket(true, 6, frame(20, 3))
	in := []struct {
		f     []byte
		h     vnetHdr
		trunc bool
	}{
		{a, partialHdr(a, false, 17), false},
		{frame(100, 0), vnetHdr{}, true},
		{gsoFrame, gh, false},
		{b, partialHdr(b, true, 6), false},
	}
	bufs, sizes := batch(len(in), offset+65536)
	for i, x := range in {
		copy(bufs[i][offset:], x.f)
		x.h.put(d.rhdr[i][:])
		d.rmsgs[i].Len = uint32(vnetHdrLen + len(x.f))
		if x.trunc {
			d.rmsgs[i].Hdr.Flags = unix.MSG_TRUNC
		}
	}
	var got [][]byte
	n := d.finish(bufs, sizes, offset, len(in))
	for i := range n {
		got = append(got, bytes.Clone(bufs[i][offset:offset+sizes[i]]))
	}
	if n != len(in) {
		t.Errorf("finish = %d; want %d (a full batch)", n, len(in))
	}
	n = d.pend.drain(bufs, sizes, offset, &d.stats)
	for i := range n {
		got = append(got, bytes.Clone(bufs[i][offset:offset+sizes[i]]))
	}
	// a, four segments, b.
	if len(got) != 6 {
		t.Fatalf("got %d frames; want 6", len(got))
	}
	var reassembled []byte
	for i, f := range got {
		proto, p, err := checkFrame(f)
		if err != nil {
			t.Errorf("frame %d: %v", i, err)
		}
		switch {
		case i == 0 && (proto != 17 || !bytes.Equal(p, frame(10, 2))):
			t.Errorf("frame 0 = proto %d payload %x; want frame a", proto, p)
		case i == 5 && (proto != 6 || !bytes.Equal(p, frame(20, 3))):
			t.Errorf("frame 5 = proto %d payload %x; want frame b", proto, p)
		case i > 0 && i < 5:
			reassembled = append(reassembled, p...)
		}
	}
	if !bytes.Equal(reassembled, payload) {
		t.Errorf("segments carry %d bytes; want the %d of the GSO frame", len(reassembled), len(payload))
	}
	s := d.stats.snapshot()
	want := Stats{RxFrames: 6, RxDropped: 1, RxChecksumCompleted: 2, RxGSOFrames: 1, RxGSOSegments: 4}
	s.RxBytes = 0
	if s != want {
		t.Errorf("stats = %+v; want %+v", s, want)
	}
}

func TestFinishAllocs(t *testing.T) {
	d := &PacketDevice{}
	d.pend.slotSize = 1500 + ethOverhead
	gsoFrame := testPacket(false, 6, frame(20000, 1))
	gh := partialHdr(gsoFrame, false, 6)
	gh.gsoType, gh.gsoSize = gsoTCPv4, 1448
	bufs, sizes := batch(8, 65536)
	setup := func() {
		for i := range 2 {
			copy(bufs[i], gsoFrame)
			gh.put(d.rhdr[i][:])
			d.rmsgs[i].Len = uint32(vnetHdrLen + len(gsoFrame))
		}
	}
	setup()
	d.finish(bufs, sizes, 0, 2) // grows the pending queue once
	allocs := testing.AllocsPerRun(100, func() {
		setup()
		d.finish(bufs, sizes, 0, 2)
		for d.pend.drain(bufs, sizes, 0, &d.stats) > 0 {
		}
	})
	if allocs != 0 {
		t.Errorf("finish+drain of GSO frames allocs = %v; want 0", allocs)
	}
}
