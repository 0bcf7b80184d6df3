package openflow

import (
	"encoding/binary"
	"fmt"
)

// Multipart replies (OF1.0 OFPT_STATS_REPLY, OF1.3 OFPT_MULTIPART_REPLY)
// carry a list of entries after a small header (type, flags and, in 1.3,
// padding). A reply too long for one frame is cut at entry boundaries into
// frames with the same xid, all but the last with the MORE flag; the
// receiver joins them again. This file has the raw rules for both: which
// message type is a multipart reply, how long its header is, and how long
// each entry of each kind is.

// mpFlagMore is OFPSF_REPLY_MORE / OFPMPF_REPLY_MORE.
const mpFlagMore = 1

// mpPartOverhead is what the reassembly budget charges per partial reply
// beyond its bytes, so that many tiny partial replies are bounded too.
const mpPartOverhead = 64

// multipartReply returns the message type of a multipart reply in version
// v and the length of its header after ofp_header.
func multipartReply(v Version) (typ uint8, hdrLen int, ok bool) {
	switch v {
	case Version10:
		return 17, 4, true // OFPT_STATS_REPLY, ofp_stats_reply
	case Version13:
		return 19, 8, true // OFPT_MULTIPART_REPLY, ofp_multipart_reply
	}
	return 0, 0, false
}

// entryRule says how long the entries of one multipart kind are.
type entryRule struct {
	size   int // fixed entry length; 0 when each entry has a length field
	lenOff int // offset of the 16-bit length field within the entry
	min    int // smallest valid entry length
}

// entryRuleOf returns the entry rule for reply kind (ofp_stats_types /
// ofp_multipart_type) of version v. Kinds whose body is one structure
// (desc, aggregate, group and meter features) or opaque (vendor,
// experimenter) cannot be cut and have no rule.
func entryRuleOf(v Version, kind uint16) (entryRule, bool) {
	switch v {
	case Version10:
		switch kind {
		case 1: // OFPST_FLOW: ofp_flow_stats, length first
			return entryRule{lenOff: 0, min: 88}, true
		case 3: // OFPST_TABLE: ofp_table_stats
			return entryRule{size: 64}, true
		case 4: // OFPST_PORT: ofp_port_stats
			return entryRule{size: 104}, true
		case 5: // OFPST_QUEUE: ofp_queue_stats
			return entryRule{size: 32}, true
		}
	case Version13:
		switch kind {
		case 1: // OFPMP_FLOW: ofp_flow_stats with at least an empty match
			return entryRule{lenOff: 0, min: 56}, true
		case 3: // OFPMP_TABLE: ofp_table_stats
			return entryRule{size: 24}, true
		case 4: // OFPMP_PORT_STATS: ofp_port_stats
			return entryRule{size: 112}, true
		case 5: // OFPMP_QUEUE: ofp_queue_stats
			return entryRule{size: 40}, true
		case 6: // OFPMP_GROUP: ofp_group_stats, length first
			return entryRule{lenOff: 0, min: 40}, true
		case 7: // OFPMP_GROUP_DESC: ofp_group_desc, length first
			return entryRule{lenOff: 0, min: 8}, true
		case 9: // OFPMP_METER: ofp_meter_stats, length after meter_id
			return entryRule{lenOff: 4, min: 40}, true
		case 10: // OFPMP_METER_CONFIG: ofp_meter_config, length first
			return entryRule{lenOff: 0, min: 8}, true
		case 12: // OFPMP_TABLE_FEATURES: ofp_table_features, length first
			return entryRule{lenOff: 0, min: 64}, true
		case 13: // OFPMP_PORT_DESC: ofp_port
			return entryRule{size: 64}, true
		}
	}
	return entryRule{}, false
}

// next returns the length of the entry at the start of b.
func (r entryRule) next(b []byte) (int, error) {
	n := r.size
	if n == 0 {
		if len(b) < r.lenOff+2 {
			return 0, fmt.Errorf("%w: entry header of %d bytes", ErrTruncated, len(b))
		}
		n = int(binary.BigEndian.Uint16(b[r.lenOff:]))
		if n < r.min {
			return 0, fmt.Errorf("%w: entry of %d bytes, the minimum is %d", ErrBadLength, n, r.min)
		}
	}
	if n > len(b) {
		return 0, fmt.Errorf("%w: entry of %d bytes with %d left", ErrBadLength, n, len(b))
	}
	return n, nil
}

