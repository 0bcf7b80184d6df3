package appliance

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofbox/ofbox/internal/pki"
	"github.com/ofbox/ofbox/internal/testnet"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// lab is a test PKI: two CAs, A (the lab's) and B (another), and
// certificates from them, made with internal/pki as `ofbox pki` makes them.
type lab struct {
	a, b string // CA directories
}

func newLab(t *testing.T) lab {
	t.Helper()
	l := lab{a: t.TempDir(), b: t.TempDir()}
	for _, d := range []string{l.a, l.b} {
		if _, err := pki.Init(d, false); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// files issues a certificate for name from the CA in dir and returns the
// cert, key and CA file paths.
func (l lab) files(t *testing.T, dir, name string) (cert, key, ca string) {
	t.Helper()
	out, err := pki.Issue(pki.Request{Name: name, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return out.Cert, out.Key, out.CACert
}

// identity loads name's identity from the CA in dir, trusting trustDir's CA.
func (l lab) identity(t *testing.T, dir, name, trustDir string) *tlsIdentity {
	t.Helper()
	cert, key, _ := l.files(t, dir, name)
	c := Config{Listens: []string{"ptls:0"}, Cert: cert, Key: key, CA: filepath.Join(trustDir, pki.CACertFile)}
	id, err := loadTLS(&c, namer{primary: fromConfig})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// selfSigned writes a self-signed leaf certificate and its key to dir.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "selfie"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalPKCS8PrivateKey(k)
	cert, key = filepath.Join(dir, "selfie-cert.pem"), filepath.Join(dir, "selfie-privkey.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key
}

// TestLoadTLS reads the TLS keys from each source and checks the errors
// for missing and bad files: each names the key and the file.
func TestLoadTLS(t *testing.T) {
	l := newLab(t)
	cert, key, ca := l.files(t, l.a, "ctl")
	otherCert, otherKey, _ := l.files(t, l.b, "other")
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	os.WriteFile(garbage, []byte("not a PEM file\n"), 0o644)
	badDER := filepath.Join(t.TempDir(), "bad-der.pem")
	os.WriteFile(badDER, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}), 0o644)
	missing := filepath.Join(t.TempDir(), "missing.pem")

	good := []Sources{
		{Role: RoleController, Args: []string{"--listen", "ptls:6653", "--cert", cert, "--key", key, "--ca", ca}},
		{Role: RoleController, Args: []string{"--listen", "pssl:6653:127.0.0.1"}, Env: []string{"OFBOX_CERT=" + cert, "OFBOX_KEY=" + key, "OFBOX_CA=" + ca}},
		{Cmdline: "ofbox.role=switch ofbox.ports=eth1 ofbox.controller=tls:10.0.0.1:6653 ofbox.listen=ptls:6634 ofbox.cert=" + cert + " ofbox.key=" + key + " ofbox.ca=" + ca},
		// Keys without a TLS spec are checked and kept.
		{Role: RoleController, Args: []string{"--cert", cert, "--key", key, "--ca", ca}},
	}
	for _, src := range good {
		c, err := Load(src)
		if err != nil {
			t.Errorf("Load(%+v) = %v", src, err)
			continue
		}
		if c.Cert != cert || c.Key != key || c.CA != ca {
			t.Errorf("Load(%+v): cert, key, ca = %q, %q, %q; want %q, %q, %q", src, c.Cert, c.Key, c.CA, cert, key, ca)
		}
	}

	ctl := func(args ...string) Sources { return Sources{Role: RoleController, Args: args} }
	for _, tc := range []struct {
		src  Sources
		want string
	}{
		{ctl("--listen", "ptls:6653"), `--listen "ptls:6653": TLS needs --cert, --key and --ca; missing --cert, --key, --ca`},
		{ctl("--listen", "tcp::6653,ssl::6654", "--cert", cert), `--listen "ssl::6654": TLS needs --cert, --key and --ca; missing --key, --ca`},
		{Sources{Cmdline: "ofbox.role=switch ofbox.ports=a ofbox.controller=tls:10.0.0.1:6653 ofbox.cert=" + cert + " ofbox.key=" + key},
			`ofbox.controller="tls:10.0.0.1:6653": TLS needs ofbox.cert, ofbox.key and ofbox.ca; missing ofbox.ca`},
		{Sources{Role: RoleController, Env: []string{"OFBOX_CA=" + ca}}, "--cert, --key and OFBOX_CA go together; missing --cert, --key"},
		{ctl("--listen", "ptls:1", "--cert", missing, "--key", key, "--ca", ca), `--cert "` + missing + `": open ` + missing + `: no such file or directory`},
		{ctl("--listen", "ptls:1", "--cert", garbage, "--key", key, "--ca", ca), `--cert "` + garbage + `": no PEM CERTIFICATE block`},
		{ctl("--listen", "ptls:1", "--cert", badDER, "--key", key, "--ca", ca), `--cert "` + badDER + `": x509: malformed certificate`},
		{ctl("--listen", "ptls:1", "--cert", cert, "--key", cert, "--ca", ca), `--key "` + cert + `": no PEM PRIVATE KEY block`},
		{ctl("--listen", "ptls:1", "--cert", cert, "--key", otherKey, "--ca", ca),
			`--key "` + otherKey + `": tls: private key does not match public key (with --cert "` + cert + `")`},
		{ctl("--listen", "ptls:1", "--cert", otherCert, "--key", otherKey, "--ca", garbage), `--ca "` + garbage + `": no PEM CERTIFICATE block`},
		{ctl("--listen", "ptls:1", "--cert", otherCert, "--key", otherKey, "--ca", badDER), `--ca "` + badDER + `": x509: malformed certificate`},
		{ctl("--listen", "ptls:1", "--cert", cert, "--key", key, "--ca", missing), `--ca "` + missing + `": open `},
		{Sources{Role: RoleSwitch, Args: []string{"--ports", "a", "--controller", "tcp:10.0.0.1:6653,tls:10.0.0.1:6653", "--cert", cert, "--key", key, "--ca", ca}},
			`--controller "tls:10.0.0.1:6653": 10.0.0.1:6653 is also given as "tcp:10.0.0.1:6653"; want TLS or plain TCP to one address, not both`},
	} {
		_, err := Load(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%+v) = %v; want an error with %q", tc.src, err, tc.want)
		}
	}

	// Run checks a Config built by hand the same way.
	err := Run(context.Background(), Config{Role: RoleController, Listens: []string{"ptls:0"}, Cert: cert}, io.Discard, io.Discard)
	if want := `listen="ptls:0": TLS needs cert, key and ca; missing key, ca`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Run(ptls with cert only) = %v; want an error with %q", err, want)
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until s holds want n times.
func waitFor(t *testing.T, s *syncBuffer, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(s.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %d× %q in the log:\n%s", n, want, s.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// echoServer serves l: each accepted connection gets "ok\n" and is closed.
func echoServer(t *testing.T, l net.Listener) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("ok\n"))
			c.Close()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
	})
}

// readOK reads the echo server's greeting through c.
func readOK(c net.Conn) error {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(c)
	if err == nil && string(b) != "ok\n" {
		return io.ErrUnexpectedEOF
	}
	return err
}

// TestTLSHandshake runs TLS listeners and dialers from two CAs against
// each other: only peers of one CA get through, each rejection is logged
// once with the peer and the reason, and the listener keeps serving.
func TestTLSHandshake(t *testing.T) {
	l := newLab(t)
	ctlA := l.identity(t, l.a, "ctl", l.a)
	swA := l.identity(t, l.a, "sw", l.a)
	evilB := l.identity(t, l.b, "evil", l.b)
	ssCert, ssKey := selfSigned(t, t.TempDir())
	selfie := &tlsIdentity{ca: swA.ca}
	var err error
	if selfie.cert, err = tls.LoadX509KeyPair(ssCert, ssKey); err != nil {
		t.Fatal(err)
	}

	var serverLog syncBuffer
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := newTLSListener(inner, ctlA.server(), slog.New(slog.NewTextHandler(&serverLog, nil)))
	echoServer(t, tl)
	addr := tl.Addr().String()
	dialer := func(id *tlsIdentity, log io.Writer) func(ctx context.Context, network, addr string) (net.Conn, error) {
		var d net.Dialer
		return tlsDialer(d.DialContext, id, map[string]bool{addr: true}, slog.New(slog.NewTextHandler(log, nil)))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A peer that connects and says nothing holds no one up.
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	good := func(what string) {
		t.Helper()
		c, err := dialer(swA, io.Discard)(ctx, "tcp", addr)
		if err != nil {
			t.Fatalf("%s: a client of the same CA: dial = %v", what, err)
		}
		if err := readOK(c); err != nil {
			t.Errorf("%s: a client of the same CA: read = %v", what, err)
		}
		c.Close()
	}
	good("first")

	// Clients the server rejects. Under TLS 1.3 the client's handshake
	// ends before the server has checked its certificate: the rejection
	// comes as an alert on the first read.
	rejected := 0
	for _, tc := range []struct {
		name string
		id   *tlsIdentity
		why  string // in the server's log
	}{
		{"another CA", evilB, "certificate signed by unknown authority"},
		{"self-signed", selfie, "certificate signed by unknown authority"},
	} {
		var clientLog syncBuffer
		// The client trusts the server (so only the server can refuse).
		id := &tlsIdentity{cert: tc.id.cert, ca: swA.ca}
		c, err := dialer(id, &clientLog)(ctx, "tcp", addr)
		if err == nil {
			err = readOK(c)
			c.Close()
		}
		if err == nil {
			t.Errorf("%s: the server accepted the client", tc.name)
		}
		rejected++
		waitFor(t, &serverLog, "tls handshake failed", rejected)
		line := lastLine(serverLog.String(), "tls handshake failed")
		if !strings.Contains(line, "peer=127.0.0.1:") || !strings.Contains(line, tc.why) {
			t.Errorf("%s: server log %q; want the peer and %q", tc.name, line, tc.why)
		}
	}

	// A client without a certificate.
	raw, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	if err == nil {
		err = readOK(raw)
		raw.Close()
	}
	if err == nil {
		t.Errorf("no client certificate: the server accepted the client")
	}
	rejected++
	waitFor(t, &serverLog, "tls handshake failed", rejected)
	if line := lastLine(serverLog.String(), "tls handshake failed"); !strings.Contains(line, "didn't provide a certificate") {
		t.Errorf("no client certificate: server log %q; want the reason", line)
	}

	// A client of CA A refuses a server of CA B, and a self-signed one, in
	// its own handshake; it logs the first refusal at Warn and the repeats
	// at Debug.
	for _, srv := range []struct {
		name string
		id   *tlsIdentity
	}{{"another CA", evilB}, {"self-signed", &tlsIdentity{cert: selfie.cert, ca: evilB.ca}}} {
		inner, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var otherLog syncBuffer
		other := newTLSListener(inner, srv.id.server(), slog.New(slog.NewTextHandler(&otherLog, nil)))
		echoServer(t, other)
		var clientLog syncBuffer
		var d net.Dialer
		dial := tlsDialer(d.DialContext, swA, map[string]bool{other.Addr().String(): true},
			slog.New(slog.NewTextHandler(&clientLog, &slog.HandlerOptions{Level: slog.LevelDebug})))
		for range 2 {
			if c, err := dial(ctx, "tcp", other.Addr().String()); err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
				t.Errorf("%s server: dial = %v, %v; want an unknown authority error", srv.name, c, err)
			}
		}
		if log := clientLog.String(); strings.Count(log, "level=WARN msg=\"tls handshake failed\" peer="+other.Addr().String()) != 1 ||
			strings.Count(log, "level=DEBUG msg=\"tls handshake failed\"") != 1 {
			t.Errorf("%s server: client log\n%s\nwant one Warn and one Debug with the peer", srv.name, log)
		}
		waitFor(t, &otherLog, "tls handshake failed", 2) // the server hears of it too
	}

	good("after the rejections")
	if n := strings.Count(serverLog.String(), "tls handshake failed"); n != rejected {
		t.Errorf("server logged %d failed handshakes; want %d:\n%s", n, rejected, serverLog.String())
	}
}

// lastLine returns the last line of log that holds s.
func lastLine(log, s string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return lines[i]
		}
	}
	return ""
}

