package flow

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
)

// flags10 maps the flow mod flags OpenFlow 1.0 has.
func flags10(f FlowModFlags) (of10.FlowModFlags, error) {
	if rest := f &^ (SendFlowRem | CheckOverlap | Emerg); rest != 0 {
		return 0, unsupported(v10, "flags %s", rest)
	}
	w := of10.FlowModFlags(f & (SendFlowRem | CheckOverlap))
	if f&Emerg != 0 {
		w |= of10.FlowEmerg
	}
	return w, nil
}

func flagsFrom10(w of10.FlowModFlags) FlowModFlags {
	f := FlowModFlags(w) & (SendFlowRem | CheckOverlap)
	if w&of10.FlowEmerg != 0 {
		f |= Emerg
	}
	return f
}

// filter10 checks the flow filters OpenFlow 1.0 lacks.
func filter10(table uint8, outGroup uint32, cookieMask uint64, tableAllOK bool) error {
	switch {
	case table != 0 && !(tableAllOK && table == TableAll):
		return unsupported(v10, "table %d (it has one table)", table)
	case outGroup != GroupAny && outGroup != 0:
		return unsupported(v10, "out_group")
	case cookieMask != 0:
		return unsupported(v10, "a cookie mask")
	}
	return nil
}

func (fm *FlowMod) encode10() (openflow.Message, error) {
	del := fm.Command == Delete || fm.Command == DeleteStrict
	if err := filter10(fm.TableID, fm.OutGroup, fm.CookieMask, del); err != nil {
		return nil, err
	}
	m, err := match10(&fm.Match)
	if err != nil {
		return nil, err
	}
	as, err := instructions10(fm.Instructions)
	if err != nil {
		return nil, err
	}
	flags, err := flags10(fm.Flags)
	if err != nil {
		return nil, err
	}
	out, err := port10(fm.OutPort)
	if err != nil {
		return nil, err
	}
	return &of10.FlowMod{Match: m, Cookie: fm.Cookie, Command: of10.FlowModCommand(fm.Command), IdleTimeout: fm.IdleTimeout,
		HardTimeout: fm.HardTimeout, Priority: fm.Priority, BufferID: fm.BufferID, OutPort: out, Flags: flags, Actions: as}, nil
}

func flowModFrom10(w *of10.FlowMod) (*FlowMod, error) {
	m := matchFrom10(&w.Match)
	is, err := instructionsFrom10(w.Actions, &m)
	if err != nil {
		return nil, err
	}
	fm := &FlowMod{Command: FlowModCommand(w.Command), Cookie: w.Cookie, Priority: w.Priority, IdleTimeout: w.IdleTimeout,
		HardTimeout: w.HardTimeout, BufferID: w.BufferID, OutPort: PortFrom10(uint16(w.OutPort)), OutGroup: GroupAny,
		Flags: flagsFrom10(w.Flags), Match: m, Instructions: is}
	if fm.Command == Delete || fm.Command == DeleteStrict {
		fm.TableID = TableAll // an OpenFlow 1.0 delete names no table: it reaches the whole switch
	}
	return fm, nil
}

// PacketIn: OpenFlow 1.0 carries only in_port of the match, and no table
// or cookie.
func (p *PacketIn) encode10() (openflow.Message, error) {
	if p.Reason > ReasonAction {
		return nil, unsupported(v10, "packet-in reason %s", p.Reason)
	}
	in, err := port10(p.Match.Key.InPort)
	if err != nil {
		return nil, err
	}
	return &of10.PacketIn{BufferID: p.BufferID, TotalLen: p.TotalLen, InPort: in, Reason: of10.PacketInReason(p.Reason), Data: p.Data}, nil
}

func packetInFrom10(w *of10.PacketIn) *PacketIn {
	p := &PacketIn{BufferID: w.BufferID, TotalLen: w.TotalLen, Reason: PacketInReason(w.Reason), Data: w.Data}
	p.Match.SetInPort(PortFrom10(uint16(w.InPort)))
	return p
}

