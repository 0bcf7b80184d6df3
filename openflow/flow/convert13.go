package flow

import (
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of13"
)

func (fm *FlowMod) encode13() (openflow.Message, error) {
	if fm.Flags&Emerg != 0 {
		return nil, unsupported(openflow.Version13, "the emerg flag")
	}
	is, err := instructions13(fm.Instructions)
	if err != nil {
		return nil, err
	}
	return &of13.FlowMod{
		Cookie: fm.Cookie, CookieMask: fm.CookieMask, TableID: fm.TableID, Command: of13.FlowModCommand(fm.Command),
		IdleTimeout: fm.IdleTimeout, HardTimeout: fm.HardTimeout, Priority: fm.Priority, BufferID: fm.BufferID,
		OutPort: of13.PortNo(fm.OutPort), OutGroup: fm.OutGroup, Flags: of13.FlowModFlags(fm.Flags),
		Match: match13(&fm.Match), Instructions: is,
	}, nil
}

func flowModFrom13(w *of13.FlowMod) (*FlowMod, error) {
	m, err := matchFrom13(&w.Match)
	if err != nil {
		return nil, err
	}
	is, err := instructionsFrom13(w.Instructions)
	if err != nil {
		return nil, err
	}
	return &FlowMod{
		Command: FlowModCommand(w.Command), Cookie: w.Cookie, CookieMask: w.CookieMask, TableID: w.TableID,
		Priority: w.Priority, IdleTimeout: w.IdleTimeout, HardTimeout: w.HardTimeout, BufferID: w.BufferID,
		OutPort: PortNo(w.OutPort), OutGroup: w.OutGroup, Flags: FlowModFlags(w.Flags), Match: m, Instructions: is,
	}, nil
}

func (p *PacketIn) encode13() (openflow.Message, error) {
	return &of13.PacketIn{BufferID: p.BufferID, TotalLen: p.TotalLen, Reason: of13.PacketInReason(p.Reason),
		TableID: p.TableID, Cookie: p.Cookie, Match: match13(&p.Match), Data: p.Data}, nil
}

func packetInFrom13(w *of13.PacketIn) (*PacketIn, error) {
	m, err := packetMatchFrom13(&w.Match)
	if err != nil {
		return nil, err
	}
	return &PacketIn{BufferID: w.BufferID, TotalLen: w.TotalLen, Reason: PacketInReason(w.Reason),
		TableID: w.TableID, Cookie: w.Cookie, Match: m, Data: w.Data}, nil
}

func (p *PacketOut) encode13() (openflow.Message, error) {
	as, err := actions13(p.Actions)
	if err != nil {
		return nil, err
	}
	return &of13.PacketOut{BufferID: p.BufferID, InPort: of13.PortNo(p.InPort), Actions: as, Data: p.Data}, nil
}

func packetOutFrom13(w *of13.PacketOut) (*PacketOut, error) {
	as, err := actionsFrom13(w.Actions)
	if err != nil {
		return nil, err
	}
	return &PacketOut{BufferID: w.BufferID, InPort: PortNo(w.InPort), Actions: as, Data: w.Data}, nil
}

func (r *FlowRemoved) encode13() (openflow.Message, error) {
	return &of13.FlowRemoved{Cookie: r.Cookie, Priority: r.Priority, Reason: of13.FlowRemovedReason(r.Reason),
		TableID: r.TableID, DurationSec: r.DurationSec, DurationNsec: r.DurationNsec, IdleTimeout: r.IdleTimeout,
		HardTimeout: r.HardTimeout, PacketCount: r.PacketCount, ByteCount: r.ByteCount, Match: match13(&r.Match)}, nil
}

func flowRemovedFrom13(w *of13.FlowRemoved) (*FlowRemoved, error) {
	m, err := matchFrom13(&w.Match)
	if err != nil {
		return nil, err
	}
	return &FlowRemoved{Cookie: w.Cookie, Priority: w.Priority, Reason: FlowRemovedReason(w.Reason),
		TableID: w.TableID, DurationSec: w.DurationSec, DurationNsec: w.DurationNsec, IdleTimeout: w.IdleTimeout,
		HardTimeout: w.HardTimeout, PacketCount: w.PacketCount, ByteCount: w.ByteCount, Match: m}, nil
}

// Port bits that only OpenFlow 1.0 defines; OpenFlow 1.3 conversions
// drop them both ways.
const (
	config10Only = PortNoSTP | PortNoRecvSTP | PortNoFlood
	state10Only  = STPMask
	state13Only  = Blocked | Live
)

