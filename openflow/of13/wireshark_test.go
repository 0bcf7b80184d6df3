package of13

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/internal/tsharktest"
)

// wiresharkExempt are the vectors Wireshark 4.0 cannot read, with why.
var wiresharkExempt = map[string]string{
	"mp_experimenter_reply": "Wireshark 4.0 leaves an experimenter multipart reply's body undecoded and then " +
		"reports an exception; ovs-ofctl reads it as NXST_IPFIX_BRIDGE reply (TestGoldenOVS)",
}

// TestGoldenWireshark has Wireshark's OpenFlow 1.3 dissector (tshark) read
// every vector of testdata, which TestGolden re-encodes byte for byte: a
// second oracle beside ovs-ofctl, from another code base.
func TestGoldenWireshark(t *testing.T) {
	var names []string
	var msgs [][]byte
	for _, path := range vectorFiles(t) {
		raw, _, err := readVector(path)
		if err != nil {
			t.Fatalf("readVector(%s) = %v", path, err)
		}
		names = append(names, strings.TrimSuffix(filepath.Base(path), ".hex"))
		msgs = append(msgs, raw)
	}
	tsharktest.CheckMessages(t, names, msgs, wiresharkExempt)
}
