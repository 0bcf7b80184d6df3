package appliance

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/ofboxbin"
	"github.com/ofbox/ofbox/internal/testnet"
)

// TestIntegrationBootPID1 runs ofbox as PID 1 of new PID, mount and
// network namespaces, as the kernel runs /init: Boot mounts its file
// systems, reads this host's kernel command line, which has no ofbox.role,
// says so and powers off, which in a PID namespace ends its init with
// SIGINT. (The VM tests boot it for real.)
func TestIntegrationBootPID1(t *testing.T) {
	testnet.RequireRoot(t)
	testnet.RequireTools(t, "unshare")
	cmdline, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cmdline), "ofbox.") {
		t.Skipf("this host's kernel command line has ofbox keys: %s", cmdline)
	}
	bin := ofboxbin.Path(t) // built before the clock starts: a cold build takes a while
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "unshare", "--pid", "--fork", "--mount", "--propagation", "private", "--net", bin)
	out, err := cmd.CombinedOutput()
	// unshare ends as its child did.
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Errorf("ofbox as PID 1 = %v; want the SIGINT of a PID namespace's power off", err)
	}
	if want := `level=ERROR msg="ofbox stopped" err="ofbox.role is required: want controller or switch"`; !strings.Contains(string(out), want) {
		t.Errorf("ofbox as PID 1 says\n%s\nwant %s", out, want)
	}
	if strings.Contains(string(out), "mount failed") {
		t.Errorf("ofbox as PID 1 failed a mount:\n%s", out)
	}
}
