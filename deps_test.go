package main

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ofbox/ofbox"

// depRule forbids packages under from (a path below the module, "" for
// any package of the module) from depending on packages that deny matches.
type depRule struct {
	from   string
	deny   func(dep string) bool
	reason string
}

func under(p string) func(string) bool {
	return func(dep string) bool { return dep == module+"/"+p || strings.HasPrefix(dep, module+"/"+p+"/") }
}

func isStd(dep string) bool { return !strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") }

var depRules = []depRule{
	{"openflow", func(d string) bool { return !isStd(d) && !under("openflow")(d) },
		"the protocol library imports only the standard library (DESIGN.md)"},
	{"openflow/of10", under("openflow/flow"), "the wire codecs sit below the version-neutral model; flow converts at the edge"},
	{"openflow/of13", under("openflow/flow"), "the wire codecs sit below the version-neutral model; flow converts at the edge"},
	{"openflow/of10", under("openflow/of13"), "each version's codec stands alone"},
	{"openflow/of13", under("openflow/of10"), "each version's codec stands alone"},
	{"netstack", func(d string) bool { return strings.HasPrefix(d, module+"/") }, "netstack imports nothing of ofbox"},
	{"roles", func(d string) bool { return strings.HasPrefix(d, "gvisor.dev/") },
		"roles declare the interfaces they consume; appliance injects netstack's types, so roles never import gVisor"},
	{"roles", under("netstack"), "roles consume small interfaces; appliance injects netstack's concrete types"},
	{"roles/controller", under("roles/switch"), "the controller and the switch meet only on the wire"},
	{"roles/switch", under("roles/controller"), "the controller and the switch meet only on the wire"},
	{"", under("appliance"), "nothing imports appliance but main"},
	{"openflow", under("image"), "image is used by main and tests only"},
	{"roles", under("image"), "image is used by main and tests only"},
	{"netstack", under("image"), "image is used by main and tests only"},
	{"openflow", under("qemu"), "qemu is used by main and tests only"},
	{"roles", under("qemu"), "qemu is used by main and tests only"},
	{"netstack", under("qemu"), "qemu is used by main and tests only"},
	{"openflow", under("sim"), "sim sits above the roles: main and users' tests use it"},
	{"roles", under("sim"), "sim sits above the roles: main and users' tests use it"},
	{"netstack", under("sim"), "sim sits above the roles: main and users' tests use it"},
	{"appliance", under("sim"), "sim sits above the roles: main and users' tests use it"},
}

// TestDeps enforces DESIGN.md's import rules on the non-test dependencies of
// every package in the module.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	pkgs := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, deps := f[0], f[1:]
		pkgs++
		for _, r := range depRules {
			inFrom := r.from == "" || under(r.from)(pkg)
			if !inFrom || (r.from == "" && pkg == module) {
				continue
			}
			if r.from == "" && under("appliance")(pkg) {
				continue
			}
			for _, d := range deps {
				if r.deny(d) {
					t.Errorf("%s imports %s: %s", pkg, d, r.reason)
				}
			}
		}
	}
	if pkgs < 3 {
		t.Fatalf("go list found %d packages; want the whole module", pkgs)
	}
}

// TestDepsRulesFire checks that each rule recognises the edge it forbids,
// so that a typo in a rule cannot make it silently pass everything.
func TestDepsRulesFire(t *testing.T) {
	for _, b := range []struct{ from, dep string }{
		{"openflow", "golang.org/x/sys/unix"},
		{"openflow/of10", module + "/openflow/flow"},
		{"openflow/of13", module + "/openflow/of10"},
		{"netstack", module + "/openflow"},
		{"roles", "gvisor.dev/gvisor/pkg/tcpip"},
		{"roles/controller", module + "/roles/switch"},
		{"roles/switch", module + "/roles/controller"},
		{"", module + "/appliance"},
		{"openflow", module + "/sim"},
		{"roles", module + "/sim"},
		{"netstack", module + "/sim"},
		{"appliance", module + "/sim"},
	} {
		from, dep := b.from, b.dep
		fired := false
		for _, r := range depRules {
			if r.from == from && r.deny(dep) {
				fired = true
			}
		}
		if !fired {
			t.Errorf("no rule from %q forbids %s", from, dep)
		}
	}
}
