package flow

import (
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// flows is the conversion table: flows in ovs-ofctl syntax and the
// versions that can express them.
var flows = []struct {
	text     string
	of10     bool
	of13     bool
	noOVS    bool // fields or actions Open vSwitch does not know
	noOVS10  bool // ovs-ofctl prints the OF1.0 form differently (same meaning)
	noOVS13  bool
	comments string
}{
	{text: "actions=drop", of10: true, of13: true},
	{text: "priority=100,in_port=1,actions=output:2", of10: true, of13: true},
	{text: "priority=0,actions=CONTROLLER:65535", of10: true, of13: true},
	{text: "cookie=0x5,idle_timeout=10,hard_timeout=20,send_flow_rem,tcp,in_port=1,nw_dst=10.0.0.0/8,tp_dst=80,actions=output:2,CONTROLLER:128", of10: true, of13: true},
	{text: "check_overlap,udp,nw_src=192.168.0.0/16,tp_src=53,actions=set_field:54->udp_src,output:LOCAL", of10: true, of13: true},
	{text: "ip,nw_tos=40,nw_proto=89,actions=set_field:10.0.0.1->ip_src,set_field:10.0.0.2->ip_dst,set_field:8->ip_dscp,NORMAL", of10: true, of13: true},
	{text: "icmp,icmp_type=8,icmp_code=0,actions=FLOOD", of10: true, of13: true},
	{text: "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.0/24,arp_op=1,actions=ALL", of10: true, of13: true},
	{text: "dl_src=00:11:22:33:44:55,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x88cc,actions=set_field:00:00:00:00:00:01->eth_src,set_field:00:00:00:00:00:02->eth_dst,IN_PORT", of10: true, of13: true},
	{text: "dl_vlan=10,dl_vlan_pcp=3,actions=pop_vlan,output:1", of10: true, of13: true},
	{text: "dl_vlan=10,actions=set_field:4116->vlan_vid,set_field:5->vlan_pcp,output:1", of10: true, of13: true},
	{text: "dl_vlan=0xffff,actions=output:3", of10: true, of13: true},
	{text: "tcp,tp_src=22,actions=set_field:2222->tcp_src,set_field:80->tcp_dst,output:4", of10: true, of13: true},
	{text: "in_port=LOCAL,actions=set_queue:1,output:1", of10: true, of13: true},
	{text: "in_port=2,actions=set_queue:1,output:1,output:3,set_queue:2,output:4", of10: true, of13: true},
	{text: "buffer_id=7,in_port=2,actions=output:1", of10: true, of13: true},
	{text: "modify in_port=2,actions=output:5", of10: true, of13: true},
	{text: "modify_strict priority=7,in_port=2,actions=output:5", of10: true, of13: true},
	{text: "delete in_port=2", of10: true, of13: true},
	{text: "delete_strict priority=5,tcp,tp_dst=80,out_port=3", of10: true, of13: true},
	{text: "emerg,in_port=1,actions=output:2", of10: true, noOVS: true, comments: "Open vSwitch rejects emerg"},
	{text: "vlan_tci=0x1000/0x1000,dl_vlan_pcp=5,actions=output:1", of10: true, of13: true},
	// OpenFlow 1.3 only.
	{text: "table=1,priority=10,ip,actions=goto_table:2", of13: true},
	{text: "delete table=255,cookie=0x1/-1", of13: true},
	{text: "delete cookie=0x10/0xf0,out_group=4", of13: true, noOVS13: true, comments: "ovs-ofctl does not print out_group"},
	{text: "reset_counts,no_packet_counts,no_byte_counts,actions=drop", of13: true},
	{text: "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=::1,ipv6_label=0x12345,actions=output:1", of13: true},
	{text: "icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:00:00:00:00:01,actions=output:1", of13: true},
	{text: "sctp,tp_dst=9,actions=set_field:10->sctp_dst,output:1", of13: true},
	{text: "tcp6,tp_dst=22,actions=dec_ttl,mod_nw_ttl:5,output:1", of13: true},
	{text: "mpls,mpls_label=5,mpls_tc=2,mpls_bos=1,actions=pop_mpls:0x0800,goto_table:2", of13: true},
	{text: "ip,actions=push_mpls:0x8847,set_mpls_ttl(9),dec_mpls_ttl,output:1", of13: true},
	{text: "metadata=0x5/0xff,tun_id=0x10,actions=write_metadata:0x1/0xff,goto_table:3", of13: true},
	{text: "vlan_tci=0x1000/0x1000,actions=push_vlan:0x88a8,group:4", of13: true},
	{text: "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=meter:1,output:1,clear_actions,write_actions(output:2,set_queue:1)", of13: true},
	{text: "ip,nw_src=10.0.0.0/255.0.255.0,nw_ecn=1,actions=output:1", of13: true},
	{text: "arp,arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:00/ff:ff:ff:00:00:00,actions=output:1", of13: true},
	{text: "in_port=70000,actions=output:70001", of13: true, noOVS: true, comments: "Open vSwitch rejects such ports"},
	{text: "in_port=1,in_phy_port=1,dl_type=0x88e7,pbb_isid=100,actions=push_pbb:0x88e7,pop_pbb,copy_ttl_out,copy_ttl_in", of13: true, noOVS: true},
	{text: "ipv6,ipv6_exthdr=0x1/0x1,actions=experimenter:0x2320:0001020304050607", of13: true, noOVS: true},
	{text: "actions=experimenter_instruction:0x2320:0102030405060708", of13: true, noOVS: true},
}

func roundTrip(t *testing.T, v openflow.Version, x Message) (Message, []byte) {
	t.Helper()
	w, err := x.Encode(v)
	if err != nil {
		t.Fatalf("Encode(%s): %v", v, err)
	}
	b, err := openflow.Marshal(1, w)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	_, msg, err := openflow.Unmarshal(b, of10.Codec, of13.Codec)
	if err != nil {
		t.Fatalf("Unmarshal(%x): %v", b, err)
	}
	got, err := Decode(msg)
	if err != nil {
		t.Fatalf("Decode(%T): %v", msg, err)
	}
	return got, b
}

func TestFlowModRoundTrip(t *testing.T) {
	for _, tc := range flows {
		for _, v := range []openflow.Version{openflow.Version10, openflow.Version13} {
			fm, err := ParseFlowMod(tc.text)
			if err != nil {
				t.Fatalf("ParseFlowMod(%q): %v", tc.text, err)
			}
			ok := tc.of10
			if v == openflow.Version13 {
				ok = tc.of13
			}
			if !ok {
				if _, err := fm.Encode(v); !errors.Is(err, ErrUnsupported) {
					t.Errorf("Encode(%s) of %q = %v; want ErrUnsupported", v, tc.text, err)
				}
				continue
			}
			got, b := roundTrip(t, v, fm)
			if diff := cmp.Diff(fm, got); diff != "" {
				t.Errorf("OF%s round trip of %q: (-want +got)\n%s", v, tc.text, diff)
			}
			if tc.noOVS || (v == openflow.Version10 && tc.noOVS10) || (v == openflow.Version13 && tc.noOVS13) {
				continue
			}
			checkOVS(t, b, fm)
		}
	}
}

// ovsOfctl returns the path of ovs-ofctl, skipping the test without it
// (failing it under CI).
func ovsOfctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ovs-ofctl not found: %v", err)
		}
		t.Skip("ovs-ofctl not on PATH")
	}
	return p
}

