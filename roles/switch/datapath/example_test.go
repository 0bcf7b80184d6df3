package datapath_test

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// A two-port switch over in-memory links: what the agent and the
// simulator do with real and simulated ports.
func Example() {
	d := datapath.New(datapath.Config{})
	defer d.Close()
	sw1, host1 := datapath.NewMemPipe("sw1", "host1", 1500)
	sw2, host2 := datapath.NewMemPipe("sw2", "host2", 1500)
	d.AddPort(1, sw1)
	d.AddPort(2, sw2)

	fm, _ := flow.ParseFlowMod("in_port=1,actions=output:2")
	if _, err := d.FlowMod(fm); err != nil {
		fmt.Println(err)
	}

	frame := make([]byte, 60)
	copy(frame, []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5})
	host1.Write([][]byte{frame}, 0)

	bufs, sizes := [][]byte{make([]byte, 1514)}, []int{0}
	n, _ := host2.Read(bufs, sizes, 0)
	fmt.Println(n, sizes[0])
	// Output: 1 60
}
