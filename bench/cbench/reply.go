package cbench

import (
	"encoding/binary"
	"fmt"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// Message types that have the same number in OpenFlow 1.0 and 1.3.
const (
	typeHello           = 0
	typeError           = 1
	typeEchoRequest     = 2
	typeEchoReply       = 3
	typeFeaturesRequest = 5
	typeGetConfigReq    = 7
	typePacketOut       = 13
	typeFlowMod         = 14
)

// Descriptions a fake switch gives of itself.
const (
	mfrDesc = "ofbox"
	hwDesc  = "cbench fake switch"
	swDesc  = "ofbox bench controller"
)

// responder answers the controller's requests for one fake switch, in the
// way a minimal switch does. Its replies are encoded afresh: requests are
// rare next to packet-ins.
type responder struct {
	version openflow.Version
	dpid    uint64
	sw      int
}

// reply returns the wire form of the answer to the message with header h
// and body, or nil if the message needs none.
func (r *responder) reply(h openflow.Header, body []byte) ([]byte, error) {
	switch h.Type {
	case typeEchoRequest:
		b := append([]byte(nil), body...)
		if r.version == openflow.Version10 {
			return openflow.Marshal(h.Xid, &of10.EchoReply{Data: b})
		}
		return openflow.Marshal(h.Xid, &of13.EchoReply{Data: b})
	case typeFeaturesRequest:
		return r.features(h.Xid)
	case typeGetConfigReq:
		if r.version == openflow.Version10 {
			return openflow.Marshal(h.Xid, &of10.GetConfigReply{MissSendLen: 128})
		}
		return openflow.Marshal(h.Xid, &of13.GetConfigReply{SwitchConfig: of13.SwitchConfig{MissSendLen: 128}})
	}
	if r.version == openflow.Version10 {
		switch of10.Type(h.Type) {
		case of10.TypeBarrierRequest:
			return openflow.Marshal(h.Xid, &of10.BarrierReply{})
		case of10.TypeStatsRequest:
			return r.stats10(h.Xid, body)
		}
		return nil, nil
	}
	switch of13.Type(h.Type) {
	case of13.TypeBarrierRequest:
		return openflow.Marshal(h.Xid, &of13.BarrierReply{})
	case of13.TypeMultipartRequest:
		return r.multipart13(h.Xid, body)
	case of13.TypeRoleRequest:
		if len(body) < 16 {
			return nil, fmt.Errorf("role request: %d bytes; want 16", len(body))
		}
		return rawReply(h.Xid, r.version, uint8(of13.TypeRoleReply), body[:16]), nil
	}
	return nil, nil
}

func (r *responder) features(xid uint32) ([]byte, error) {
	if r.version == openflow.Version10 {
		ports := make([]of10.Port, NumPorts)
		for i := range ports {
			ports[i] = of10.Port{
				PortNo: of10.PortNo(i + 1),
				HWAddr: openflow.EthAddr{0x0a, 0, byte(r.sw >> 8), byte(r.sw), 0, byte(i + 1)},
				Name:   fmt.Sprintf("s%d-eth%d", r.sw, i+1),
				Curr:   of10.PortFeature1GBFD | of10.PortFeatureCopper,
			}
		}
		return openflow.Marshal(xid, &of10.FeaturesReply{
			DatapathID: r.dpid, NBuffers: 256, NTables: 1,
			Capabilities: of10.CapFlowStats | of10.CapTableStats | of10.CapPortStats,
			Actions:      0xfff, Ports: ports,
		})
	}
	return openflow.Marshal(xid, &of13.FeaturesReply{
		DatapathID: r.dpid, NBuffers: 256, NTables: 1,
		Capabilities: of13.CapFlowStats | of13.CapTableStats | of13.CapPortStats,
	})
}

func (r *responder) ports13() []of13.Port {
	ports := make([]of13.Port, NumPorts)
	for i := range ports {
		ports[i] = of13.Port{
			PortNo:    of13.PortNo(i + 1),
			HWAddr:    openflow.EthAddr{0x0a, 0, byte(r.sw >> 8), byte(r.sw), 0, byte(i + 1)},
			Name:      fmt.Sprintf("s%d-eth%d", r.sw, i+1),
			Curr:      of13.PortFeature1GbFD | of13.PortFeatureCopper,
			CurrSpeed: 1000000, MaxSpeed: 1000000,
		}
	}
	return ports
}

// stats10 answers an OF1.0 stats request: the description, and an empty
// reply of the requested kind for everything else.
func (r *responder) stats10(xid uint32, body []byte) ([]byte, error) {
	if len(body) < 4 {
		return nil, fmt.Errorf("stats request: %d bytes; want at least 4", len(body))
	}
	kind := of10.StatsType(binary.BigEndian.Uint16(body))
	switch kind {
	case of10.StatsDesc:
		return openflow.Marshal(xid, &of10.DescStatsReply{
			MfrDesc: mfrDesc, HWDesc: hwDesc, SWDesc: swDesc, SerialNum: "0", DPDesc: r.dpDesc(),
		})
	case of10.StatsAggregate:
		return rawReply(xid, r.version, uint8(of10.TypeStatsReply), body[:2], make([]byte, 2+24)), nil
	}
	return rawReply(xid, r.version, uint8(of10.TypeStatsReply), body[:2], make([]byte, 2)), nil
}

// multipart13 answers an OF1.3 multipart request: the description and
// the port list, and an empty reply of the requested kind for the rest.
func (r *responder) multipart13(xid uint32, body []byte) ([]byte, error) {
	if len(body) < 8 {
		return nil, fmt.Errorf("multipart request: %d bytes; want at least 8", len(body))
	}
	kind := of13.MultipartType(binary.BigEndian.Uint16(body))
	switch kind {
	case of13.MultipartDesc:
		return openflow.Marshal(xid, &of13.DescReply{
			MfrDesc: mfrDesc, HWDesc: hwDesc, SWDesc: swDesc, SerialNum: "0", DPDesc: r.dpDesc(),
		})
	case of13.MultipartPortDesc:
		return openflow.Marshal(xid, &of13.PortDescReply{Ports: r.ports13()})
	case of13.MultipartAggregate:
		return rawReply(xid, r.version, uint8(of13.TypeMultipartReply), body[:2], make([]byte, 6+24)), nil
	}
	return rawReply(xid, r.version, uint8(of13.TypeMultipartReply), body[:2], make([]byte, 6)), nil
}

func (r *responder) dpDesc() string { return fmt.Sprintf("fake switch %d", r.sw) }

// rawReply builds a message of type t from body parts.
func rawReply(xid uint32, v openflow.Version, t uint8, parts ...[]byte) []byte {
	n := openflow.HeaderLen
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, openflow.HeaderLen, n)
	b[0], b[1] = uint8(v), t
	binary.BigEndian.PutUint16(b[2:], uint16(n))
	binary.BigEndian.PutUint32(b[4:], xid)
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