// TestTLSListenerClose: Accept after Close reports net.ErrClosed, and a
// handshake under way when it closes ends.
func TestTLSListenerClose(t *testing.T) {
	l := newLab(t)
	id := l.identity(t, l.a, "ctl", l.a)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tl := newTLSListener(inner, id.server(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	silent, err := net.Dial("tcp", tl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	accepted := make(chan error, 1)
	go func() {
		_, err := tl.Accept()
		accepted <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the silent peer's handshake start
	tl.Close()
	select {
	case err := <-accepted:
		if err == nil {
			t.Errorf("Accept after Close = nil error; want net.ErrClosed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Accept still blocked after Close")
	}
	silent.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := silent.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the silent peer's connection after Close: read = %v; want EOF", err)
	}
}

// TestRunControllerTLS runs `ofbox controller` on a ptls: listener and an
// OpenFlow switch (roles/switch) that dials it with tls: through the
// appliance's dialer: the switch joins. A switch with another CA's
// certificate is refused and logged, and the controller keeps serving.
func TestRunControllerTLS(t *testing.T) {
	l := newLab(t)
	cert, key, ca := l.files(t, l.a, "controller")
	var stderr syncBuffer
	rc := make(chan string, 1)
	cfg := Config{Role: RoleController, Listens: []string{"ptls:0:127.0.0.1"}, App: "l2learning", Cert: cert, Key: key, CA: ca,
		Ready: func(role, details string) { rc <- details }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cfg, io.Discard, &stderr) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v after cancel; want nil", err)
		}
	}()
	var addr string
	select {
	case d := <-rc:
		addr = field(d, "listen")
	case err := <-done:
		done <- err
		t.Fatalf("Run ended before it was ready: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("controller not ready")
	}

	runSwitch := func(dpid uint64, id *tlsIdentity, log io.Writer) {
		var d net.Dialer
		sw := ofswitch.New(ofswitch.Config{DatapathID: dpid, Controllers: []string{addr},
			Dial:   tlsDialer(d.DialContext, id, map[string]bool{addr: true}, slog.New(slog.NewTextHandler(log, nil))),
			Logger: slog.New(slog.NewTextHandler(log, nil))})
		sctx, scancel := context.WithCancel(ctx)
		sdone := make(chan error, 1)
		go func() { sdone <- sw.Run(sctx) }()
		t.Cleanup(func() {
			scancel()
			<-sdone
		})
	}
	var evilLog syncBuffer
	runSwitch(0xbad, l.identity(t, l.b, "evil", l.a), &evilLog) // trusts the controller; the controller refuses it
	waitFor(t, &stderr, "tls handshake failed", 1)
	if line := lastLine(stderr.String(), "tls handshake failed"); !strings.Contains(line, "role=controller peer=127.0.0.1:") ||
		!strings.Contains(line, "certificate signed by unknown authority") {
		t.Errorf("controller log %q; want the reason", line)
	}
	waitFor(t, &evilLog, "handshake failed", 1) // the switch hears the alert

	var swLog syncBuffer
	runSwitch(0x2a, l.identity(t, l.a, "sw1", l.a), &swLog)
	waitFor(t, &stderr, `msg="datapath joined" role=controller dpid=000000000000002a`, 1)
	waitFor(t, &swLog, "connection up", 1)
	if strings.Contains(stderr.String(), "dpid=0000000000000bad") {
		t.Errorf("the switch of another CA joined:\n%s", stderr.String())
	}
}

// TestTLSOVSPKI: certificates that Open vSwitch's ovs-pki makes (RSA keys,
// one CA for controllers and one for switches, a subject alternative name
// that is no host name) work for a listener and a dialer.
func TestTLSOVSPKI(t *testing.T) {
	testnet.RequireTools(t, "ovs-pki")
	dir := t.TempDir()
	for _, args := range [][]string{{"init"}, {"req+sign", "ctl", "controller"}, {"req+sign", "sw", "switch"}} {
		cmd := exec.Command("ovs-pki", append([]string{"--dir=" + filepath.Join(dir, "pki"), "--log=" + filepath.Join(dir, "log")}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ovs-pki %s: %v\n%s", args, err, out)
		}
	}
	load := func(name, ca string) *tlsIdentity {
		c := Config{Listens: []string{"ptls:0"}, Cert: filepath.Join(dir, name+"-cert.pem"), Key: filepath.Join(dir, name+"-privkey.pem"),
			CA: filepath.Join(dir, "pki", ca, "cacert.pem")}
		id, err := loadTLS(&c, namer{primary: fromConfig})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// As in OVS: the controller trusts the switch CA and the switch the controller CA.
	ctl, sw := load("ctl", "switchca"), load("sw", "controllerca")
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var serverLog syncBuffer
	tl := newTLSListener(inner, ctl.server(), slog.New(slog.NewTextHandler(&serverLog, nil)))
	echoServer(t, tl)
	var d net.Dialer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := tlsDialer(d.DialContext, sw, map[string]bool{tl.Addr().String(): true}, slog.New(slog.DiscardHandler))(ctx, "tcp", tl.Addr().String())
	if err != nil {
		t.Fatalf("dial with ovs-pki certificates: %v", err)
	}
	if err := readOK(c); err != nil {
		t.Errorf("read with ovs-pki certificates: %v; server log:\n%s", err, serverLog.String())
	}
	c.Close()
}