func (p *PacketOut) encode10() (openflow.Message, error) {
	in, err := port10(p.InPort)
	if err != nil {
		return nil, err
	}
	as, err := actions10(p.Actions)
	if err != nil {
		return nil, err
	}
	return &of10.PacketOut{BufferID: p.BufferID, InPort: in, Actions: as, Data: p.Data}, nil
}

func packetOutFrom10(w *of10.PacketOut) (*PacketOut, error) {
	as, err := actionsFrom10(w.Actions, nil)
	if err != nil {
		return nil, err
	}
	return &PacketOut{BufferID: w.BufferID, InPort: PortFrom10(uint16(w.InPort)), Actions: as, Data: w.Data}, nil
}

// FlowRemoved: OpenFlow 1.0 has no table id or hard timeout; they are
// dropped.
func (r *FlowRemoved) encode10() (openflow.Message, error) {
	if r.Reason > RemovedDelete {
		return nil, unsupported(v10, "flow-removed reason %s", r.Reason)
	}
	m, err := match10(&r.Match)
	if err != nil {
		return nil, err
	}
	return &of10.FlowRemoved{Match: m, Cookie: r.Cookie, Priority: r.Priority, Reason: of10.FlowRemovedReason(r.Reason),
		DurationSec: r.DurationSec, DurationNsec: r.DurationNsec, IdleTimeout: r.IdleTimeout,
		PacketCount: r.PacketCount, ByteCount: r.ByteCount}, nil
}

func flowRemovedFrom10(w *of10.FlowRemoved) *FlowRemoved {
	return &FlowRemoved{Cookie: w.Cookie, Priority: w.Priority, Reason: FlowRemovedReason(w.Reason),
		DurationSec: w.DurationSec, DurationNsec: w.DurationNsec, IdleTimeout: w.IdleTimeout,
		PacketCount: w.PacketCount, ByteCount: w.ByteCount, Match: matchFrom10(&w.Match)}
}

// port10Desc converts a port description; OpenFlow 1.0 lacks the speeds
// and the BLOCKED and LIVE states.
func port10Desc(d *PortDesc) (of10.Port, error) {
	n, err := port10(d.PortNo)
	if err != nil {
		return of10.Port{}, err
	}
	return of10.Port{PortNo: n, HWAddr: d.HWAddr, Name: d.Name, Config: of10.PortConfig(d.Config),
		State:      of10.PortState(d.State &^ state13Only),
		Curr:       of10.PortFeatures(FeaturesTo10(d.Curr)),
		Advertised: of10.PortFeatures(FeaturesTo10(d.Advertised)),
		Supported:  of10.PortFeatures(FeaturesTo10(d.Supported)),
		Peer:       of10.PortFeatures(FeaturesTo10(d.Peer))}, nil
}

func portFrom10(p *of10.Port) PortDesc {
	return PortDesc{PortNo: PortFrom10(uint16(p.PortNo)), HWAddr: p.HWAddr, Name: p.Name, Config: PortConfig(p.Config),
		State: PortState(p.State) &^ state13Only, Curr: FeaturesFrom10(uint32(p.Curr)), Advertised: FeaturesFrom10(uint32(p.Advertised)),
		Supported: FeaturesFrom10(uint32(p.Supported)), Peer: FeaturesFrom10(uint32(p.Peer))}
}

func (s *PortStatus) encode10() (openflow.Message, error) {
	p, err := port10Desc(&s.Desc)
	if err != nil {
		return nil, err
	}
	return &of10.PortStatus{Reason: of10.PortReason(s.Reason), Port: p}, nil
}

func (r *PortDescReply) encode10() (openflow.Message, error) {
	w := &of10.PortDescStatsReply{}
	for i := range r.Ports {
		p, err := port10Desc(&r.Ports[i])
		if err != nil {
			return nil, err
		}
		w.Ports = append(w.Ports, p)
	}
	return w, nil
}

