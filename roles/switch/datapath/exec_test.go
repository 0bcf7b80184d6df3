package datapath

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/ofbox/ofbox/openflow/flow"
)

// TestSetFieldChecksums rewrites each field and checks the frame's new
// value and that every checksum still verifies.
func TestSetFieldChecksums(t *testing.T) {
	tests := []struct {
		name    string
		frame   []byte
		actions string
		check   func(f []byte) bool
	}{
		{"ip_src tcp", tcp4(1, 2), "set_field:192.168.1.1->ip_src", func(f []byte) bool {
			return bytes.Equal(f[26:30], []byte{192, 168, 1, 1}) && checkIPv4Sums(f, 14)
		}},
		{"ip_dst udp", udp4(1, 2), "set_field:192.168.1.2->ip_dst", func(f []byte) bool {
			return bytes.Equal(f[30:34], []byte{192, 168, 1, 2}) && checkIPv4Sums(f, 14)
		}},
		{"tcp_dst", tcp4(1, 2), "set_field:8080->tcp_dst", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[36:]) == 8080 && checkIPv4Sums(f, 14)
		}},
		{"udp_src", udp4(1, 2), "set_field:999->udp_src", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[34:]) == 999 && checkIPv4Sums(f, 14)
		}},
		{"dscp ecn", tcp4(1, 2), "set_field:46->ip_dscp,set_field:1->ip_ecn", func(f []byte) bool {
			return f[15] == 46<<2|1 && checkIPv4Sums(f, 14)
		}},
		{"icmp type", eth(macB, macA, 0x0800, ipv4(1, ipA, ipB, 0, 64, 0, icmp(8, 0, nil))), "set_field:0->icmp_type", func(f []byte) bool {
			return f[34] == 0 && checkIPv4Sums(f, 14)
		}},
		{"dec_ttl", tcp4(1, 2), "dec_ttl", func(f []byte) bool { return f[22] == 63 && checkIPv4Sums(f, 14) }},
		{"set ttl", tcp4(1, 2), "mod_nw_ttl:9", func(f []byte) bool { return f[22] == 9 && checkIPv4Sums(f, 14) }},
		{"eth", tcp4(1, 2), "mod_dl_src:02:00:00:00:00:99,mod_dl_dst:02:00:00:00:00:98", func(f []byte) bool {
			return f[5] == 0x98 && f[11] == 0x99
		}},
		{"ipv6_dst tcp", eth(macB, macA, 0x86dd, ipv6(6, ip6A, ip6B, nil, tcp(3, 4, nil))), "set_field:2001:db8::99->ipv6_dst", func(f []byte) bool {
			return f[14+39] == 0x99 && checkIPv6Sums(f, 14)
		}},
		{"nd_target", eth(macB, macA, 0x86dd, ipv6(58, ip6A, ip6B, nil, nd(135, ip6B, 1, macA))), "set_field:2001:db8::77->nd_target,set_field:02:00:00:00:00:77->nd_sll", func(f []byte) bool {
			return f[54+23] == 0x77 && f[54+24+7] == 0x77 && checkIPv6Sums(f, 14)
		}},
		{"arp", eth(macB, macA, 0x0806, arp(1, macA, ipA, [6]byte{}, ipB)), "set_field:2->arp_op,set_field:10.9.9.9->arp_tpa", func(f []byte) bool {
			return f[21] == 2 && f[41] == 9
		}},
		{"sctp", eth(macB, macA, 0x0800, ipv4(132, ipA, ipB, 0, 64, 0, sctp(7, 9))), "set_field:77->sctp_dst", func(f []byte) bool {
			s := append([]byte(nil), f[34:]...)
			sum := binary.LittleEndian.Uint32(s[8:])
			sctpSum(s)
			return binary.BigEndian.Uint16(f[36:]) == 77 && binary.LittleEndian.Uint32(s[8:]) == sum
		}},
		{"vlan set", vlan(tcp4(1, 2), 0x8100, 10), "set_field:4196->vlan_vid,set_field:3->vlan_pcp", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[14:]) == 3<<13|100
		}},
		{"vlan set untagged pushes", tcp4(1, 2), "mod_vlan_vid:7", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[12:]) == 0x8100 && binary.BigEndian.Uint16(f[14:]) == 7 && checkIPv4Sums(f, 18)
		}},
		{"push vlan", tcp4(1, 2), "push_vlan:0x88a8,set_field:4097->vlan_vid", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[12:]) == 0x88a8 && binary.BigEndian.Uint16(f[14:]) == 1 && checkIPv4Sums(f, 18)
		}},
		{"pop vlan", vlan(tcp4(1, 2), 0x8100, 10), "strip_vlan", func(f []byte) bool { return bytes.Equal(f, tcp4(1, 2)) }},
		{"push pop mpls", tcp4(1, 2), "push_mpls:0x8847,set_field:99->mpls_label,pop_mpls:0x0800", func(f []byte) bool {
			return bytes.Equal(f, tcp4(1, 2))
		}},
		{"push mpls", tcp4(1, 2), "push_mpls:0x8847,set_field:99->mpls_label,dec_mpls_ttl", func(f []byte) bool {
			return binary.BigEndian.Uint16(f[12:]) == 0x8847 && binary.BigEndian.Uint32(f[14:]) == 99<<12|1<<8|63 && bytes.Equal(f[18:], tcp4(1, 2)[14:])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 2)
			h.add("actions=" + tt.actions + ",output:2")
			h.send(1, tt.frame)
			got := h.recv(2)
			if len(got) != 1 {
				t.Fatalf("%s: %d frames on port 2; want 1", tt.actions, len(got))
			}
			if !tt.check(got[0]) {
				t.Errorf("%s: frame %x fails the check", tt.actions, got[0])
			}
		})
	}
}

