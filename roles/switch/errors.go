package ofswitch

import (
	"errors"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// OpenFlow 1.3 error numbers the agent answers with beyond the datapath's.
const (
	badRequestBadType         uint16 = 1
	badRequestBadMultipart    uint16 = 2
	badRequestBadExperimenter uint16 = 3
	badRequestEPerm           uint16 = 5
	badRequestIsSlave         uint16 = 10
	errTypeRoleRequestFailed  uint16 = 11
	roleStale                 uint16 = 0
	roleBadRole               uint16 = 2
	errTypeSwitchConfigFailed uint16 = 10
	switchConfigBadFlags      uint16 = 0
	errTypeQueueOpFailed      uint16 = 9
	queueOpBadPort            uint16 = 0
	portModBadHWAddr          uint16 = 1
	bandTypeDrop              uint16 = 1
)

// OpenFlow 1.0 error types and the codes that differ from OpenFlow 1.3.
const (
	errType10BadRequest    uint16 = 1
	errType10BadAction     uint16 = 2
	errType10FlowModFailed uint16 = 3
	errType10PortModFailed uint16 = 4
	errType10QueueOpFailed uint16 = 5
	flowMod10AllTablesFull uint16 = 0
	flowMod10Overlap       uint16 = 1
	flowMod10EPerm         uint16 = 2
	flowMod10BadCommand    uint16 = 4
	flowMod10Unsupported   uint16 = 5
)

// errorCode turns err into an OpenFlow 1.3 error type and code.
func errorCode(err error) (typ, code uint16) {
	var em *openflow.ErrorMsg
	if errors.As(err, &em) {
		return em.Type, em.Code
	}
	if code, ok := flow.BadMatchCode(err); ok {
		return datapath.ErrTypeBadMatch, code
	}
	if errors.Is(err, flow.ErrUnsupported) {
		return datapath.ErrTypeBadInstruction, datapath.BadInstructionUnsup
	}
	return datapath.ErrTypeBadRequest, badRequestEPerm
}

// to10 maps an OpenFlow 1.3 error type and code to OpenFlow 1.0, as Open
// vSwitch's ofperr tables do where a counterpart exists.
func to10(typ, code uint16) (uint16, uint16) {
	switch typ {
	case datapath.ErrTypeBadRequest:
		if code <= datapath.BadRequestBufferUnknown {
			return errType10BadRequest, code
		}
		return errType10BadRequest, badRequestEPerm
	case datapath.ErrTypeBadAction:
		if code <= 8 {
			return errType10BadAction, code
		}
		return errType10BadAction, datapath.BadActionBadArgument
	case datapath.ErrTypeFlowModFailed:
		switch code {
		case datapath.FlowModTableFull:
			return errType10FlowModFailed, flowMod10AllTablesFull
		case datapath.FlowModOverlap:
			return errType10FlowModFailed, flowMod10Overlap
		case datapath.FlowModBadCommand:
			return errType10FlowModFailed, flowMod10BadCommand
		}
		return errType10FlowModFailed, flowMod10Unsupported
	case datapath.ErrTypePortModFailed:
		return errType10PortModFailed, code
	case errTypeQueueOpFailed:
		return errType10QueueOpFailed, code
	case datapath.ErrTypeBadMatch, datapath.ErrTypeBadInstruction:
		return errType10FlowModFailed, flowMod10Unsupported
	}
	return errType10FlowModFailed, flowMod10EPerm
}

// replyError answers the request m with header h with the OFPT_ERROR that
// err means, carrying the request's first 64 bytes.
func (c *conn) replyError(h openflow.Header, m openflow.Message, err error) {
	typ, code := errorCode(err)
	if c.ver == openflow.Version10 {
		typ, code = to10(typ, code)
	}
	raw, merr := openflow.Marshal(h.Xid, m)
	if merr != nil {
		raw, _ = h.AppendBinary(nil)
	}
	c.s.log.Debug("request refused", "type", openflow.TypeName(c.ver, h.Type), "err", err)
	c.reply(h, openflow.NewErrorMsg(c.ver, typ, code, raw))
}

// missSendLen returns the switch's miss_send_len.
func (s *Switch) missSendLen() uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.missLen
}

// setMissSendLen sets miss_send_len for the datapath.
func (s *Switch) setMissSendLen(n uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missLen = n
	s.dp.SetMissSendLen(n)
}

// portMod changes the configuration of port no and reports it.
func (s *Switch) portMod(no flow.PortNo, hw openflow.EthAddr, config, mask flow.PortConfig) error {
	d, ok := s.port(no)
	if !ok {
		return &openflow.ErrorMsg{Ver: openflow.Version13, Type: datapath.ErrTypePortModFailed, Code: datapath.PortModBadPort}
	}
	if d.HWAddr != hw {
		return &openflow.ErrorMsg{Ver: openflow.Version13, Type: datapath.ErrTypePortModFailed, Code: portModBadHWAddr}
	}
	if err := s.dp.PortMod(no, config, mask); err != nil {
		return err
	}
	if d, ok := s.port(no); ok {
		s.post(&flow.PortStatus{Reason: flow.PortModify, Desc: d})
	}
	return nil
}