// PortsFrom10 converts the ports of an OpenFlow 1.0 features reply, which
// is where OpenFlow 1.0 lists them.
func PortsFrom10(ps []of10.Port) []PortDesc {
	var out []PortDesc
	for i := range ps {
		out = append(out, portFrom10(&ps[i]))
	}
	return out
}

func (r *FlowStatsRequest) encode10() (openflow.Message, error) {
	if err := filter10(r.TableID, r.OutGroup, r.CookieMask, true); err != nil {
		return nil, err
	}
	m, err := match10(&r.Match)
	if err != nil {
		return nil, err
	}
	out, err := port10(r.OutPort)
	if err != nil {
		return nil, err
	}
	return &of10.FlowStatsRequest{Match: m, TableID: r.TableID, OutPort: out}, nil
}

func (r *AggregateRequest) encode10() (openflow.Message, error) {
	w, err := (*FlowStatsRequest)(r).encode10()
	if err != nil {
		return nil, err
	}
	f := w.(*of10.FlowStatsRequest)
	return &of10.AggregateStatsRequest{Match: f.Match, TableID: f.TableID, OutPort: f.OutPort}, nil
}

func (r *FlowStatsReply) encode10() (openflow.Message, error) {
	w := &of10.FlowStatsReply{}
	for i := range r.Flows {
		f := &r.Flows[i]
		if f.Flags != 0 {
			return nil, unsupported(v10, "flags %s in flow stats", f.Flags)
		}
		m, err := match10(&f.Match)
		if err != nil {
			return nil, err
		}
		as, err := instructions10(f.Instructions)
		if err != nil {
			return nil, err
		}
		w.Stats = append(w.Stats, of10.FlowStats{TableID: f.TableID, Match: m, DurationSec: f.DurationSec, DurationNsec: f.DurationNsec,
			Priority: f.Priority, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout, Cookie: f.Cookie,
			PacketCount: f.PacketCount, ByteCount: f.ByteCount, Actions: as})
	}
	return w, nil
}

func flowStatsFrom10(w *of10.FlowStatsReply) (*FlowStatsReply, error) {
	r := &FlowStatsReply{}
	for i := range w.Stats {
		f := &w.Stats[i]
		m := matchFrom10(&f.Match)
		is, err := instructionsFrom10(f.Actions, &m)
		if err != nil {
			return nil, err
		}
		r.Flows = append(r.Flows, FlowStats{TableID: f.TableID, DurationSec: f.DurationSec, DurationNsec: f.DurationNsec,
			Priority: f.Priority, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout, Cookie: f.Cookie,
			PacketCount: f.PacketCount, ByteCount: f.ByteCount, Match: m, Instructions: is})
	}
	return r, nil
}

func (r *TableStatsReply) encode10() (openflow.Message, error) {
	w := &of10.TableStatsReply{}
	for _, t := range r.Tables {
		w.Stats = append(w.Stats, of10.TableStats{TableID: t.TableID, Name: t.Name, Wildcards: of10.Wildcards(t.Wildcards),
			MaxEntries: t.MaxEntries, ActiveCount: t.ActiveCount, LookupCount: t.LookupCount, MatchedCount: t.MatchedCount})
	}
	return w, nil
}

func (r *PortStatsRequest) encode10() (openflow.Message, error) {
	p, err := port10(r.PortNo)
	if err != nil {
		return nil, err
	}
	return &of10.PortStatsRequest{PortNo: p}, nil
}

