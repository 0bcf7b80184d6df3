package ofswitch

import (
	"sync"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// conn is one handshaken OpenFlow connection.
type conn struct {
	s      *Switch
	oc     *openflow.Conn
	ver    openflow.Version
	active bool // an active connection to a controller (not a listener's)

	mu    sync.Mutex
	role  of13.ControllerRole
	async of13.AsyncConfig
}

// Default async masks (OpenFlow 1.3 section 7.3.10): master and equal get
// packet-in for no-match and action, every port status and flow removed;
// slaves get port status only.
var defaultAsync = of13.AsyncConfig{
	PacketInMask:    [2]uint32{0x3, 0},
	PortStatusMask:  [2]uint32{0x7, 0x7},
	FlowRemovedMask: [2]uint32{0xf, 0},
}

func newConn(s *Switch, oc *openflow.Conn, v openflow.Version, active bool) *conn {
	return &conn{s: s, oc: oc, ver: v, active: active, role: of13.RoleEqual, async: defaultAsync}
}

func (c *conn) getRole() of13.ControllerRole {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.role
}

func (c *conn) setRole(r of13.ControllerRole) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.role = r
}

// wants reports whether the async configuration of c asks for event m.
func (c *conn) wants(m flow.Message) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := 0
	if c.role == of13.RoleSlave {
		i = 1
	}
	switch e := m.(type) {
	case *flow.PacketIn:
		return c.async.PacketInMask[i]&(1<<e.Reason) != 0
	case *flow.FlowRemoved:
		return c.async.FlowRemovedMask[i]&(1<<e.Reason) != 0
	case *flow.PortStatus:
		return c.async.PortStatusMask[i]&(1<<e.Reason) != 0
	}
	return false
}

// sendEvent sends an asynchronous message in the connection's version.
func (c *conn) sendEvent(m flow.Message) {
	w, err := m.Encode(c.ver)
	if err != nil {
		c.s.log.Debug("event not expressible", "version", c.ver.String(), "err", err)
		return
	}
	if err := c.oc.SendXid(0, w); err != nil {
		c.s.log.Debug("event not sent", "err", err)
	}
}

// reply sends m as the answer to the request with header h.
func (c *conn) reply(h openflow.Header, m openflow.Message) {
	if err := c.oc.SendXid(h.Xid, m); err != nil {
		c.s.log.Debug("reply failed", "err", err)
	}
}

// replyModel encodes the model reply x in the connection's version.
func (c *conn) replyModel(h openflow.Header, x flow.Message) error {
	w, err := x.Encode(c.ver)
	if err != nil {
		return err
	}
	c.reply(h, w)
	return nil
}

// handle answers one request; an error becomes an OFPT_ERROR.
func (c *conn) handle(h openflow.Header, m openflow.Message) error {
	if c.ver == openflow.Version10 {
		return c.handle10(h, m)
	}
	return c.handle13(h, m)
}

func (c *conn) handle13(h openflow.Header, m openflow.Message) error {
	switch r := m.(type) {
	case *of13.FeaturesRequest:
		c.reply(h, &of13.FeaturesReply{DatapathID: c.s.cfg.DatapathID, NBuffers: uint32(c.s.dp.Buffers()),
			NTables: datapath.NumTables, Capabilities: of13.CapFlowStats | of13.CapTableStats | of13.CapPortStats | of13.CapGroupStats})
	case *of13.GetConfigRequest:
		c.reply(h, &of13.GetConfigReply{SwitchConfig: of13.SwitchConfig{MissSendLen: c.s.missSendLen()}})
	case *of13.SetConfig:
		if err := c.writable(); err != nil {
			return err
		}
		if r.Flags&^(of13.ConfigFragMask|of13.ConfigInvalidTTLToController) != 0 {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeSwitchConfigFailed, Code: switchConfigBadFlags}
		}
		c.s.setMissSendLen(r.MissSendLen)
	case *of13.FlowMod, *of13.PacketOut:
		return c.modelMod(m)
	case *of13.GroupMod:
		if err := c.writable(); err != nil {
			return err
		}
		gm, err := groupModFrom13(r)
		if err != nil {
			return err
		}
		tx := c.s.dp.Begin()
		err = tx.GroupMod(gm)
		tx.Commit()
		return err
	case *of13.MeterMod:
		if err := c.writable(); err != nil {
			return err
		}
		mm, err := meterModFrom13(r)
		if err != nil {
			return err
		}
		tx := c.s.dp.Begin()
		err = tx.MeterMod(mm)
		tx.Commit()
		return err
	case *of13.PortMod:
		if err := c.writable(); err != nil {
			return err
		}
		return c.s.portMod(flow.PortNo(r.PortNo), r.HWAddr, flow.PortConfig(r.Config), flow.PortConfig(r.Mask))
	case *of13.BarrierRequest:
		c.reply(h, &of13.BarrierReply{})
	case *of13.RoleRequest:
		if r.Role.Role > of13.RoleSlave {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeRoleRequestFailed, Code: roleBadRole}
		}
		role, gen, err := c.s.setRole(c, r.Role.Role, r.GenerationID)
		if err != nil {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeRoleRequestFailed, Code: roleStale}
		}
		c.reply(h, &of13.RoleReply{Role: of13.Role{Role: role, GenerationID: gen}})
	case *of13.GetAsyncRequest:
		c.mu.Lock()
		a := c.async
		c.mu.Unlock()
		c.reply(h, &of13.GetAsyncReply{AsyncConfig: a})
	case *of13.SetAsync:
		c.mu.Lock()
		c.async = r.AsyncConfig
		c.mu.Unlock()
	case *of13.TableMod:
		// Table configuration is deprecated in OpenFlow 1.3: misses follow
		// the table-miss entry whatever it says.
		return c.writable()
	case *of13.QueueGetConfigRequest:
		if r.Port > of13.PortMax && r.Port != of13.PortAny {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeQueueOpFailed, Code: queueOpBadPort}
		}
		c.reply(h, &of13.QueueGetConfigReply{Port: r.Port}) // no queues
	case *of13.Experimenter:
		return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestBadExperimenter}
	default:
		return c.multipart13(h, m)
	}
	return nil
}

