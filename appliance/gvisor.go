package appliance

import "errors"

// openGVisor is replaced by the gVisor stack once netstack.NewStack lands.
func openGVisor(cfg Config) (network, error) {
	return nil, errors.New("stack gvisor: not wired yet")
}
