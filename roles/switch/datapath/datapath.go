package datapath

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ofbox/ofbox/openflow/flow"
)

// Config configures a Datapath. Every field is optional.
type Config struct {
	Logger *slog.Logger
	// Buffers is how many packets the datapath keeps for packet-in with a
	// buffer id (the n_buffers it advertises); 0 means DefaultBuffers,
	// negative means none.
	Buffers int
	// PacketIn receives packets for the controller (table miss, output to
	// CONTROLLER). It runs on a forwarding goroutine: it must not block,
	// and it owns the PacketIn.
	PacketIn func(*flow.PacketIn)
	// FlowRemoved receives flow entries that expired or were deleted with
	// the send_flow_rem flag. It runs after the change is published, on
	// the goroutine that made it.
	FlowRemoved func(*flow.FlowRemoved)
	// PacketInRate limits packet-ins to this many per second, with a
	// burst of a tenth of a second's worth, so that a flood of misses
	// cannot swamp the controller or the switch; 0 means no limit.
	PacketInRate int
}

// DefaultBuffers is the default number of packet-in buffers, Open vSwitch's
// figure.
const DefaultBuffers = 256

// MaxPorts is how many ports a datapath can hold at once; workers index
// their transmit queues by a dense port slot below it.
const MaxPorts = 1024

// DefaultMissSendLen is the miss_send_len of a new datapath (OFPCML_DEFAULT).
const DefaultMissSendLen = 128

// snapshot is one immutable state of the datapath: what the fast path
// reads through Datapath.snap.
type snapshot struct {
	gen    uint64
	tables [NumTables]*table
	groups map[uint32]*group
	meters map[uint32]*meter
	ports  map[flow.PortNo]*portState
	plist  []*portState // by port number, for flooding
	bySlot []*portState // by port slot, for the MAC learning table
}

// Datapath is an OpenFlow 1.3 switch pipeline forwarding between ports.
type Datapath struct {
	cfg   Config
	log   *slog.Logger
	epoch time.Time
	snap  atomic.Pointer[snapshot]

	missToController       atomic.Bool
	standalone             atomic.Bool
	invalidTTLToController atomic.Bool
	macs                   macTable
	missSendLen            atomic.Uint32
	bufs                   *bufferPool
	pinLimit               *band // nil: unlimited
	pinDrops               atomic.Uint64

	// mu serialises changes: transactions, ports, sweeps, packet-out.
	mu      sync.Mutex
	slots   [MaxPorts]bool // port slots in use
	workers []*worker      // every worker, for table statistics
	ctl     *worker        // runs packet-outs, under pktMu
	pktMu   sync.Mutex
	closed  bool
	wg      sync.WaitGroup
}

// New returns a datapath with no ports and empty tables.
func New(cfg Config) *Datapath {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	n := cfg.Buffers
	if n == 0 {
		n = DefaultBuffers
	}
	d := &Datapath{cfg: cfg, log: cfg.Logger, epoch: time.Now(), bufs: newBufferPool(max(n, 0))}
	d.missSendLen.Store(DefaultMissSendLen)
	if r := cfg.PacketInRate; r > 0 {
		d.pinLimit = &band{rate: uint32(r), cost: 1e9 / float64(r)}
		d.pinLimit.tau = int64(float64(max(r/10, 1)) * d.pinLimit.cost)
	}
	s := &snapshot{gen: 1, groups: map[uint32]*group{}, meters: map[uint32]*meter{}, ports: map[flow.PortNo]*portState{}}
	for i := range s.tables {
		s.tables[i] = emptyTable
	}
	d.snap.Store(s)
	d.ctl = d.newWorker()
	return d
}

// Buffers returns how many packets the datapath buffers for packet-in: the
// n_buffers to advertise.
func (d *Datapath) Buffers() int { return d.bufs.size() }

// PacketInDrops returns how many packet-ins Config.PacketInRate dropped.
func (d *Datapath) PacketInDrops() uint64 { return d.pinDrops.Load() }

// SetMissToController chooses what a table miss does: send the packet to
// the controller (OpenFlow 1.0) or drop it (OpenFlow 1.3, where controllers
// install a table-miss entry instead).
func (d *Datapath) SetMissToController(on bool) { d.missToController.Store(on) }

// SetMissSendLen sets miss_send_len: how many bytes of a table-miss packet
// go to the controller; flow.ControllerMaxLenNoBuffer sends whole packets
// unbuffered.
func (d *Datapath) SetMissSendLen(n uint16) { d.missSendLen.Store(uint32(n)) }