// appendMultipartSplit appends body, the body of a multipart reply of
// version v too long for one frame, as several frames with xid that are
// cut at entry boundaries. Every frame has the flags of body, and all but
// the last the MORE flag too.
func appendMultipartSplit(b []byte, v Version, xid uint32, body []byte) ([]byte, error) {
	typ, hdrLen, _ := multipartReply(v)
	name := TypeName(v, typ)
	if len(body) < hdrLen {
		return b, fmt.Errorf("openflow: split %s: %w", name, ErrTruncated)
	}
	kind := binary.BigEndian.Uint16(body)
	rule, ok := entryRuleOf(v, kind)
	if !ok {
		return b, fmt.Errorf("openflow: send %s: %w: %d bytes of kind %d, which cannot be split",
			name, ErrTooLong, HeaderLen+len(body), kind)
	}
	room := MaxLen - HeaderLen - hdrLen // entry bytes per frame
	start := len(b)
	entries := body[hdrLen:]
	for first := true; first || len(entries) > 0; first = false {
		n := 0 // bytes of entries in this frame
		for n < len(entries) {
			m, err := rule.next(entries[n:])
			if err != nil {
				return b[:start], fmt.Errorf("openflow: split %s kind %d at offset %d: %w", name, kind, HeaderLen+len(body)-len(entries)+n, err)
			}
			if n+m > room {
				if n == 0 {
					return b[:start], fmt.Errorf("openflow: send %s: %w: one entry of %d bytes", name, ErrTooLong, m)
				}
				break
			}
			n += m
		}
		at := len(b)
		b = append(b, uint8(v), typ, 0, 0)
		b = binary.BigEndian.AppendUint32(b, xid)
		b = append(b, body[:hdrLen]...)
		b = append(b, entries[:n]...)
		binary.BigEndian.PutUint16(b[at+2:], uint16(len(b)-at))
		entries = entries[n:]
		if len(entries) > 0 {
			b[at+HeaderLen+3] |= mpFlagMore
		}
	}
	return b, nil
}

// partial is a multipart reply whose last part has not come yet.
type partial struct {
	kind    uint16
	body    []byte // header of the first part, then the entries so far
	discard bool   // over budget: drop parts until the last
}

// reassembler joins the parts of multipart replies by xid.
type reassembler struct {
	parts   map[uint32]*partial
	used    int // bytes held, plus mpPartOverhead per partial
	max     int
	awaited func(xid uint32) bool // nil: every reply is joined
}

// add offers a frame of version v to the reassembler. It returns done
// with the frame unchanged when the frame is not a part of a longer reply
// or the reassembler joins nothing (max < 0);
// nothing (done false) when it kept the part; and the joined body when the
// frame is the last part. A part that does not continue its reply, or
// overflows the budget, comes back as an error (done false), once per
// reply; the rest of an overflowing reply is dropped.
func (ra *reassembler) add(v Version, h Header, body []byte) (joined []byte, done bool, err error) {
	typ, hdrLen, ok := multipartReply(v)
	if !ok || h.Type != typ || len(body) < hdrLen || ra.max < 0 {
		return body, true, nil
	}
	kind := binary.BigEndian.Uint16(body)
	more := body[3]&mpFlagMore != 0
	p := ra.parts[h.Xid]
	if p == nil && (!more || ra.awaited != nil && !ra.awaited(h.Xid)) {
		return body, true, nil
	}
	if p != nil && kind != p.kind {
		ra.drop(h.Xid, p)
		return nil, false, &DecodeError{Version: v, Type: typ, Offset: HeaderLen, Err: &rejectError{
			errTypeBadRequest, errCodeBadMultipart,
			fmt.Errorf("multipart part of kind %d continues a reply of kind %d", kind, p.kind)}}
	}
	// A part is held, not decoded, until the last one comes: its entries
	// must frame now, or a lying part would be answered only at the end,
	// if ever.
	if err := framesEntries(v, kind, body[hdrLen:]); err != nil {
		if p != nil {
			ra.drop(h.Xid, p)
		}
		return nil, false, &DecodeError{Version: v, Type: typ, Offset: HeaderLen + hdrLen, Err: err}
	}
	if p == nil {
		if ra.parts == nil {
			ra.parts = make(map[uint32]*partial)
		}
		p = &partial{kind: kind}
		ra.parts[h.Xid] = p
		ra.used += mpPartOverhead
		return nil, false, ra.keep(v, h, p, body)
	}
	if err := ra.keep(v, h, p, body[hdrLen:]); err != nil || more {
		return nil, false, err
	}
	ra.drop(h.Xid, p)
	if p.discard {
		return nil, false, nil
	}
	joined = p.body
	joined[2], joined[3] = body[2], body[3] // the flags of the last part
	return joined, true, nil
}

// framesEntries checks that b, the entries of one part of a multipart
// reply of kind, is whole entries, for the kinds whose entries have a
// known length.
func framesEntries(v Version, kind uint16, b []byte) error {
	rule, ok := entryRuleOf(v, kind)
	if !ok {
		return nil
	}
	for off := 0; off < len(b); {
		n, err := rule.next(b[off:])
		if err != nil {
			return fmt.Errorf("multipart part of kind %d, entry at %d: %w", kind, off, err)
		}
		off += n
	}
	return nil
}

// keep appends b to p within the budget.
func (ra *reassembler) keep(v Version, h Header, p *partial, b []byte) error {
	if p.discard {
		return nil
	}
	if ra.used+len(b) > ra.max {
		ra.used -= len(p.body)
		p.body, p.discard = nil, true
		code := uint16(errCodeBadMultipart)
		if v == Version13 {
			code = errCodeMPOverflow13
		}
		return &DecodeError{Version: v, Type: h.Type, Offset: 0, Err: &rejectError{errTypeBadRequest, code,
			fmt.Errorf("%w: multipart reply xid %#x exceeds the reassembly limit of %d bytes", ErrTooLong, h.Xid, ra.max)}}
	}
	ra.used += len(b)
	p.body = append(p.body, b...)
	return nil
}

func (ra *reassembler) drop(xid uint32, p *partial) {
	ra.used -= len(p.body) + mpPartOverhead
	delete(ra.parts, xid)
}
