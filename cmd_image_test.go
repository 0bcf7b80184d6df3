package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestImageBadFlags: bad --kernel and --file values are refused before
// anything is built, naming the flag and what it takes.
func TestImageBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--kernel", "arch"}, "want minimal or debian"},
		{[]string{"--file", "cert.pem"}, "want SRC=DST"},
		{[]string{"--file", "cert.pem=/init"}, "use /etc or another directory"},
		{[]string{"--file", "cert.pem=etc/cert.pem"}, "clean absolute path"},
	} {
		var stdout, stderr bytes.Buffer
		rc := imageMain(context.Background(), tc.args, &stdout, &stderr)
		if rc != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("ofbox image %q: rc %d, stderr %q; want 2 and %q", tc.args, rc, stderr.String(), tc.want)
		}
	}
}
