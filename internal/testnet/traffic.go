package testnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// Ping waits until ip answers one echo request sent from the namespace from
// (retrying until ctx ends, so a switch may still be learning or connecting
// to its controller), then sends count more at 200 ms intervals and wants
// every one answered. Count 0 stops after the first answer. The error
// carries ping's output.
func Ping(ctx context.Context, from *NS, ip string, count int) error {
	var last error
	for {
		_, err := from.Exec(ctx, "ping", "-n", "-c", "1", "-W", "1", ip)
		if err == nil {
			break
		}
		last = err
		if ctx.Err() != nil {
			return fmt.Errorf("ping %s from %s: no answer: %w", ip, from, last)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ping %s from %s: no answer: %w", ip, from, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if count == 0 {
		return nil
	}
	deadline := strconv.Itoa(count/5 + 3) // -i 0.2, plus slack for the last reply
	if _, err := from.Exec(ctx, "ping", "-n", "-q", "-c", strconv.Itoa(count), "-i", "0.2", "-W", "2", "-w", deadline, ip); err != nil {
		return fmt.Errorf("ping %s from %s: %d pings: %w", ip, from, count, err)
	}
	return nil
}

// TCPResult is what an iperf3 transfer measured.
type TCPResult struct {
	Sent, Received int64   // bytes, as the client and the server counted them
	Seconds        float64 // sender's duration
	BitsPerSecond  float64 // sender's rate
	Retransmits    int
}

func (r TCPResult) String() string {
	return fmt.Sprintf("sent %d received %d bytes in %.3fs (%.0f Mbit/s, %d retransmits)",
		r.Sent, r.Received, r.Seconds, r.BitsPerSecond/1e6, r.Retransmits)
}

// TCPTransfer sends bytes over one TCP connection from the namespace client
// to serverIP in the namespace server with iperf3 (`iperf3 -s -1` there,
// `iperf3 -c -n` here). It fails if the transfer does not complete before
// ctx ends: a checksum-offload stall shows up as a timeout. Every process it
// starts has ended when it returns.
func TCPTransfer(ctx context.Context, client, server *NS, serverIP string, bytes int) (TCPResult, error) {
	port := strconv.Itoa(20000 + rand.IntN(20000))
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := server.Command(sctx, "iperf3", "-s", "-1", "--forceflush", "-B", serverIP, "-p", port)
	var srvOut syncBuffer
	srv.Stdout, srv.Stderr = &srvOut, &srvOut
	if err := srv.Start(); err != nil {
		return TCPResult{}, fmt.Errorf("tcp transfer: start iperf3 server in %s: %w", server, err)
	}
	srvDone := make(chan error, 1)
	go func() { srvDone <- srv.Wait() }()
	defer func() {
		cancel() // kills the server by PID if it is still running
		<-srvDone
	}()
	for !strings.Contains(srvOut.String(), "Server listening") {
		select {
		case err := <-srvDone:
			srvDone <- err
			return TCPResult{}, fmt.Errorf("tcp transfer: iperf3 server in %s: %v\n%s", server, err, srvOut.String())
		case <-ctx.Done():
			return TCPResult{}, fmt.Errorf("tcp transfer: iperf3 server in %s: %w\n%s", server, ctx.Err(), srvOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	out, err := client.Command(ctx, "iperf3", "-J", "-c", serverIP, "-p", port, "-n", strconv.Itoa(bytes),
		"--connect-timeout", "3000").Output()
	res, perr := parseIperf(out)
	if err != nil || perr != nil {
		return res, fmt.Errorf("tcp transfer %d bytes %s -> %s %s:%s: %w\nclient: %s\nserver: %s",
			bytes, client, server, serverIP, port, errors.Join(err, perr, ctx.Err()), tail(string(out), 4<<10), tail(srvOut.String(), 4<<10))
	}
	if res.Sent < int64(bytes) {
		return res, fmt.Errorf("tcp transfer: sent %d bytes; want %d", res.Sent, bytes)
	}
	return res, nil
}

// parseIperf reads the summary of `iperf3 -J` client output.
func parseIperf(out []byte) (TCPResult, error) {
	var j struct {
		End struct {
			Sent struct {
				Bytes         int64   `json:"bytes"`
				Seconds       float64 `json:"seconds"`
				BitsPerSecond float64 `json:"bits_per_second"`
				Retransmits   int     `json:"retransmits"`
			} `json:"sum_sent"`
			Received struct {
				Bytes int64 `json:"bytes"`
			} `json:"sum_received"`
		} `json:"end"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(out, &j); err != nil {
		return TCPResult{}, fmt.Errorf("parse iperf3 json: %w", err)
	}
	r := TCPResult{Sent: j.End.Sent.Bytes, Received: j.End.Received.Bytes, Seconds: j.End.Sent.Seconds,
		BitsPerSecond: j.End.Sent.BitsPerSecond, Retransmits: j.End.Sent.Retransmits}
	if j.Error != "" {
		return r, fmt.Errorf("iperf3: %s", j.Error)
	}
	return r, nil
}
