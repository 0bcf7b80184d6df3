package flow

import "testing"

func TestFlowStatsString(t *testing.T) {
	f := FlowStats{TableID: 0, DurationSec: 4, DurationNsec: 68000000, Priority: 1, IdleTimeout: 60,
		PacketCount: 9152, ByteCount: 633520, Match: MustParse("in_port=2,dl_dst=02:64:40:3c:d1:bb"),
		Instructions: []Instruction{ApplyActions{Actions: []Action{Output{Port: 1}}}}}
	want := "cookie=0x0, duration=4.068s, table=0, n_packets=9152, n_bytes=633520, idle_timeout=60, priority=1,in_port=2,dl_dst=02:64:40:3c:d1:bb actions=output:1"
	if got := f.String(); got != want {
		t.Errorf("String()\n got %s\nwant %s", got, want)
	}
	miss := FlowStats{Cookie: 0x2a, HardTimeout: 5, Instructions: []Instruction{ApplyActions{Actions: []Action{Output{Port: PortController, MaxLen: 0xffff}}}}}
	want = "cookie=0x2a, duration=0.000s, table=0, n_packets=0, n_bytes=0, hard_timeout=5, priority=0 actions=CONTROLLER:65535"
	if got := miss.String(); got != want {
		t.Errorf("String()\n got %s\nwant %s", got, want)
	}
}