// SetInvalidTTLToController chooses whether a packet whose IP TTL dec_ttl
// cannot decrement goes to the controller (OFPC_INVALID_TTL_TO_CONTROLLER)
// or is only dropped.
func (d *Datapath) SetInvalidTTLToController(on bool) { d.invalidTTLToController.Store(on) }

// portState is a port of the datapath.
type portState struct {
	no      flow.PortNo
	slot    int
	dev     Port
	created time.Time
	config  atomic.Uint32 // flow.PortConfig
	state   atomic.Uint32 // flow.PortState
	done    chan struct{} // closed when the reader ends
	closing atomic.Bool   // set before the device is closed

	rxPackets, rxBytes, rxDropped, rxErrors atomic.Uint64
	txPackets, txBytes, txDropped, txErrors atomic.Uint64
}

// live reports whether the port can forward: up and with its link up.
func (ps *portState) live() bool {
	return ps.config.Load()&uint32(flow.PortDown) == 0 && ps.state.Load()&uint32(flow.LinkDown) == 0
}

// ErrPortExists is returned by AddPort for a port number in use.
var ErrPortExists = errors.New("port exists")

// AddPort adds dev as port number no and starts forwarding the frames it
// reads. The datapath owns dev from then on and closes it in RemovePort
// or Close.
func (d *Datapath) AddPort(no flow.PortNo, dev Port) error {
	if no == 0 || (no >= flow.PortMax && no != flow.PortLocal) {
		return fmt.Errorf("datapath: add port %d: %w", no, ofError(ErrTypePortModFailed, PortModBadPort))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("datapath: add port %d: closed", no)
	}
	cur := d.snap.Load()
	if _, ok := cur.ports[no]; ok {
		return fmt.Errorf("datapath: add port %d: %w", no, ErrPortExists)
	}
	slot := slices.Index(d.slots[:], false)
	if slot < 0 {
		return fmt.Errorf("datapath: add port %d: too many ports", no)
	}
	d.slots[slot] = true
	ps := &portState{no: no, slot: slot, dev: dev, created: time.Now(), done: make(chan struct{})}
	ps.state.Store(uint32(flow.Live))
	d.publishPorts(cur, func(m map[flow.PortNo]*portState) { m[no] = ps })
	w := d.newWorker()
	d.wg.Add(1)
	go d.readLoop(ps, w)
	return nil
}

// RemovePort stops port no, closes its device and forgets it. Flows that
// output to it stay, as in Open vSwitch.
func (d *Datapath) RemovePort(no flow.PortNo) error {
	d.mu.Lock()
	cur := d.snap.Load()
	ps, ok := cur.ports[no]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("datapath: remove port %d: %w", no, ofError(ErrTypePortModFailed, PortModBadPort))
	}
	d.publishPorts(cur, func(m map[flow.PortNo]*portState) { delete(m, no) })
	d.slots[ps.slot] = false
	d.mu.Unlock()
	ps.closing.Store(true)
	err := ps.dev.Close()
	<-ps.done
	return err
}

// publishPorts publishes a snapshot with the port map changed by fn; d.mu
// is held.
func (d *Datapath) publishPorts(cur *snapshot, fn func(map[flow.PortNo]*portState)) {
	s := *cur
	s.gen++
	s.ports = make(map[flow.PortNo]*portState, len(cur.ports)+1)
	for k, v := range cur.ports {
		s.ports[k] = v
	}
	fn(s.ports)
	s.plist = s.plist[:0:0]
	for _, ps := range s.ports {
		s.plist = append(s.plist, ps)
	}
	slices.SortFunc(s.plist, func(a, b *portState) int { return int(int64(a.no) - int64(b.no)) })
	s.bySlot = make([]*portState, MaxPorts)
	for _, ps := range s.plist {
		s.bySlot[ps.slot] = ps
	}
	d.snap.Store(&s)
}

// Close stops forwarding and closes every port.
func (d *Datapath) Close() error {
	d.mu.Lock()
	d.closed = true
	ports := d.snap.Load().plist
	d.mu.Unlock()
	var errs []error
	for _, ps := range ports {
		ps.closing.Store(true)
		errs = append(errs, ps.dev.Close())
	}
	d.wg.Wait()
	return errors.Join(errs...)
}
