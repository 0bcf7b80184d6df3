package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPKI makes a CA and certificates with the command, in both orders of
// NAME and flags, and checks that the certificate works with its key and
// chains to the CA the command names.
func TestPKI(t *testing.T) {
	dir := t.TempDir()
	ca, peer := filepath.Join(dir, "ca"), filepath.Join(dir, "sw1")
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := dispatch(append([]string{"pki"}, args...), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errs := run("init", "--dir", ca); code != 0 || !strings.Contains(out, filepath.Join(ca, "cacert.pem")) {
		t.Fatalf("pki init = %d, %q, %q; want 0 naming cacert.pem", code, out, errs)
	}
	if code, _, errs := run("init", "--dir", ca); code != 1 || !strings.Contains(errs, "exists; not overwritten without --force") {
		t.Errorf("second pki init = %d, %q; want 1 and a refusal", code, errs)
	}
	if code, out, errs := run("cert", "controller", "--dir", ca); code != 0 ||
		!strings.Contains(out, "--cert "+filepath.Join(ca, "controller-cert.pem")+" --key "+filepath.Join(ca, "controller-privkey.pem")) {
		t.Errorf("pki cert controller = %d, %q, %q; want 0 and the flags to use", code, out, errs)
	}
	if code, out, errs := run("cert", "--dir", peer, "--ca-dir", ca, "--ip", "10.0.0.2", "sw1"); code != 0 || !strings.Contains(out, "--ca "+filepath.Join(peer, "cacert.pem")) {
		t.Fatalf("pki cert --dir ... sw1 = %d, %q, %q; want 0", code, out, errs)
	}
	if code, _, errs := run("cert", "sw1", "--dir", peer, "--ca-dir", ca); code != 1 || !strings.Contains(errs, "sw1-cert.pem exists") {
		t.Errorf("second pki cert sw1 = %d, %q; want 1 and a refusal", code, errs)
	}
	if code, _, errs := run("cert", "sw1", "--dir", peer, "--ca-dir", ca, "--force", "--ip", "10.0.0.2"); code != 0 {
		t.Errorf("pki cert sw1 --force = %d, %q; want 0", code, errs)
	}

	pair, err := tls.LoadX509KeyPair(filepath.Join(peer, "sw1-cert.pem"), filepath.Join(peer, "sw1-privkey.pem"))
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(pair.Certificate[0])
	pem, _ := os.ReadFile(filepath.Join(peer, "cacert.pem"))
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("sw1's certificate does not chain to the CA: %v", err)
	}
	if len(leaf.IPAddresses) != 1 || leaf.IPAddresses[0].String() != "10.0.0.2" {
		t.Errorf("sw1's certificate has IP addresses %v; want 10.0.0.2", leaf.IPAddresses)
	}
}

func TestPKIBadArgs(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string // in stderr
	}{
		{[]string{"pki"}, 2, "usage: ofbox pki init"},
		{[]string{"pki", "revoke"}, 2, `unknown command "revoke"; want init or cert`},
		{[]string{"pki", "cert"}, 2, "NAME is required"},
		{[]string{"pki", "cert", "a", "b"}, 2, `unexpected argument "b"`},
		{[]string{"pki", "cert", "a", "--ip", "10.0.0.300"}, 2, `"10.0.0.300": want an IPv4 or IPv6 address`},
		{[]string{"pki", "cert", "../a", "--dir", dir}, 1, `name "../a": want`},
		{[]string{"pki", "cert", "a", "--dir", dir}, 1, "no CA in " + dir + " (run ofbox pki init first)"},
		{[]string{"pki", "init", "--bits", "4096"}, 2, "flag provided but not defined: -bits"},
	} {
		var stdout, stderr bytes.Buffer
		if code := dispatch(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("dispatch(%q) = %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"pki", "--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "NAME-privkey.pem") {
		t.Errorf("pki --help = %d, %q; want 0 and the file layout", code, stdout.String())
	}
}
