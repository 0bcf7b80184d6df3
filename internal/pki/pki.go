// Package pki makes a lab public key infrastructure for ofbox's TLS control
// channel, as Open vSwitch's ovs-pki does for its ssl: targets: one
// certificate authority, and certificates signed by it for controllers and
// switches. `ofbox pki init` and `ofbox pki cert` are its command line.
//
// A directory holds these files (the names ovs-pki uses for the same
// things, so OVS users find them where they expect):
//
//	cacert.pem         the CA certificate: every peer's --ca
//	cakey.pem          the CA's private key (mode 0600): keep it off the peers
//	NAME-cert.pem      NAME's certificate, signed by the CA: NAME's --cert
//	NAME-privkey.pem   NAME's private key (mode 0600): NAME's --key
//
// Keys are ECDSA P-256. The CA is valid for ten years; certificates as long,
// but never past the CA. Certificates serve both ends of a connection
// (extended key usage server and client authentication), carry NAME as
// their common name and, when NAME is a host name or an IP address, as a
// subject alternative name. Nothing is overwritten unless Force is set.
//
// It is internal: the lab CA is a convenience of the ofbox command, not a
// library for running a production PKI.
package pki

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names in a PKI directory.
const (
	CACertFile = "cacert.pem"
	CAKeyFile  = "cakey.pem"
)

// CertFile and KeyFile are the names of NAME's certificate and key.
func CertFile(name string) string { return name + "-cert.pem" }
func KeyFile(name string) string  { return name + "-privkey.pem" }

// Validity is how long the CA and the certificates are valid. A lab CA
// that outlives the lab is the lesser evil next to one that expires in
// the middle of it; ovs-pki makes ten-year certificates too.
const Validity = 10 * 365 * 24 * time.Hour

// backdate starts validity an hour early, so that peers whose clocks lag
// the machine that made the certificate accept it at once.
const backdate = time.Hour

// Init makes a CA in dir (created if missing): cacert.pem and cakey.pem.
// It returns the CA certificate's path. Without force it refuses to
// replace either file.
func Init(dir string, force bool) (string, error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	if err := refuse(force, certPath, keyPath); err != nil {
		return "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("pki: generate CA key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return "", err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"ofbox lab"}, CommonName: "ofbox lab CA " + serial.Text(16)[:8]},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(Validity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true, // signs end-entity certificates only
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", fmt.Errorf("pki: sign CA certificate: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("pki: %w", err)
	}
	if err := writeKey(keyPath, key, force); err != nil {
		return "", err
	}
	if err := writeFile(certPath, pemBlock("CERTIFICATE", der), 0o644, force); err != nil {
		return "", err
	}
	return certPath, nil
}

// Request says what Issue makes.
type Request struct {
	// Name is the peer's name: the common name, the files' prefix and,
	// when it is a host name or an IP address, a subject alternative name.
	Name string
	// IPs are more IP addresses to put in the certificate.
	IPs []net.IP
	// Dir is where the certificate, the key and a copy of the CA
	// certificate go (created if missing).
	Dir string
	// CADir holds the CA that signs (cacert.pem, cakey.pem); "" is Dir.
	CADir string
	// Force replaces existing files.
	Force bool
}

// Issued names the files Issue wrote.
type Issued struct {
	Cert, Key, CACert string
}

