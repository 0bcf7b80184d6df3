package appliance

import (
	"log/slog"
	"net/netip"

	"github.com/ofbox/ofbox/openflow"
	ofswitch "github.com/ofbox/ofbox/roles/switch"
)

// Config is every setting of an ofbox appliance. Load fills it from the
// kernel command line, the environment and flags; Run runs it. A Config
// built by hand works too: Run checks it and fills in the defaults its
// zero values stand for.
type Config struct {
	// Role is "controller" or "switch" (key role).
	Role string

	// Stack is the TCP/IP stack the role listens and dials on (key
	// stack): "host", the kernel's sockets (the default in process mode),
	// or "gvisor", a gVisor stack of ofbox's own on NIC with the
	// addresses IP and default routes via GW (the default in the VM when
	// ofbox.ip is set).
	Stack string
	// NIC is the gVisor stack's network device (key nic): tap:NAME,
	// packet:IFACE or dgram:LOCAL,REMOTE. In the VM it defaults to
	// packet:Mgmt.
	NIC string
	// IP holds the gVisor stack's addresses (key ip; CIDR, at most one
	// IPv4 and one IPv6).
	IP []netip.Prefix
	// GW holds the gVisor stack's default gateways (key gw; at most one
	// per address family, each with an address of its family in IP).
	GW []netip.Addr
	// Mgmt is the VM's management NIC (key mgmt, kernel command line
	// only; default eth0). Boot hands it to the gVisor stack.
	Mgmt string

	// Listens are listen specs, tcp:HOST:PORT, tcp::PORT or
	// ptcp:PORT[:HOST], or tls:HOST:PORT, tls::PORT or ptls:PORT[:HOST]
	// for TLS (ssl: and pssl: are aliases, as Open vSwitch spells them)
	// (key listen). The controller's switches connect there (default
	// tcp:127.0.0.1:6653 on the host stack, tcp::6653 on gVisor); the
	// switch's are passive OpenFlow listeners for management tools such as
	// ovs-ofctl (default none).
	Listens []string
	// Cert, Key and CA are PEM files (keys cert, key and ca): this peer's
	// certificate, its private key, and the CA certificate that every
	// peer's certificate must chain to. TLS listen and controller specs
	// need all three; see SECURITY.md.
	Cert, Key, CA string
	// OF holds the OpenFlow versions offered (key of; default 1.3 and 1.0).
	OF []openflow.Version
	// Log is the log level (key log; the zero value is info).
	Log slog.Level

	// App is the controller's app (key app): l2learning (the default) or hub.
	App string
	// PacketInRate is how many packet-ins per second one switch may bring
	// to the controller's app (key packet-in-rate); 0 means no limit. Load
	// defaults it to controller.DefaultPacketInRate.
	PacketInRate float64

	// Ports are the switch's ports, kernel NICs opened with AF_PACKET
	// (key ports). In the VM they default to every ethN but Mgmt.
	Ports []Port
	// Controllers are the controllers the switch connects to, tcp:HOST:PORT
	// or tls:HOST:PORT (ssl:HOST:PORT) (key controller).
	Controllers []string
	// DPID is the switch's datapath id (key dpid; Load defaults it to 1).
	DPID uint64
	// FailMode is what the switch does without a controller (key
	// fail-mode: secure, the zero value, or standalone).
	FailMode ofswitch.FailMode

	// Ready, when set, is called once when the role serves: the
	// controller's listeners are open; the switch's ports are added and
	// its listeners open (it does not wait for a controller). details
	// lists what it serves as key=value words.
	Ready func(role, details string)
}

// The roles and stacks.
const (
	RoleController = "controller"
	RoleSwitch     = "switch"
	StackHost      = "host"
	StackGVisor    = "gvisor"
)