func TestDecTTLDrops(t *testing.T) {
	h := newHarness(t, 2)
	h.add("actions=dec_ttl,output:2")
	h.send(1, eth(macB, macA, 0x0800, ipv4(6, ipA, ipB, 0, 1, 0, tcp(1, 2, nil))))
	if got := h.counts(); len(got) != 0 {
		t.Errorf("ttl 1 after dec_ttl delivered %v; want dropped", got)
	}
	if got := h.packetIns(); len(got) != 0 {
		t.Errorf("invalid ttl sent %d packet-ins; want 0 by default", len(got))
	}
	h.d.SetInvalidTTLToController(true)
	h.send(1, eth(macB, macA, 0x0800, ipv4(6, ipA, ipB, 0, 0, 0, tcp(1, 2, nil))))
	if got := h.packetIns(); len(got) != 1 || got[0].Reason != flow.ReasonInvalidTTL {
		t.Errorf("invalid ttl packet-ins = %v; want one with reason invalid_ttl", got)
	}
}

// TestActionSetOrder writes actions in the reverse of the execution order
// and checks the result reflects the specification's order: push_vlan
// before set_field vlan_vid, set_field before output, group instead of
// output.
func TestActionSetOrder(t *testing.T) {
	h := newHarness(t, 3)
	h.add("table=0,actions=write_actions(output:2,set_field:4101->vlan_vid,push_vlan:0x8100),goto_table:1")
	h.add("table=1,actions=write_actions(set_field:02:00:00:00:00:42->eth_dst)")
	h.send(1, tcp4(1, 2))
	got := h.recv(2)
	if len(got) != 1 {
		t.Fatalf("%d frames on port 2; want 1", len(got))
	}
	f := got[0]
	if binary.BigEndian.Uint16(f[12:]) != 0x8100 || binary.BigEndian.Uint16(f[14:])&0xfff != 5 || f[5] != 0x42 {
		t.Errorf("frame %x: want tag vid 5 and eth_dst ..:42", f[:18])
	}

	// clear_actions empties the set; a group in the set wins over output.
	h.add("table=0,priority=40000,udp,actions=write_actions(output:2),goto_table:2")
	h.add("table=2,actions=clear_actions,write_actions(output:3)")
	h.send(1, udp4(1, 2))
	if got := h.counts(); got[3] != 1 || got[2] != 0 {
		t.Errorf("clear_actions: delivered %v; want port 3 only", got)
	}
	tx := h.d.Begin()
	err := tx.GroupMod(&GroupMod{Command: GroupAdd, Type: GroupTypeIndirect, GroupID: 1,
		Buckets: []Bucket{{Actions: []flow.Action{flow.Output{Port: 3}}}}})
	tx.Commit()
	if err != nil {
		t.Fatal(err)
	}
	h.add("table=0,priority=40001,arp,actions=write_actions(output:2,group:1)")
	h.send(1, eth(macB, macA, 0x0806, arp(1, macA, ipA, [6]byte{}, ipB)))
	if got := h.counts(); got[3] != 1 || got[2] != 0 {
		t.Errorf("group in set: delivered %v; want port 3 only", got)
	}
}

func TestMetadataGoto(t *testing.T) {
	h := newHarness(t, 3)
	h.add("table=0,actions=write_metadata:0x5/0xff,goto_table:3")
	h.add("table=3,priority=10,metadata=0x5/0xff,actions=output:3")
	h.add("table=3,priority=5,actions=output:2")
	h.send(1, tcp4(1, 2))
	if got := h.counts(); got[3] != 1 || len(got) != 1 {
		t.Errorf("delivered %v; want port 3", got)
	}
	ts := h.d.TableStats()
	if ts[3].LookupCount != 1 || ts[3].MatchedCount != 1 || ts[0].ActiveCount != 1 || ts[3].ActiveCount != 2 {
		t.Errorf("table stats 0=%+v 3=%+v; want 1 lookup matched in 3, 1 and 2 flows", ts[0], ts[3])
	}
}

func TestReservedPorts(t *testing.T) {
	h := newHarness(t, 4)
	h.add("in_port=1,actions=FLOOD")
	h.add("in_port=2,actions=ALL")
	h.add("in_port=3,actions=IN_PORT,output:3")
	h.send(1, tcp4(1, 2))
	if got := h.counts(); len(got) != 3 || got[1] != 0 {
		t.Errorf("FLOOD delivered %v; want ports 2,3,4", got)
	}
	h.d.PortMod(4, flow.PortNoFlood, flow.PortNoFlood)
	h.send(1, tcp4(1, 2))
	if got := h.counts(); len(got) != 2 || got[4] != 0 {
		t.Errorf("FLOOD with no_flood on 4 delivered %v; want ports 2,3", got)
	}
	h.send(2, tcp4(1, 2))
	if got := h.counts(); len(got) != 3 || got[2] != 0 {
		t.Errorf("ALL delivered %v; want ports 1,3,4", got)
	}
	h.send(3, tcp4(1, 2))
	if got := h.counts(); len(got) != 1 || got[3] != 1 {
		t.Errorf("IN_PORT,output:3 delivered %v; want one frame back on 3", got)
	}
}
