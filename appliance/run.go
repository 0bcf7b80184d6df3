package appliance

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/ofbox/ofbox/openflow"
)

// Run runs cfg's role until ctx is done (then it returns nil) or the role
// fails. It checks cfg first; zero values stand for the defaults the
// Config fields name. The role's status line goes to stdout, its log to
// stderr; cfg.Ready is called when the role serves.
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if err := validate(&cfg, namer{primary: fromConfig}); err != nil {
		return err
	}
	if cfg.Stack == "" {
		cfg.Stack = StackHost
	}
	if len(cfg.OF) == 0 {
		cfg.OF = []openflow.Version{openflow.Version13, openflow.Version10}
	}
	if cfg.Ready == nil {
		cfg.Ready = func(role, details string) {}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.Log}))
	id, err := loadTLS(&cfg, namer{primary: fromConfig})
	if err != nil {
		return err
	}
	nw, err := openNetwork(cfg)
	if err != nil {
		return err
	}
	defer nw.Close()
	if cfg.Role == RoleController {
		return runController(ctx, cfg, nw, id, stdout, log)
	}
	return runSwitch(ctx, cfg, nw, id, stdout, log)
}

// network is the TCP/IP stack a role listens and dials on: the host's
// sockets or a gVisor stack (netstack.Stack).
type network interface {
	Listen(network, address string) (net.Listener, error)
	Dial(ctx context.Context, network, address string) (net.Conn, error)
	Close() error
}

// hostNetwork is the kernel's stack.
type hostNetwork struct{ d net.Dialer }

func (h *hostNetwork) Listen(network, address string) (net.Listener, error) {
	return net.Listen(network, address)
}

func (h *hostNetwork) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	return h.d.DialContext(ctx, network, address)
}

func (h *hostNetwork) Close() error { return nil }

// openNetwork opens the stack cfg names.
func openNetwork(cfg Config) (network, error) {
	if cfg.Stack == StackGVisor {
		return openGVisor(cfg)
	}
	return &hostNetwork{}, nil
}

// listenAll opens a listener for each listen spec, or none; TLS specs
// get a tlsListener with id (which validate made sure of).
func listenAll(nw network, specs []string, id *tlsIdentity, log *slog.Logger) ([]net.Listener, error) {
	var ls []net.Listener
	for _, spec := range specs {
		e, err := listenAddr(spec)
		var l net.Listener
		if err == nil {
			l, err = nw.Listen("tcp", e.addr)
		}
		if err != nil {
			closeAll(ls)
			return nil, fmt.Errorf("listen %s: %w", spec, err)
		}
		if e.tls {
			l = newTLSListener(l, id.server(), log)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

func closeAll(ls []net.Listener) {
	for _, l := range ls {
		l.Close()
	}
}

// addrs lists the listeners' addresses.
func addrs(ls []net.Listener) []string {
	var as []string
	for _, l := range ls {
		as = append(as, l.Addr().String())
	}
	return as
}
