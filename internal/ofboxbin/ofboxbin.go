// Package ofboxbin builds the ofbox binary for integration tests that run
// it as a process, the way users do.
package ofboxbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	once sync.Once
	path string
	err  error
	out  []byte
)

// Path returns the path of an ofbox binary freshly built from this module
// (CGO_ENABLED=0, as it ships). The first call in a test binary builds it;
// the build lands in one shared place in the temporary directory through an
// atomic rename, so parallel test binaries share it and nothing piles up. A
// build failure fails the test.
func Path(t testing.TB) string {
	t.Helper()
	once.Do(build)
	if err != nil {
		t.Fatalf("build ofbox: %v\n%s", err, out)
	}
	return path
}

func build() {
	var gomod []byte
	gomod, err = exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return
	}
	dir := filepath.Join(os.TempDir(), "ofbox-test-bin")
	if err = os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	var f *os.File
	if f, err = os.CreateTemp(dir, "build-"); err != nil {
		return
	}
	tmp := f.Name()
	f.Close()
	cmd := exec.Command("go", "build", "-trimpath", "-o", tmp, ".")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err = cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		return
	}
	path = filepath.Join(dir, "ofbox")
	err = os.Rename(tmp, path)
}
