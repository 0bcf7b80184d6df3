package datapath

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

func out(p flow.PortNo) []flow.Action { return []flow.Action{flow.Output{Port: p}} }

func (h *harness) groupMod(gm *GroupMod) error {
	tx := h.d.Begin()
	defer tx.Commit()
	return tx.GroupMod(gm)
}

func (h *harness) meterMod(mm *MeterMod) error {
	tx := h.d.Begin()
	defer tx.Commit()
	return tx.MeterMod(mm)
}

func TestGroups(t *testing.T) {
	h := newHarness(t, 4)
	mods := []*GroupMod{
		{Command: GroupAdd, Type: GroupTypeAll, GroupID: 1, Buckets: []Bucket{{Actions: out(2)}, {Actions: out(3)}}},
		{Command: GroupAdd, Type: GroupTypeIndirect, GroupID: 2, Buckets: []Bucket{{Actions: out(4)}}},
		{Command: GroupAdd, Type: GroupTypeFF, GroupID: 3, Buckets: []Bucket{
			{WatchPort: 2, WatchGroup: flow.GroupAny, Actions: out(2)},
			{WatchPort: 3, WatchGroup: flow.GroupAny, Actions: out(3)}}},
		{Command: GroupAdd, Type: GroupTypeSelect, GroupID: 4, Buckets: []Bucket{
			{Weight: 1, WatchPort: flow.PortAny, WatchGroup: flow.GroupAny, Actions: out(2)},
			{Weight: 1, WatchPort: flow.PortAny, WatchGroup: flow.GroupAny, Actions: out(3)}}},
	}
	for _, gm := range mods {
		if err := h.groupMod(gm); err != nil {
			t.Fatalf("GroupMod(%d) = %v", gm.GroupID, err)
		}
	}
	h.add("udp,tp_dst=1,actions=group:1")
	h.add("udp,tp_dst=2,actions=group:2")
	h.add("udp,tp_dst=3,actions=group:3")
	h.add("udp,tp_dst=4,actions=group:4")

	h.send(1, udp4(9, 1))
	if got := h.counts(); got[2] != 1 || got[3] != 1 || len(got) != 2 {
		t.Errorf("all group delivered %v; want ports 2 and 3", got)
	}
	h.send(1, udp4(9, 2))
	if got := h.counts(); got[4] != 1 || len(got) != 1 {
		t.Errorf("indirect group delivered %v; want port 4", got)
	}
	h.send(1, udp4(9, 3))
	if got := h.counts(); got[2] != 1 || len(got) != 1 {
		t.Errorf("ff group delivered %v; want port 2", got)
	}
	h.d.SetPortState(2, flow.LinkDown)
	h.send(1, udp4(9, 3))
	if got := h.counts(); got[3] != 1 || len(got) != 1 {
		t.Errorf("ff group with port 2 down delivered %v; want port 3", got)
	}
	h.d.SetPortState(2, flow.Live)

	// Select: one flow sticks to one bucket; many flows use both.
	seen := map[flow.PortNo]int{}
	for sport := range uint16(64) {
		h.send(1, udp4(sport, 4))
		got := h.counts()
		if len(got) != 1 {
			t.Fatalf("select group delivered %v; want one port", got)
		}
		for p := range got {
			seen[p]++
		}
	}
	if seen[2] == 0 || seen[3] == 0 {
		t.Errorf("select over 64 flows used %v; want both buckets", seen)
	}

	gs := h.d.GroupStats(flow.GroupAll)
	if len(gs) != 4 || gs[0].PacketCount != 1 || gs[0].RefCount != 1 || gs[3].PacketCount != 64 {
		t.Errorf("GroupStats = %+v; want 4 groups, group 1 one packet and one flow", gs)
	}

	// Deleting a group deletes its flows.
	if err := h.groupMod(&GroupMod{Command: GroupDelete, GroupID: 1}); err != nil {
		t.Fatal(err)
	}
	if got := len(h.d.FlowStats(flow.NewFlowStatsRequest())); got != 3 {
		t.Errorf("after group delete: %d flows; want 3", got)
	}
}