// port13 converts a port description.
func port13(d *PortDesc) of13.Port {
	return of13.Port{PortNo: of13.PortNo(d.PortNo), HWAddr: d.HWAddr, Name: d.Name,
		Config: of13.PortConfig(d.Config &^ config10Only), State: of13.PortState(d.State &^ state10Only), Curr: of13.PortFeatures(d.Curr), Advertised: of13.PortFeatures(d.Advertised),
		Supported: of13.PortFeatures(d.Supported), Peer: of13.PortFeatures(d.Peer), CurrSpeed: d.CurrSpeed, MaxSpeed: d.MaxSpeed}
}

func portFrom13(p *of13.Port) PortDesc {
	return PortDesc{PortNo: PortNo(p.PortNo), HWAddr: p.HWAddr, Name: p.Name, Config: PortConfig(p.Config) &^ config10Only,
		State: PortState(p.State) &^ state10Only, Curr: PortFeatures(p.Curr), Advertised: PortFeatures(p.Advertised),
		Supported: PortFeatures(p.Supported), Peer: PortFeatures(p.Peer), CurrSpeed: p.CurrSpeed, MaxSpeed: p.MaxSpeed}
}

func (s *PortStatus) encode13() (openflow.Message, error) {
	return &of13.PortStatus{Reason: of13.PortReason(s.Reason), Port: port13(&s.Desc)}, nil
}

func (r *FlowStatsRequest) encode13() (openflow.Message, error) {
	return &of13.FlowStatsRequest{TableID: r.TableID, OutPort: of13.PortNo(r.OutPort), OutGroup: r.OutGroup,
		Cookie: r.Cookie, CookieMask: r.CookieMask, Match: match13(&r.Match)}, nil
}

func (r *AggregateRequest) encode13() (openflow.Message, error) {
	return &of13.AggregateStatsRequest{TableID: r.TableID, OutPort: of13.PortNo(r.OutPort), OutGroup: r.OutGroup,
		Cookie: r.Cookie, CookieMask: r.CookieMask, Match: match13(&r.Match)}, nil
}

func (r *FlowStatsReply) encode13() (openflow.Message, error) {
	w := &of13.FlowStatsReply{}
	for i := range r.Flows {
		f := &r.Flows[i]
		is, err := instructions13(f.Instructions)
		if err != nil {
			return nil, err
		}
		if f.Flags&Emerg != 0 {
			return nil, unsupported(openflow.Version13, "the emerg flag")
		}
		w.Stats = append(w.Stats, of13.FlowStats{TableID: f.TableID, DurationSec: f.DurationSec, DurationNSec: f.DurationNsec,
			Priority: f.Priority, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout, Flags: of13.FlowModFlags(f.Flags),
			Cookie: f.Cookie, PacketCount: f.PacketCount, ByteCount: f.ByteCount, Match: match13(&f.Match), Instructions: is})
	}
	return w, nil
}

func (r *TableStatsReply) encode13() (openflow.Message, error) {
	w := &of13.TableStatsReply{}
	for _, t := range r.Tables {
		w.Stats = append(w.Stats, of13.TableStats{TableID: t.TableID, ActiveCount: t.ActiveCount, LookupCount: t.LookupCount, MatchedCount: t.MatchedCount})
	}
	return w, nil
}

func (r *PortStatsReply) encode13() (openflow.Message, error) {
	w := &of13.PortStatsReply{}
	for _, p := range r.Ports {
		w.Stats = append(w.Stats, of13.PortStats{PortNo: of13.PortNo(p.PortNo), RxPackets: p.RxPackets, TxPackets: p.TxPackets,
			RxBytes: p.RxBytes, TxBytes: p.TxBytes, RxDropped: p.RxDropped, TxDropped: p.TxDropped, RxErrors: p.RxErrors,
			TxErrors: p.TxErrors, RxFrameErr: p.RxFrameErr, RxOverErr: p.RxOverErr, RxCRCErr: p.RxCRCErr,
			Collisions: p.Collisions, DurationSec: p.DurationSec, DurationNSec: p.DurationNsec})
	}
	return w, nil
}

func (r *PortDescReply) encode13() (openflow.Message, error) {
	w := &of13.PortDescReply{}
	for i := range r.Ports {
		w.Ports = append(w.Ports, port13(&r.Ports[i]))
	}
	return w, nil
}

