package appliance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// TLS on the control channel, in the manner of Open vSwitch's ssl: and
// pssl: targets: both ends present a certificate and each must chain to
// the CA (key ca). The roles never see it: runController and runSwitch
// wrap their listeners (tlsListener) and the switch's dialer (tlsDialer),
// and the roles get connections whose handshake is done.

// tlsHandshakeTimeout bounds one TLS handshake, as
// controller.DefaultSetupTimeout bounds the OpenFlow one.
const tlsHandshakeTimeout = 10 * time.Second

// maxTLSHandshakes bounds the handshakes a listener runs at once: peers
// that connect and say nothing cost a goroutine and a socket each until
// tlsHandshakeTimeout; past this many, Accept waits for one to end.
const maxTLSHandshakes = 128

// tlsIdentity is this peer's certificate and the CA its peers' must chain
// to.
type tlsIdentity struct {
	cert tls.Certificate
	ca   *x509.CertPool
}

// usesTLS returns the first list key and value of c that asks for TLS, if
// any.
func usesTLS(c *Config) (name, spec string) {
	for _, l := range c.Listens {
		if e, err := listenAddr(l); err == nil && e.tls {
			return "listen", l
		}
	}
	for _, s := range c.Controllers {
		if e, err := controllerAddr(s); err == nil && e.tls {
			return "controller", s
		}
	}
	return "", ""
}

// loadTLS checks the keys cert, key and ca and reads their files: nil
// when none is set and nothing asks for TLS. Errors name the keys and the
// files.
func loadTLS(c *Config, n namer) (*tlsIdentity, error) {
	var missing []string
	for _, k := range []struct{ name, val string }{{"cert", c.Cert}, {"key", c.Key}, {"ca", c.CA}} {
		if k.val == "" {
			missing = append(missing, n.key(k.name))
		}
	}
	all := n.key("cert") + ", " + n.key("key") + " and " + n.key("ca")
	name, spec := usesTLS(c)
	switch {
	case len(missing) == 3 && name == "":
		return nil, nil
	case len(missing) > 0 && name != "":
		return nil, fmt.Errorf("%s: TLS needs %s; missing %s", n.keyValue(name, spec), all, strings.Join(missing, ", "))
	case len(missing) > 0:
		return nil, fmt.Errorf("%s go together; missing %s", all, strings.Join(missing, ", "))
	}

	certPEM, err := readPEM(n, "cert", c.Cert, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	keyPEM, err := readPEM(n, "key", c.Key, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (with %s)", n.keyValue("key", c.Key), err, n.keyValue("cert", c.Cert))
	}
	caPEM, err := readPEM(n, "ca", c.CA, "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("%s: no certificate parses; want the CA certificate in PEM form (ofbox pki writes cacert.pem)", n.keyValue("ca", c.CA))
	}
	return &tlsIdentity{cert: cert, ca: pool}, nil
}

// readPEM reads the file of key name and checks that it holds a PEM block
// whose type ends in typ ("PRIVATE KEY" takes "EC PRIVATE KEY" and "RSA
// PRIVATE KEY", as ovs-pki writes them) and that its certificates parse.
func readPEM(n namer, name, path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.keyValue(name, path), err)
	}
	found := false
	for blk, rest := pem.Decode(b); blk != nil; blk, rest = pem.Decode(rest) {
		if !strings.HasSuffix(blk.Type, typ) {
			continue
		}
		found = true
		if typ != "CERTIFICATE" {
			break
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			return nil, fmt.Errorf("%s: %w", n.keyValue(name, path), err)
		}
	}
	if !found {
		return nil, fmt.Errorf("%s: no PEM %s block; want a PEM file such as ofbox pki writes", n.keyValue(name, path), typ)
	}
	return b, nil
}

// server is the configuration of a TLS listener: it presents id's
// certificate and requires the client's, verified against the CA (Go
// checks no host name on the server side).
func (id *tlsIdentity) server() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{id.cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    id.ca,
	}
}

