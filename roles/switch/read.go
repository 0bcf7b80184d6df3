package ofswitch

import (
	"errors"
	"net"

	"github.com/ofbox/ofbox/openflow"
	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of10"
	"github.com/ofbox/ofbox/openflow/of13"
)

// inbound is one result of openflow.Conn.Read.
type inbound struct {
	h   openflow.Header
	m   openflow.Message
	err error
}

// readAhead is how many messages the reader decodes ahead of the handler,
// so that a burst of flow mods can be applied as one transaction.
const readAhead = 64

// run reads and answers requests until the connection ends.
func (c *conn) run() error {
	in := make(chan inbound, readAhead)
	go func() {
		defer close(in)
		for {
			h, m, err := c.oc.Read()
			in <- inbound{h, m, err}
			var de *openflow.DecodeError
			if err != nil && !errors.As(err, &de) {
				return
			}
		}
	}()
	var next *inbound
	for {
		var it inbound
		if next != nil {
			it, next = *next, nil
		} else {
			var ok bool
			if it, ok = <-in; !ok {
				return net.ErrClosed
			}
		}
		if it.err != nil {
			var de *openflow.DecodeError
			if errors.As(it.err, &de) {
				continue // Read answered it with an error already
			}
			return it.err
		}
		c.s.log.Debug("message received", "type", openflow.TypeName(c.ver, it.h.Type), "xid", it.h.Xid)
		if fm := c.batchable(it.m); fm != nil {
			next = c.flowModBatch(it, fm, in)
			continue
		}
		if err := c.handle(it.h, it.m); err != nil {
			c.replyError(it.h, it.m, err)
		}
	}
}

// batchable returns the flow mod m carries if it can join a transaction:
// a flow mod from a writer that names no buffered packet.
func (c *conn) batchable(m openflow.Message) *flow.FlowMod {
	switch m.(type) {
	case *of13.FlowMod, *of10.FlowMod:
	default:
		return nil
	}
	if c.getRole() == of13.RoleSlave {
		return nil
	}
	if checkFlowModFlags(m) != nil {
		return nil // refused on its own
	}
	fm, err := flow.DecodeAs[*flow.FlowMod](m)
	if err != nil || fm.BufferID != flow.NoBuffer {
		return nil
	}
	return fm
}

// flowModBatch applies first and the flow mods already waiting behind it
// in one transaction, so that a burst copies each table once, then answers
// those that failed. It returns the message that ended the batch, if any.
func (c *conn) flowModBatch(first inbound, fm *flow.FlowMod, in <-chan inbound) *inbound {
	type failed struct {
		it  inbound
		err error
	}
	var errs []failed
	tx := c.s.dp.Begin()
	apply := func(it inbound, fm *flow.FlowMod) {
		n, err := tx.FlowMod(fm)
		if err == nil && n == 0 && c.ver == openflow.Version10 && (fm.Command == flow.Modify || fm.Command == flow.ModifyStrict) {
			add := *fm
			add.Command = flow.Add
			_, err = tx.FlowMod(&add)
		}
		if err != nil {
			errs = append(errs, failed{it, err})
		}
	}
	apply(first, fm)
	var next *inbound
batch:
	for {
		select {
		case it, ok := <-in:
			if !ok {
				break batch
			}
			if it.err == nil {
				if fm := c.batchable(it.m); fm != nil {
					c.s.log.Debug("message received", "type", openflow.TypeName(c.ver, it.h.Type), "xid", it.h.Xid)
					apply(it, fm)
					continue
				}
			}
			next = &it
			break batch
		default:
			break batch
		}
	}
	tx.Commit()
	for _, f := range errs {
		c.replyError(f.it.h, f.it.m, f.err)
	}
	return next
}