// decode13 converts the OpenFlow 1.3 messages the model has.
func decode13(m openflow.Message) (Message, error) {
	switch w := m.(type) {
	case *of13.FlowMod:
		return flowModFrom13(w)
	case *of13.PacketIn:
		return packetInFrom13(w)
	case *of13.PacketOut:
		return packetOutFrom13(w)
	case *of13.FlowRemoved:
		return flowRemovedFrom13(w)
	case *of13.PortStatus:
		return &PortStatus{Reason: PortReason(w.Reason), Desc: portFrom13(&w.Port)}, nil
	case *of13.DescRequest:
		return &DescRequest{}, nil
	case *of13.DescReply:
		return &DescReply{MfrDesc: w.MfrDesc, HWDesc: w.HWDesc, SWDesc: w.SWDesc, SerialNum: w.SerialNum, DPDesc: w.DPDesc}, nil
	case *of13.FlowStatsRequest:
		mt, err := matchFrom13(&w.Match)
		if err != nil {
			return nil, err
		}
		return &FlowStatsRequest{TableID: w.TableID, OutPort: PortNo(w.OutPort), OutGroup: w.OutGroup, Cookie: w.Cookie, CookieMask: w.CookieMask, Match: mt}, nil
	case *of13.AggregateStatsRequest:
		mt, err := matchFrom13(&w.Match)
		if err != nil {
			return nil, err
		}
		return &AggregateRequest{TableID: w.TableID, OutPort: PortNo(w.OutPort), OutGroup: w.OutGroup, Cookie: w.Cookie, CookieMask: w.CookieMask, Match: mt}, nil
	case *of13.FlowStatsReply:
		return flowStatsFrom13(w)
	case *of13.AggregateStatsReply:
		return &AggregateReply{PacketCount: w.PacketCount, ByteCount: w.ByteCount, FlowCount: w.FlowCount}, nil
	case *of13.TableStatsRequest:
		return &TableStatsRequest{}, nil
	case *of13.TableStatsReply:
		r := &TableStatsReply{}
		for _, t := range w.Stats {
			r.Tables = append(r.Tables, TableStats{TableID: t.TableID, ActiveCount: t.ActiveCount, LookupCount: t.LookupCount, MatchedCount: t.MatchedCount})
		}
		return r, nil
	case *of13.PortStatsRequest:
		return &PortStatsRequest{PortNo: PortNo(w.PortNo)}, nil
	case *of13.PortStatsReply:
		r := &PortStatsReply{}
		for _, p := range w.Stats {
			r.Ports = append(r.Ports, PortStats{PortNo: PortNo(p.PortNo), RxPackets: p.RxPackets, TxPackets: p.TxPackets,
				RxBytes: p.RxBytes, TxBytes: p.TxBytes, RxDropped: p.RxDropped, TxDropped: p.TxDropped, RxErrors: p.RxErrors,
				TxErrors: p.TxErrors, RxFrameErr: p.RxFrameErr, RxOverErr: p.RxOverErr, RxCRCErr: p.RxCRCErr,
				Collisions: p.Collisions, DurationSec: p.DurationSec, DurationNsec: p.DurationNSec})
		}
		return r, nil
	case *of13.PortDescRequest:
		return &PortDescRequest{}, nil
	case *of13.PortDescReply:
		r := &PortDescReply{}
		for i := range w.Ports {
			r.Ports = append(r.Ports, portFrom13(&w.Ports[i]))
		}
		return r, nil
	case *of13.BarrierRequest:
		return &BarrierRequest{}, nil
	case *of13.BarrierReply:
		return &BarrierReply{}, nil
	}
	return nil, fmt.Errorf("no model for %T: %w", m, ErrUnsupported)
}

func flowStatsFrom13(w *of13.FlowStatsReply) (*FlowStatsReply, error) {
	r := &FlowStatsReply{}
	for i := range w.Stats {
		f := &w.Stats[i]
		mt, err := matchFrom13(&f.Match)
		if err != nil {
			return nil, err
		}
		is, err := instructionsFrom13(f.Instructions)
		if err != nil {
			return nil, err
		}
		r.Flows = append(r.Flows, FlowStats{TableID: f.TableID, DurationSec: f.DurationSec, DurationNsec: f.DurationNSec,
			Priority: f.Priority, IdleTimeout: f.IdleTimeout, HardTimeout: f.HardTimeout, Flags: FlowModFlags(f.Flags),
			Cookie: f.Cookie, PacketCount: f.PacketCount, ByteCount: f.ByteCount, Match: mt, Instructions: is})
	}
	return r, nil
}