// client is the configuration of a TLS dial. Like Open vSwitch, it does
// not match the server's certificate against the host name it dialled:
// controllers are addressed by IP and lab certificates (ovs-pki's) carry
// no subject alternative names, so a host name check would reject every
// OVS peer. It does verify the chain to the CA, which is what
// authenticates the peer: InsecureSkipVerify turns off Go's verification,
// host name and chain together, and VerifyConnection puts the chain check
// back. The CA is the trust root: any certificate it signed is accepted
// as any peer (SECURITY.md).
func (id *tlsIdentity) client() *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // the chain is checked in VerifyConnection; the host name is not, as in OVS
		VerifyConnection:   id.verifyPeer,
		// Always present the certificate, even when the server's list of
		// acceptable CAs does not name ours (Go would send none), so that
		// the server rejects it for what it is, as OVS does.
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &id.cert, nil },
	}
}

// verifyPeer checks that the peer's certificate chains to the CA, for any
// key usage and without a host name.
func (id *tlsIdentity) verifyPeer(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("tls: peer presented no certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
		Roots: id.ca, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return fmt.Errorf("tls: peer certificate %q: %w", cs.PeerCertificates[0].Subject.CommonName, err)
	}
	return nil
}

// tlsDialer wraps dial: connections to the addresses in secure get a TLS
// handshake before they are returned. A failed handshake is logged with
// the peer and the reason: at Warn when the reason changes, at Debug while
// it repeats, so a switch retrying a controller that rejects it does not
// flood the log.
func tlsDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error), id *tlsIdentity,
	secure map[string]bool, log *slog.Logger) func(ctx context.Context, network, addr string) (net.Conn, error) {
	cfg := id.client()
	var mu sync.Mutex
	last := map[string]string{} // addr → last failure
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dial(ctx, network, addr)
		if err != nil || !secure[addr] {
			return nc, err
		}
		tc := tls.Client(nc, cfg)
		hctx, cancel := context.WithTimeout(ctx, tlsHandshakeTimeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			nc.Close()
			level := slog.LevelWarn
			if last[addr] == err.Error() {
				level = slog.LevelDebug
			}
			last[addr] = err.Error()
			log.Log(ctx, level, "tls handshake failed", "peer", addr, "err", err)
			return nil, fmt.Errorf("tls handshake with %s: %w", addr, err)
		}
		delete(last, addr)
		return tc, nil
	}
}

// tlsListener is a listener whose Accept returns TLS connections with
// their handshake done. Handshakes run concurrently (a slow peer delays
// no other); one that fails is logged with the peer and the reason and
// its connection closed, and the listener goes on serving.
type tlsListener struct {
	inner net.Listener
	cfg   *tls.Config
	log   *slog.Logger

	conns chan net.Conn
	errc  chan error
	slots chan struct{} // one per running handshake
	ctx   context.Context
	stop  context.CancelFunc
}

func newTLSListener(inner net.Listener, cfg *tls.Config, log *slog.Logger) *tlsListener {
	ctx, stop := context.WithCancel(context.Background())
	l := &tlsListener{inner: inner, cfg: cfg, log: log, conns: make(chan net.Conn), errc: make(chan error),
		slots: make(chan struct{}, maxTLSHandshakes), ctx: ctx, stop: stop}
	go l.run()
	return l
}

// run accepts TCP connections and starts their handshakes. An accept
// error goes to the next Accept call, which paces the retries as the
// caller would pace its own listener's.
func (l *tlsListener) run() {
	for {
		select {
		case l.slots <- struct{}{}:
		case <-l.ctx.Done():
			return
		}
		nc, err := l.inner.Accept()
		if err != nil {
			<-l.slots
			select {
			case l.errc <- err:
			case <-l.ctx.Done():
				return
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go l.handshake(nc)
	}
}

func (l *tlsListener) handshake(nc net.Conn) {
	defer func() { <-l.slots }()
	tc := tls.Server(nc, l.cfg)
	ctx, cancel := context.WithTimeout(l.ctx, tlsHandshakeTimeout)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		nc.Close()
		if l.ctx.Err() == nil {
			l.log.Warn("tls handshake failed", "peer", nc.RemoteAddr().String(), "listen", l.inner.Addr().String(), "err", err)
		}
		return
	}
	select {
	case l.conns <- tc:
	case <-l.ctx.Done():
		tc.Close()
	}
}

// Accept returns the next connection whose handshake succeeded.
func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errc:
		return nil, err
	case <-l.ctx.Done():
		return nil, net.ErrClosed
	}
}

// Close stops accepting and ends the handshakes under way.
func (l *tlsListener) Close() error {
	l.stop()
	return l.inner.Close()
}

func (l *tlsListener) Addr() net.Addr { return l.inner.Addr() }
