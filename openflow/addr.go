package openflow

import "fmt"

// EthAddr is an Ethernet (MAC) address as it appears on the wire.
type EthAddr [6]byte

func (a EthAddr) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5])
}
