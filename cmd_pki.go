package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/ofbox/ofbox/internal/pki"
)

const pkiUsage = `usage: ofbox pki init [--dir DIR] [--force]
       ofbox pki cert NAME [--dir DIR] [--ca-dir DIR] [--ip IP]... [--force]

A lab PKI for TLS on the control channel (tls:, ptls:), in the manner of
Open vSwitch's ovs-pki: init makes a certificate authority, cert makes a
certificate and key for one peer (a controller or a switch), signed by it.

Files (DIR defaults to ./pki):
  DIR/cacert.pem         the CA certificate: every peer's --ca
  DIR/cakey.pem          the CA key (mode 0600): keep it off the peers
  DIR/NAME-cert.pem      NAME's certificate: its --cert
  DIR/NAME-privkey.pem   NAME's key (mode 0600): its --key
cert signs with the CA in --ca-dir (default DIR) and puts a copy of its
cacert.pem in DIR, so that DIR holds all one peer needs. Keys are ECDSA
P-256, valid ten years. Existing files are kept unless --force.

Example:
  ofbox pki init
  ofbox pki cert controller
  ofbox pki cert sw1 --ip 10.0.0.2
  ofbox controller --listen ptls:6653 --cert pki/controller-cert.pem --key pki/controller-privkey.pem --ca pki/cacert.pem
  ofbox switch --ports eth1,eth2 --controller tls:10.0.0.1:6653 --cert pki/sw1-cert.pem --key pki/sw1-privkey.pem --ca pki/cacert.pem
`

// runPKI is `ofbox pki init` and `ofbox pki cert NAME`.
func runPKI(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, pkiUsage)
		return 2
	}
	switch args[0] {
	case "init":
		return pkiInit(args[1:], stdout, stderr)
	case "cert":
		return pkiCert(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, pkiUsage)
		return 0
	}
	fmt.Fprintf(stderr, "ofbox pki: unknown command %q; want init or cert\n\n%s", args[0], pkiUsage)
	return 2
}

// pkiFlags is the flag set of a pki command; its usage is pkiUsage.
func pkiFlags(name string, stderr io.Writer) (*flag.FlagSet, *string, *bool) {
	fs := flag.NewFlagSet("ofbox pki "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, pkiUsage) }
	return fs, fs.String("dir", "pki", "the PKI `DIR`"), fs.Bool("force", false, "replace existing files")
}

func pkiInit(args []string, stdout, stderr io.Writer) int {
	fs, dir, force := pkiFlags("init", stderr)
	if rc, ok := parseFlags(fs, args, stderr); !ok {
		return rc
	}
	ca, err := pki.Init(*dir, *force)
	if err != nil {
		fmt.Fprintf(stderr, "ofbox %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "ofbox pki: CA certificate %s (every peer's --ca); its key %s/%s stays here\n", ca, *dir, pki.CAKeyFile)
	return 0
}

// ipList collects repeated --ip flags.
type ipList []net.IP

func (l *ipList) String() string { return fmt.Sprint([]net.IP(*l)) }
func (l *ipList) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		ip := net.ParseIP(f)
		if ip == nil {
			return fmt.Errorf("%q: want an IPv4 or IPv6 address", f)
		}
		*l = append(*l, ip)
	}
	return nil
}

func pkiCert(args []string, stdout, stderr io.Writer) int {
	fs, dir, force := pkiFlags("cert", stderr)
	caDir := fs.String("ca-dir", "", "the `DIR` of the CA that signs (default --dir)")
	var ips ipList
	fs.Var(&ips, "ip", "an IP address to put in the certificate (repeatable)")
	// NAME may come before the flags or after them.
	if err := fs.Parse(args); err != nil {
		return flagErr(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "ofbox pki cert: NAME is required\n\n%s", pkiUsage)
		return 2
	}
	name := fs.Arg(0)
	if rc, ok := parseFlags(fs, fs.Args()[1:], stderr); !ok {
		return rc
	}
	out, err := pki.Issue(pki.Request{Name: name, IPs: ips, Dir: *dir, CADir: *caDir, Force: *force})
	if err != nil {
		fmt.Fprintf(stderr, "ofbox %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "ofbox pki: %s signed by the CA in %s\n  --cert %s --key %s --ca %s\n",
		name, orDefault(*caDir, *dir), out.Cert, out.Key, out.CACert)
	return 0
}

// flagErr is the exit status after a flag error: 0 after -h, else 2.
func flagErr(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
