package flow

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the dependency direction: flow sits on openflow and the
// version codecs, and imports nothing else of ofbox (roles, netstack) and
// nothing outside the standard library.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	allowed := map[string]bool{
		"github.com/ofbox/ofbox/openflow":               true, // framing, Message, errors
		"github.com/ofbox/ofbox/openflow/of10":          true, // conversion lives here, ofputil-style
		"github.com/ofbox/ofbox/openflow/of13":          true,
		"github.com/ofbox/ofbox/openflow/internal/wire": true, // through the codecs
		"github.com/ofbox/ofbox/openflow/flow":          true,
	}
	for _, p := range strings.Fields(string(out)) {
		if !allowed[p] {
			t.Errorf("openflow/flow depends on %s; it may use only the standard library and openflow's codecs", p)
		}
	}
}
