package pki

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestInitIssue makes a CA and two certificates and checks that each
// chains to the CA for both server and client authentication, with the
// names, lifetimes and file modes the package documents.
func TestInitIssue(t *testing.T) {
	dir := t.TempDir()
	caPath, err := Init(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if caPath != filepath.Join(dir, CACertFile) {
		t.Errorf("Init = %s; want %s", caPath, filepath.Join(dir, CACertFile))
	}
	ca := readCert(t, caPath)
	if !ca.IsCA || ca.NotAfter.Sub(ca.NotBefore) < Validity {
		t.Errorf("CA: IsCA %v, valid %v; want a CA valid %v", ca.IsCA, ca.NotAfter.Sub(ca.NotBefore), Validity)
	}
	wantMode(t, filepath.Join(dir, CAKeyFile), 0o600)
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	out := filepath.Join(t.TempDir(), "sw1") // another directory: gets a copy of cacert.pem
	for _, tc := range []struct {
		req     Request
		dns     []string
		ips     []string
		certDir string
	}{
		{Request{Name: "controller", Dir: dir}, []string{"controller"}, nil, dir},
		{Request{Name: "sw1.lab", Dir: out, CADir: dir, IPs: []net.IP{net.ParseIP("10.0.0.2")}}, []string{"sw1.lab"}, []string{"10.0.0.2"}, out},
		{Request{Name: "192.0.2.1", Dir: dir}, nil, []string{"192.0.2.1"}, dir},
		{Request{Name: "my_switch", Dir: dir}, nil, nil, dir},
	} {
		got, err := Issue(tc.req)
		if err != nil {
			t.Fatalf("Issue(%+v) = %v", tc.req, err)
		}
		want := Issued{Cert: filepath.Join(tc.certDir, CertFile(tc.req.Name)), Key: filepath.Join(tc.certDir, KeyFile(tc.req.Name)),
			CACert: filepath.Join(tc.certDir, CACertFile)}
		if got != want {
			t.Errorf("Issue(%s) = %+v; want %+v", tc.req.Name, got, want)
		}
		wantMode(t, got.Key, 0o600)
		if _, err := tls.LoadX509KeyPair(got.Cert, got.Key); err != nil {
			t.Errorf("%s: certificate and key: %v", tc.req.Name, err)
		}
		if c := readCert(t, got.CACert); !c.Equal(ca) {
			t.Errorf("%s: %s is not the CA's certificate", tc.req.Name, got.CACert)
		}
		leaf := readCert(t, got.Cert)
		for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
				t.Errorf("%s: verify for usage %v: %v", tc.req.Name, usage, err)
			}
		}
		var ips []string
		for _, ip := range leaf.IPAddresses {
			ips = append(ips, ip.String())
		}
		if leaf.Subject.CommonName != tc.req.Name || strings.Join(leaf.DNSNames, ",") != strings.Join(tc.dns, ",") ||
			strings.Join(ips, ",") != strings.Join(tc.ips, ",") {
			t.Errorf("%s: CN %q DNS %q IP %q; want CN %[1]q DNS %q IP %q", tc.req.Name, leaf.Subject.CommonName, leaf.DNSNames, ips, tc.dns, tc.ips)
		}
		if leaf.NotAfter.After(ca.NotAfter) || time.Until(leaf.NotAfter) < Validity-time.Hour {
			t.Errorf("%s: valid until %v; want about %v from now, not past the CA (%v)", tc.req.Name, leaf.NotAfter, Validity, ca.NotAfter)
		}
	}

	// A second CA's certificates do not chain to the first.
	other := t.TempDir()
	if _, err := Init(other, false); err != nil {
		t.Fatal(err)
	}
	o, err := Issue(Request{Name: "intruder", Dir: other})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readCert(t, o.Cert).Verify(x509.VerifyOptions{Roots: roots}); err == nil {
		t.Errorf("a certificate from another CA verifies against the first")
	}
}

// TestNoOverwrite checks that nothing is replaced without Force, and that
// Force replaces.
func TestNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	if _, err := Init(dir, false); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, CACertFile))
	if _, err := Init(dir, false); err == nil || !strings.Contains(err.Error(), "cacert.pem exists; not overwritten without --force") {
		t.Errorf("second Init = %v; want an error about the existing cacert.pem", err)
	}
	if _, err := Issue(Request{Name: "a", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := Issue(Request{Name: "a", Dir: dir}); err == nil || !strings.Contains(err.Error(), "a-cert.pem exists") {
		t.Errorf("second Issue(a) = %v; want an error about the existing a-cert.pem", err)
	}
	if _, err := Issue(Request{Name: "a", Dir: dir, Force: true}); err != nil {
		t.Errorf("Issue(a, Force) = %v", err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, CACertFile)); string(after) != string(before) {
		t.Errorf("Issue changed the CA certificate in its own directory")
	}
	// A directory with another CA's cacert.pem is not silently switched over.
	other := t.TempDir()
	if _, err := Init(other, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Issue(Request{Name: "b", Dir: other, CADir: dir}); err == nil || !strings.Contains(err.Error(), "another CA's certificate") {
		t.Errorf("Issue into a directory with another CA = %v; want an error", err)
	}
	if _, err := Init(dir, true); err != nil {
		t.Errorf("Init(force) = %v", err)
	}
	wantMode(t, filepath.Join(dir, CAKeyFile), 0o600)
}

func TestIssueErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{Name: "a", Dir: dir}, "no CA in " + dir + " (run ofbox pki init first)"},
		{Request{Name: "", Dir: dir}, `name "": want`},
		{Request{Name: "../x", Dir: dir}, `name "../x": want`},
		{Request{Name: "-x", Dir: dir}, `name "-x": want`},
		{Request{Name: "a b", Dir: dir}, `name "a b": want`},
	} {
		if _, err := Issue(tc.req); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Issue(%+v) = %v; want an error with %q", tc.req, err, tc.want)
		}
	}
	// A CA directory whose key is not the certificate's.
	a, b := t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, err := Init(d, false); err != nil {
			t.Fatal(err)
		}
	}
	key, _ := os.ReadFile(filepath.Join(b, CAKeyFile))
	os.WriteFile(filepath.Join(a, CAKeyFile), key, 0o600)
	if _, err := Issue(Request{Name: "x", Dir: a}); err == nil || !strings.Contains(err.Error(), "are not a CA certificate and its key") {
		t.Errorf("Issue with a mismatched CA key = %v; want an error", err)
	}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseCert(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

func wantMode(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != mode {
		t.Errorf("%s: mode %v; want %v", path, fi.Mode().Perm(), mode)
	}
}