func (c *conn) handle10(h openflow.Header, m openflow.Message) error {
	switch r := m.(type) {
	case *of10.FeaturesRequest:
		fr := &of10.FeaturesReply{DatapathID: c.s.cfg.DatapathID, NBuffers: uint32(c.s.dp.Buffers()), NTables: 1,
			Capabilities: of10.CapFlowStats | of10.CapTableStats | of10.CapPortStats | of10.CapARPMatchIP,
			Actions:      actions10}
		for _, d := range c.s.dp.Ports() {
			if p, ok := port10(d); ok {
				fr.Ports = append(fr.Ports, p)
			}
		}
		c.reply(h, fr)
	case *of10.GetConfigRequest:
		c.reply(h, &of10.GetConfigReply{MissSendLen: c.s.missSendLen()})
	case *of10.SetConfig:
		if r.Flags&^of10.FragMask != 0 {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeSwitchConfigFailed, Code: switchConfigBadFlags}
		}
		c.s.setMissSendLen(r.MissSendLen)
	case *of10.FlowMod, *of10.PacketOut:
		return c.modelMod(m)
	case *of10.PortMod:
		return c.s.portMod(flow.PortFrom10(uint16(r.PortNo)), r.HWAddr, flow.PortConfig(r.Config), flow.PortConfig(r.Mask))
	case *of10.BarrierRequest:
		c.reply(h, &of10.BarrierReply{})
	case *of10.QueueGetConfigRequest:
		if r.Port >= of10.PortMax {
			return &openflow.ErrorMsg{Ver: c.ver, Type: errTypeQueueOpFailed, Code: queueOpBadPort}
		}
		c.reply(h, &of10.QueueGetConfigReply{Port: r.Port}) // no queues
	case *of10.Vendor:
		return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestBadExperimenter}
	default:
		return c.multipart10(h, m)
	}
	return nil
}

// checkFlowModFlags refuses a flow mod with flags its version does not
// define, as Open vSwitch does: the flow model keeps only the known ones,
// so an unknown bit would otherwise be dropped unseen.
func checkFlowModFlags(m openflow.Message) error {
	bad := false
	switch r := m.(type) {
	case *of13.FlowMod:
		bad = r.Flags&^(of13.FlowModSendFlowRem|of13.FlowModCheckOverlap|of13.FlowModResetCounts|
			of13.FlowModNoPktCounts|of13.FlowModNoBytCounts) != 0
	case *of10.FlowMod:
		bad = r.Flags&^(of10.FlowSendFlowRem|of10.FlowCheckOverlap|of10.FlowEmerg) != 0
	}
	if bad {
		return &openflow.ErrorMsg{Type: datapath.ErrTypeFlowModFailed, Code: datapath.FlowModBadFlags}
	}
	return nil
}

// actions10 are the OpenFlow 1.0 action types the datapath runs: output
// to set_tp_dst (0-10) and enqueue (11) is not.
const actions10 of10.ActionBits = 1<<11 - 1

// port10 converts a port description to OpenFlow 1.0.
func port10(d flow.PortDesc) (of10.Port, bool) {
	w, err := (&flow.PortStatus{Desc: d}).Encode(openflow.Version10)
	if err != nil {
		return of10.Port{}, false
	}
	return w.(*of10.PortStatus).Port, true
}

// writable refuses state changes from a slave.
func (c *conn) writable() error {
	if c.getRole() == of13.RoleSlave {
		return &openflow.ErrorMsg{Ver: c.ver, Type: datapath.ErrTypeBadRequest, Code: badRequestIsSlave}
	}
	return nil
}

// modelMod applies a flow mod or packet out through the model.
func (c *conn) modelMod(m openflow.Message) error {
	if err := c.writable(); err != nil {
		return err
	}
	if err := checkFlowModFlags(m); err != nil {
		return err
	}
	x, err := flow.Decode(m)
	if err != nil {
		return err
	}
	switch x := x.(type) {
	case *flow.FlowMod:
		n, err := c.s.dp.FlowMod(x)
		if err == nil && n == 0 && c.ver == openflow.Version10 &&
			(x.Command == flow.Modify || x.Command == flow.ModifyStrict) {
			add := *x
			add.Command = flow.Add
			_, err = c.s.dp.FlowMod(&add)
		}
		return err
	case *flow.PacketOut:
		return c.s.dp.PacketOut(x)
	}
	return nil
}