// Issue makes a key and a certificate for r.Name signed by the CA in
// r.CADir, and puts them with the CA certificate in r.Dir: everything a
// peer needs for --cert, --key and --ca.
func Issue(r Request) (Issued, error) {
	if err := CheckName(r.Name); err != nil {
		return Issued{}, err
	}
	if r.CADir == "" {
		r.CADir = r.Dir
	}
	out := Issued{
		Cert:   filepath.Join(r.Dir, CertFile(r.Name)),
		Key:    filepath.Join(r.Dir, KeyFile(r.Name)),
		CACert: filepath.Join(r.Dir, CACertFile),
	}
	if err := refuse(r.Force, out.Cert, out.Key); err != nil {
		return Issued{}, err
	}
	caCert, caPEM, caKey, err := loadCA(r.CADir)
	if err != nil {
		return Issued{}, err
	}
	old, err := os.ReadFile(out.CACert)
	haveCA := err == nil && bytes.Equal(old, caPEM)
	if err == nil && !haveCA && !r.Force {
		return Issued{}, fmt.Errorf("pki: %s exists and is another CA's certificate than %s; use another directory, or --force to replace it",
			out.CACert, filepath.Join(r.CADir, CACertFile))
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Issued{}, fmt.Errorf("pki: generate key: %w", err)
	}
	serial, err := serialNumber()
	if err != nil {
		return Issued{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"ofbox lab"}, CommonName: r.Name},
		NotBefore:    now.Add(-backdate),
		NotAfter:     now.Add(Validity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  r.IPs,
	}
	if tmpl.NotAfter.After(caCert.NotAfter) {
		tmpl.NotAfter = caCert.NotAfter
	}
	if ip := net.ParseIP(r.Name); ip != nil {
		tmpl.IPAddresses = append([]net.IP{ip}, tmpl.IPAddresses...)
	} else if isHostName(r.Name) {
		tmpl.DNSNames = []string{r.Name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return Issued{}, fmt.Errorf("pki: sign certificate for %s: %w", r.Name, err)
	}
	if err := os.MkdirAll(r.Dir, 0o755); err != nil {
		return Issued{}, fmt.Errorf("pki: %w", err)
	}
	if err := writeKey(out.Key, key, r.Force); err != nil {
		return Issued{}, err
	}
	if err := writeFile(out.Cert, pemBlock("CERTIFICATE", der), 0o644, r.Force); err != nil {
		return Issued{}, err
	}
	if !haveCA { // in CADir itself, or a copy made before
		if err := writeFile(out.CACert, caPEM, 0o644, true); err != nil {
			return Issued{}, err
		}
	}
	return out, nil
}

// CheckName checks that name can name a peer and its files: letters,
// digits, '.', '-' and '_', not starting with '.' or '-'.
func CheckName(name string) error {
	ok := name != "" && len(name) <= 64 && name[0] != '.' && name[0] != '-'
	for _, r := range name {
		ok = ok && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_:", r))
	}
	if !ok {
		return fmt.Errorf("pki: name %q: want up to 64 letters, digits, '.', '-', '_' (or an IP address), not starting with '.' or '-'", name)
	}
	return nil
}

// isHostName reports whether s is a DNS host name: dot-separated labels of
// letters, digits and inner hyphens.
func isHostName(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// loadCA reads the CA in dir: its certificate (parsed and as PEM) and key.
func loadCA(dir string) (*x509.Certificate, []byte, *ecdsa.PrivateKey, error) {
	certPath, keyPath := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pki: no CA in %s (run ofbox pki init first): %w", dir, err)
	}
	cert, err := parseCert(certPEM)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pki: %s: %w", certPath, err)
	}
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("pki: CA key: %w", err)
	}
	b, _ := pem.Decode(keyPEM)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, nil, nil, fmt.Errorf("pki: %s: no PEM PRIVATE KEY block", keyPath)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	key, ok := k.(*ecdsa.PrivateKey)
	if err != nil || !ok {
		return nil, nil, nil, fmt.Errorf("pki: %s: want the ECDSA key ofbox pki init writes (%v)", keyPath, err)
	}
	if !cert.IsCA || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, nil, nil, fmt.Errorf("pki: %s and %s are not a CA certificate and its key", certPath, keyPath)
	}
	return cert, certPEM, key, nil
}

// parseCert parses the first certificate of a PEM file.
func parseCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("no PEM CERTIFICATE block")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// serialNumber is a random 128-bit serial number, as RFC 5280 wants them
// unique per CA.
func serialNumber() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("pki: serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil // never 0
}

// refuse fails unless force or none of paths exists.
func refuse(force bool, paths ...string) error {
	if force {
		return nil
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("pki: %s exists; not overwritten without --force", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("pki: %w", err)
		}
	}
	return nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

// writeKey writes key in PKCS #8 PEM, readable by its owner only.
func writeKey(path string, key *ecdsa.PrivateKey, force bool) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("pki: encode key: %w", err)
	}
	return writeFile(path, pemBlock("PRIVATE KEY", der), 0o600, force)
}

// writeFile writes b to path with mode perm; without force it never
// replaces a file, even one that appeared since refuse looked.
func writeFile(path string, b []byte, perm os.FileMode, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		os.Remove(path) // a fresh file gets perm; an old one would keep its mode
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("pki: %s exists; not overwritten without --force", path)
		}
		return fmt.Errorf("pki: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("pki: write %s: %w", path, err)
	}
	return nil
}