// ovsFlowMod turns ovs-ofctl ofp-print's flow mod line
// ("ADD table:1 priority=5,tcp cookie:0x5 idle:10 actions=...") into our
// flow syntax.
func ovsFlowMod(line string) string {
	_, line, _ = strings.Cut(line, "): ")
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return ""
	}
	cmd := map[string]string{"ADD": "", "MOD": "modify ", "MOD_STRICT": "modify_strict ", "DEL": "delete ", "DEL_STRICT": "delete_strict "}[fields[0]]
	var parts []string
	for _, f := range fields[1:] {
		k, v, ok := strings.Cut(f, ":")
		if ok && !strings.Contains(k, "=") {
			switch k {
			case "idle":
				k = "idle_timeout"
			case "hard":
				k = "hard_timeout"
			case "buf":
				k = "buffer_id"
			case "pri":
				k = "priority"
			}
			f = k + "=" + v
		}
		parts = append(parts, f)
	}
	return cmd + strings.Join(parts, ",")
}

// checkOVS decodes b with ovs-ofctl and checks that the flow it prints
// parses to fm.
func checkOVS(t *testing.T, b []byte, fm *FlowMod) {
	t.Helper()
	line, ok := ofpPrint(t, b)
	if !ok {
		return
	}
	text := ovsFlowMod(line)
	got, err := ParseFlowMod(text)
	if err != nil {
		t.Errorf("ParseFlowMod(%q) (from ovs-ofctl %q): %v", text, line, err)
		return
	}
	want := *fm
	if got.BufferID == NoBuffer {
		got.BufferID = want.BufferID
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("ovs-ofctl reads %q as %q: (-want +got)\n%s", fm, line, diff)
	}
}

// ofpPrint returns the first line ovs-ofctl ofp-print prints for b,
// failing the test when it reports an error.
func ofpPrint(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	out, err := exec.Command(ovsOfctl(t), "ofp-print", hex.EncodeToString(b)).Output()
	s := string(out)
	if l := strings.ReplaceAll(strings.ToLower(s), "invalid_ttl", ""); err != nil || strings.Contains(l, "error") || strings.Contains(l, "bad") ||
		strings.Contains(l, "invalid") || strings.Contains(l, "truncated") {
		t.Errorf("ovs-ofctl ofp-print %x: %v\n%s", b, err, s)
		return "", false
	}
	return strings.SplitN(strings.TrimSpace(s), "\n", 2)[0], true
}
