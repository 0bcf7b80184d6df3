package hostile

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// OVS decodes every case with Open vSwitch's own decoder (ovs-ofctl
// ofp-parse, given the path of ovs-ofctl) and returns, per case, the
// error that decoder names ("OFPBRC_BAD_LEN"), or "" when it takes the
// message. It is the oracle the replay's verdicts are held to.
func OVS(ctx context.Context, ofctl string, cases []Case) ([]string, error) {
	var all bytes.Buffer
	for i, c := range cases {
		all.Write(c.Stamp(uint32(i + 1)))
	}
	dir, err := os.MkdirTemp("", "ofbox-hostile-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f := filepath.Join(dir, "cases.bin")
	if err := os.WriteFile(f, all.Bytes(), 0o644); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, ofctl, "ofp-parse", f).Output()
	if err != nil {
		return nil, fmt.Errorf("hostile: %s ofp-parse: %w", ofctl, err)
	}
	res, seen, err := parseOFPParse(out, len(cases))
	if err != nil {
		return nil, err
	}
	if seen != len(cases) {
		return nil, fmt.Errorf("hostile: ovs-ofctl ofp-parse printed %d messages for %d cases", seen, len(cases))
	}
	return res, nil
}

var (
	// A message ofp-parse decodes starts with its name and xid; one it
	// cannot starts with the error, then a hex dump whose first line
	// holds the header (and so the xid).
	ofpHead     = regexp.MustCompile(`^[A-Z][A-Z_0-9]* .*\(xid=0x([0-9a-f]+)\)`)
	ofpDumpHead = regexp.MustCompile(`^00000000  .. .. .. .. (.. .. .. ..)`)
	ofpDecodeEr = regexp.MustCompile(`\*\*\*decode error: ([A-Za-z_0-9()=]+)\*\*\*`)
)

// parseOFPParse maps ofp-parse's output to the cases (case i has xid
// i+1, and they print in order, so a header line counts only when it
// carries the next xid: an error's embedded message prints a header too)
// and counts the messages it printed.
func parseOFPParse(out []byte, n int) (res []string, seen int, err error) {
	res = make([]string, n)
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	pendingErr := "" // a top-level decode error waiting for its dump
	next := func(hexXid string) bool {
		x, err := strconv.ParseUint(strings.ReplaceAll(hexXid, " ", ""), 16, 32)
		if err != nil || x != uint64(seen+1) || seen == n {
			return false
		}
		seen++
		return true
	}
	for sc.Scan() {
		l := sc.Text()
		if pendingErr != "" {
			if m := ofpDumpHead.FindStringSubmatch(l); m != nil {
				if next(m[1]) {
					res[seen-1] = pendingErr
				}
				pendingErr = "" // or the error was an embedded message's
				continue
			}
		}
		if strings.HasPrefix(l, "***decode error") {
			pendingErr = "decode error"
			if m := ofpDecodeEr.FindStringSubmatch(l); m != nil {
				pendingErr = m[1]
			}
			continue
		}
		if m := ofpHead.FindStringSubmatch(l); m != nil {
			next(m[1])
		}
		if m := ofpDecodeEr.FindStringSubmatch(l); m != nil && seen > 0 && res[seen-1] == "" {
			res[seen-1] = m[1]
		}
	}
	return res, seen, sc.Err()
}

// CheckOVS holds the replay's verdicts to Open vSwitch's decoder: every
// case that ovs-ofctl ofp-parse rejects must have been refused or have
// ended the session, unless exempt names a reason (it returns "" for
// none) why the peer may take it. It logs how many cases each reason
// covered and how often the peer's error code is the one OVS names.
func CheckOVS(t testing.TB, v openflow.Version, cases []Case, o Outcome, exempt func(c Case, ovsErr string) string) {
	t.Helper()
	ofctl, err := exec.LookPath("ovs-ofctl")
	if err != nil {
		t.Fatalf("hostile: %v", err)
	}
	ovs, err := OVS(context.Background(), ofctl, cases)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]int{}
	var rejected, same, failed int
	for i, c := range cases {
		if ovs[i] == "" {
			continue
		}
		rejected++
		switch vd := o.Verdicts[i]; vd.Kind {
		case Refused:
			if openflow.ErrorCodeName(v, vd.Type, vd.Code) == ovs[i] {
				same++
			}
		case Accepted:
			if why := exempt(c, ovs[i]); why != "" {
				reasons[why]++
				continue
			}
			if failed++; failed <= 20 {
				t.Errorf("hostile: %s: Open vSwitch's decoder says %s; the peer took it silently", c.Name, ovs[i])
			}
		}
	}
	if failed > 20 {
		t.Errorf("hostile: %d more cases Open vSwitch rejects were taken silently", failed-20)
	}
	t.Logf("Open vSwitch rejects %d of %d cases; the peer refused them with the same code %d times", rejected, len(cases), same)
	for why, n := range reasons {
		t.Logf("  taken, as allowed: %d cases: %s", n, why)
	}
}

// Exemptions both roles share, for CheckOVS.
const (
	// Never answer an error with an error (both specifications).
	WhyError = "an OFPT_ERROR is never answered"
	// Open vSwitch numbers ports in 16 bits and refuses OpenFlow 1.1+
	// port numbers from 0xff00 to 0xfffffeff in output actions, matches
	// and watch ports; OpenFlow 1.3 makes every number below OFPP_MAX
	// (0xffffff00) a port, and ofbox takes them.
	WhyPortRange = "a port number OpenFlow 1.3 allows beyond Open vSwitch's 16-bit port space"
)

// Common is the exemption both roles share: errors and the port range.
func Common(c Case, ovsErr string) string {
	switch {
	case c.Type() == openflow.TypeError:
		return WhyError
	case ovsErr == "OFPBAC_BAD_OUT_PORT" || ovsErr == "OFPGMFC_BAD_WATCH" || ovsErr == "OFPQOFC_BAD_PORT":
		return WhyPortRange
	case ovsErr == "OFPBMC_BAD_VALUE" && portValue(c):
		return WhyPortRange
	}
	return ""
}

// portValue reports whether c is a mutation of a 32-bit value (an OXM
// in_port among them) that left it in Open vSwitch's missing port range.
func portValue(c Case) bool {
	_, mut, _ := strings.Cut(c.Name, "/")
	var off, val int
	if _, err := fmt.Sscanf(mut, "len16@%d=%v", &off, &val); err != nil || off+2 > len(c.Msg) {
		return false
	}
	start := off &^ 3
	if start+4 > len(c.Msg) {
		return false
	}
	p := uint32(c.Msg[start])<<24 | uint32(c.Msg[start+1])<<16 | uint32(c.Msg[start+2])<<8 | uint32(c.Msg[start+3])
	return p >= 0xff00 && p < 0xffffff00
}

// EmptyReply reports whether c is a multipart reply of no entries: its
// header alone.
func EmptyReply(v openflow.Version, c Case) bool {
	typ, n := uint8(19), 16
	if v == openflow.Version10 {
		typ, n = 17, 12
	}
	return c.Type() == typ && len(c.Msg) == n
}
