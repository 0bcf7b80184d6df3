package controller

import (
	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
)

// ResetFlows deletes every flow of dp and, in OpenFlow 1.3, where a table
// miss drops packets, installs the table-miss flow that sends them to the
// controller (priority 0, output CONTROLLER with maxLen). A barrier
// between the two keeps a switch that reorders from deleting the new flow.
// Apps call it on join.
func ResetFlows(dp *Datapath, maxLen uint16) error {
	del := flow.NewFlowMod(flow.Delete, flow.Match{})
	del.TableID = flow.TableAll
	if err := dp.Send(del); err != nil {
		return err
	}
	if dp.Version() == openflow.Version10 {
		return nil
	}
	if err := dp.Send(&flow.BarrierRequest{}); err != nil {
		return err
	}
	miss := flow.NewFlowMod(flow.Add, flow.Match{},
		flow.ApplyActions{Actions: []flow.Action{flow.Output{Port: flow.PortController, MaxLen: maxLen}}})
	miss.Priority = 0
	return dp.Send(miss)
}
