package datapath

// Port is a frame device the datapath forwards between: a batched L2
// frame interface in the manner of wireguard-go's tun.Device. netstack's
// devices satisfy it structurally. Write may be called from several
// goroutines at once (every port's reader forwards to every other port);
// Read is called from one goroutine only.
type Port interface {
	// Read reads a batch: frame i into bufs[i][offset:], its length into
	// sizes[i]; blocks until >=1 frame; returns the count.
	Read(bufs [][]byte, sizes []int, offset int) (n int, err error)
	// Write writes frames bufs[i][offset:]; returns how many were written.
	Write(bufs [][]byte, offset int) (int, error)
	BatchSize() int // most frames one Read returns
	MTU() int
	Name() string
	HWAddr() [6]byte
	Close() error
}

// RxDropCounter is a Port that counts the frames it lost before the
// datapath saw them (a full receive ring, truncated frames); port stats add
// them to rx_dropped.
type RxDropCounter interface {
	RxDrops() uint64
}

// Headroom is the space the datapath leaves in front of each frame so that
// push_vlan and push_mpls (4 bytes each) prepend without copying; 64 bytes
// hold a stack of such pushes and keep the frame start cache-line aligned.
const Headroom = 64

// frameCap is the largest frame the datapath handles: a 9000-byte jumbo
// MTU plus Ethernet header and two VLAN tags, rounded up.
const frameCap = 9216
