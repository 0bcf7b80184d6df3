// Package controller is the OpenFlow controller runtime of ofbox: it
// accepts switch connections, runs one session per datapath (HELLO
// negotiation of OpenFlow 1.0 or 1.3, features, switch configuration, port
// descriptions, echo keepalive) and hands the switch's messages to apps as
// events, in the manner of NOX and the MirageOS controller.
//
// Apps register handlers on a Controller before it serves:
//
//	c := controller.New(controller.Config{})
//	c.OnJoin(func(dp *controller.Datapath) controller.Verdict { ...; return controller.Continue })
//	c.OnPacketIn(func(dp *controller.Datapath, pi *flow.PacketIn) controller.Verdict { ... })
//	c.Serve(ctx, listener)
//
// Handlers of one event kind form a chain that runs in registration order
// until one returns Stop. Every handler of a datapath runs on that
// datapath's session goroutine, in the order the switch sent its messages,
// so per-datapath app state (see Slot) needs no locks. A handler must not
// wait for a reply of its own datapath (Request, Barrier): the reply is read
// by the goroutine the handler is blocking; start a goroutine for that.
// That goroutine also reads the switch's messages, answers its echo
// requests and, when it has handled every message of a read batch, lets
// out in one write what the handlers sent: handlers should return
// promptly.
//
// A datapath handle sends version-neutral messages of openflow/flow
// (encoded for the version the switch speaks) or raw wire messages, and
// matches requests to replies by xid.
package controller