func (r *PortStatsReply) encode10() (openflow.Message, error) {
	w := &of10.PortStatsReply{}
	for _, p := range r.Ports {
		n, err := port10(p.PortNo)
		if err != nil {
			return nil, err
		}
		w.Stats = append(w.Stats, of10.PortStats{PortNo: n, RxPackets: p.RxPackets, TxPackets: p.TxPackets,
			RxBytes: p.RxBytes, TxBytes: p.TxBytes, RxDropped: p.RxDropped, TxDropped: p.TxDropped, RxErrors: p.RxErrors,
			TxErrors: p.TxErrors, RxFrameErr: p.RxFrameErr, RxOverErr: p.RxOverErr, RxCRCErr: p.RxCRCErr, Collisions: p.Collisions})
	}
	return w, nil
}

// decode10 converts the OpenFlow 1.0 messages the model has.
func decode10(m openflow.Message) (Message, error) {
	switch w := m.(type) {
	case *of10.FlowMod:
		return flowModFrom10(w)
	case *of10.PacketIn:
		return packetInFrom10(w), nil
	case *of10.PacketOut:
		return packetOutFrom10(w)
	case *of10.FlowRemoved:
		return flowRemovedFrom10(w), nil
	case *of10.PortStatus:
		return &PortStatus{Reason: PortReason(w.Reason), Desc: portFrom10(&w.Port)}, nil
	case *of10.DescStatsRequest:
		return &DescRequest{}, nil
	case *of10.DescStatsReply:
		return &DescReply{MfrDesc: w.MfrDesc, HWDesc: w.HWDesc, SWDesc: w.SWDesc, SerialNum: w.SerialNum, DPDesc: w.DPDesc}, nil
	case *of10.FlowStatsRequest:
		return &FlowStatsRequest{TableID: w.TableID, OutPort: PortFrom10(uint16(w.OutPort)), OutGroup: GroupAny, Match: matchFrom10(&w.Match)}, nil
	case *of10.AggregateStatsRequest:
		return &AggregateRequest{TableID: w.TableID, OutPort: PortFrom10(uint16(w.OutPort)), OutGroup: GroupAny, Match: matchFrom10(&w.Match)}, nil
	case *of10.FlowStatsReply:
		return flowStatsFrom10(w)
	case *of10.AggregateStatsReply:
		return &AggregateReply{PacketCount: w.PacketCount, ByteCount: w.ByteCount, FlowCount: w.FlowCount}, nil
	case *of10.TableStatsRequest:
		return &TableStatsRequest{}, nil
	case *of10.TableStatsReply:
		r := &TableStatsReply{}
		for _, t := range w.Stats {
			r.Tables = append(r.Tables, TableStats{TableID: t.TableID, Name: t.Name, Wildcards: uint32(t.Wildcards),
				MaxEntries: t.MaxEntries, ActiveCount: t.ActiveCount, LookupCount: t.LookupCount, MatchedCount: t.MatchedCount})
		}
		return r, nil
	case *of10.PortStatsRequest:
		return &PortStatsRequest{PortNo: PortFrom10(uint16(w.PortNo))}, nil
	case *of10.PortStatsReply:
		r := &PortStatsReply{}
		for _, p := range w.Stats {
			r.Ports = append(r.Ports, PortStats{PortNo: PortFrom10(uint16(p.PortNo)), RxPackets: p.RxPackets, TxPackets: p.TxPackets,
				RxBytes: p.RxBytes, TxBytes: p.TxBytes, RxDropped: p.RxDropped, TxDropped: p.TxDropped, RxErrors: p.RxErrors,
				TxErrors: p.TxErrors, RxFrameErr: p.RxFrameErr, RxOverErr: p.RxOverErr, RxCRCErr: p.RxCRCErr, Collisions: p.Collisions})
		}
		return r, nil
	case *of10.PortDescStatsRequest:
		return &PortDescRequest{}, nil
	case *of10.PortDescStatsReply:
		return &PortDescReply{Ports: PortsFrom10(w.Ports)}, nil
	case *of10.BarrierRequest:
		return &BarrierRequest{}, nil
	case *of10.BarrierReply:
		return &BarrierReply{}, nil
	}
	return nil, fmt.Errorf("no model for %T: %w", m, ErrUnsupported)
}