func TestGroupModErrors(t *testing.T) {
	h := newHarness(t, 2)
	ok := &GroupMod{Command: GroupAdd, Type: GroupTypeAll, GroupID: 1, Buckets: []Bucket{{Actions: out(2)}}}
	if err := h.groupMod(ok); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		gm   *GroupMod
		code uint16
	}{
		{"exists", ok, GroupModExists},
		{"unknown", &GroupMod{Command: GroupModify, Type: GroupTypeAll, GroupID: 9}, GroupModUnknownGroup},
		{"indirect two buckets", &GroupMod{Command: GroupAdd, Type: GroupTypeIndirect, GroupID: 2, Buckets: []Bucket{{}, {}}}, GroupModBadBucket},
		{"bad type", &GroupMod{Command: GroupAdd, Type: 9, GroupID: 3}, GroupModBadType},
		{"loop", &GroupMod{Command: GroupModify, Type: GroupTypeAll, GroupID: 1, Buckets: []Bucket{{Actions: []flow.Action{flow.Group{GroupID: 1}}}}}, GroupModLoop},
	}
	for _, tt := range tests {
		if typ, code := errCode(h.groupMod(tt.gm)); typ != ErrTypeGroupModFailed || code != tt.code {
			t.Errorf("GroupMod(%s) = (%d,%d); want (%d,%d)", tt.name, typ, code, ErrTypeGroupModFailed, tt.code)
		}
	}
}

func TestMeterDrop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t, 2)
		// 10 packets/s with a burst of 5.
		if err := h.meterMod(&MeterMod{Command: MeterAdd, Flags: MeterFlagPktps | MeterFlagBurst, MeterID: 1,
			Bands: []MeterBand{{Rate: 10, BurstSize: 5}}}); err != nil {
			t.Fatal(err)
		}
		h.add("actions=meter:1,output:2")
		for range 20 {
			h.send(1, udp4(1, 2))
		}
		first := len(h.recv(2))
		if first < 5 || first > 7 {
			t.Errorf("burst of 20 passed %d; want about 6 (burst 5)", first)
		}
		time.Sleep(time.Second)
		for range 20 {
			h.send(1, udp4(1, 2))
		}
		if got := len(h.recv(2)); got < 5 || got > 7 {
			t.Errorf("after 1s, 20 more passed %d; want about 6 (a full bucket)", got)
		}
		ms := h.d.MeterStats(MeterAll)
		if len(ms) != 1 || ms[0].PacketInCount != 40 || ms[0].FlowCount != 1 || ms[0].Bands[0].PacketCount == 0 {
			t.Errorf("MeterStats = %+v; want 40 in, 1 flow, drops", ms)
		}
		h.d.Close()
	})
}

func TestMeterModErrors(t *testing.T) {
	h := newHarness(t, 1)
	tests := []struct {
		mm   *MeterMod
		code uint16
	}{
		{&MeterMod{Command: MeterAdd, MeterID: 0, Bands: []MeterBand{{Rate: 1}}}, MeterModInvalidMeter},
		{&MeterMod{Command: MeterAdd, MeterID: 1}, MeterModBadBand},
		{&MeterMod{Command: MeterAdd, MeterID: 1, Bands: []MeterBand{{Rate: 0}}}, MeterModBadRate},
		{&MeterMod{Command: MeterModify, MeterID: 5, Bands: []MeterBand{{Rate: 1}}}, MeterModUnknownMeter},
		{&MeterMod{Command: MeterAdd, MeterID: 1, Flags: MeterFlagKbps | MeterFlagPktps, Bands: []MeterBand{{Rate: 1}}}, MeterModBadFlags},
	}
	for _, tt := range tests {
		if typ, code := errCode(h.meterMod(tt.mm)); typ != ErrTypeMeterModFailed || code != tt.code {
			t.Errorf("MeterMod(%+v) = (%d,%d); want (%d,%d)", tt.mm, typ, code, ErrTypeMeterModFailed, tt.code)
		}
	}
}
