package sim

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Topo is a topology: switches, hosts and the links between them. A
// switch's ports are numbered 1, 2, ... in the order of its links.
type Topo struct {
	Switches []string
	Hosts    []string
	Links    []Link
	spec     string
}

// Link joins two nodes, switches or hosts, by name.
type Link struct{ A, B string }

// String returns the spec the topology was parsed from, or a description.
func (t *Topo) String() string {
	if t.spec != "" {
		return t.spec
	}
	return fmt.Sprintf("%d switches, %d hosts, %d links", len(t.Switches), len(t.Hosts), len(t.Links))
}

// Limits of a topology: the simulator runs a gVisor stack per host and the
// datapath goroutines of every switch in one process.
const (
	MaxSwitches = 256
	MaxHosts    = 1024
)

const topoForms = "want single,N, linear,N, tree,DEPTH,FANOUT or the path of a topology file"

// ParseTopo parses a topology spec, with Mininet's shapes and names:
//
//   - single,N: switch s1 with hosts h1..hN;
//   - linear,N: switches s1..sN in a chain, host hI on switch sI;
//   - tree,DEPTH,FANOUT: a tree of switches DEPTH deep, FANOUT children
//     each, hosts at the leaves, switches and hosts numbered depth first;
//   - anything else is the path of a file with one statement per line,
//     `switch NAME`, `host NAME` or `link NAME NAME`, and # comments.
func ParseTopo(spec string) (*Topo, error) {
	kind, rest, _ := strings.Cut(spec, ",")
	nums := func(n int) ([]int, error) {
		f := strings.Split(rest, ",")
		if rest == "" || len(f) != n {
			return nil, fmt.Errorf("topology %q: %s wants %d numbers; %s", spec, kind, n, topoForms)
		}
		out := make([]int, n)
		for i, s := range f {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 {
				return nil, fmt.Errorf("topology %q: %q is not a number of 1 or more; %s", spec, s, topoForms)
			}
			out[i] = v
		}
		return out, nil
	}
	var t *Topo
	switch kind {
	case "single", "linear":
		n, err := nums(1)
		if err != nil {
			return nil, err
		}
		if kind == "single" {
			t = Single(n[0])
		} else {
			t = Linear(n[0])
		}
	case "tree":
		n, err := nums(2)
		if err != nil {
			return nil, err
		}
		// Bound the sizes before building: fanout^depth grows fast.
		hosts := 1
		for range n[0] {
			if hosts *= n[1]; hosts > MaxHosts {
				return nil, fmt.Errorf("topology %q: more than %d hosts", spec, MaxHosts)
			}
		}
		t = Tree(n[0], n[1])
	default:
		if strings.Contains(spec, ",") {
			return nil, fmt.Errorf("topology %q: unknown shape %q; %s", spec, kind, topoForms)
		}
		f, err := os.Open(spec)
		if err != nil {
			return nil, fmt.Errorf("topology %q: %w; %s", spec, err, topoForms)
		}
		defer f.Close()
		t, err = readTopo(f, spec)
		if err != nil {
			return nil, err
		}
	}
	t.spec = spec
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("topology %q: %w", spec, err)
	}
	return t, nil
}

// Single is Mininet's single,n.
func Single(n int) *Topo {
	t := &Topo{Switches: []string{"s1"}, spec: fmt.Sprintf("single,%d", n)}
	for i := 1; i <= n; i++ {
		h := fmt.Sprintf("h%d", i)
		t.Hosts = append(t.Hosts, h)
		t.Links = append(t.Links, Link{h, "s1"})
	}
	return t
}

// Linear is Mininet's linear,n.
func Linear(n int) *Topo {
	t := &Topo{spec: fmt.Sprintf("linear,%d", n)}
	for i := 1; i <= n; i++ {
		s, h := fmt.Sprintf("s%d", i), fmt.Sprintf("h%d", i)
		t.Switches = append(t.Switches, s)
		t.Hosts = append(t.Hosts, h)
		t.Links = append(t.Links, Link{h, s})
		if i > 1 {
			t.Links = append(t.Links, Link{fmt.Sprintf("s%d", i-1), s})
		}
	}
	return t
}

// Tree is Mininet's tree,depth,fanout.
func Tree(depth, fanout int) *Topo {
	t := &Topo{spec: fmt.Sprintf("tree,%d,%d", depth, fanout)}
	var add func(d int) string
	add = func(d int) string {
		if d == 0 {
			h := fmt.Sprintf("h%d", len(t.Hosts)+1)
			t.Hosts = append(t.Hosts, h)
			return h
		}
		s := fmt.Sprintf("s%d", len(t.Switches)+1)
		t.Switches = append(t.Switches, s)
		for range fanout {
			t.Links = append(t.Links, Link{s, add(d - 1)})
		}
		return s
	}
	add(depth)
	return t
}

func readTopo(f *os.File, name string) (*Topo, error) {
	t := &Topo{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		w := strings.Fields(line)
		switch {
		case len(w) == 0:
		case w[0] == "switch" && len(w) == 2:
			t.Switches = append(t.Switches, w[1])
		case w[0] == "host" && len(w) == 2:
			t.Hosts = append(t.Hosts, w[1])
		case w[0] == "link" && len(w) == 3:
			t.Links = append(t.Links, Link{w[1], w[2]})
		default:
			return nil, fmt.Errorf("%s:%d: %q: want `switch NAME`, `host NAME` or `link NAME NAME`", name, n, strings.TrimSpace(line))
		}
	}
	return t, sc.Err()
}

// check validates names, sizes and links.
func (t *Topo) check() error {
	switch {
	case len(t.Switches) == 0:
		return errors.New("no switches")
	case len(t.Switches) > MaxSwitches:
		return fmt.Errorf("%d switches; at most %d", len(t.Switches), MaxSwitches)
	case len(t.Hosts) > MaxHosts:
		return fmt.Errorf("%d hosts; at most %d", len(t.Hosts), MaxHosts)
	}
	kind := map[string]string{}
	for _, s := range t.Switches {
		if kind[s] != "" {
			return fmt.Errorf("node %s named twice", s)
		}
		kind[s] = "switch"
	}
	for _, h := range t.Hosts {
		if kind[h] != "" {
			return fmt.Errorf("node %s named twice", h)
		}
		kind[h] = "host"
	}
	hostLinks := map[string]int{}
	seen := map[Link]bool{}
	for _, l := range t.Links {
		for _, n := range []string{l.A, l.B} {
			if kind[n] == "" {
				return fmt.Errorf("link %s %s: no node %s", l.A, l.B, n)
			}
			if kind[n] == "host" {
				hostLinks[n]++
			}
		}
		if l.A == l.B {
			return fmt.Errorf("link %s %s: a node linked to itself", l.A, l.B)
		}
		if kind[l.A] == "host" && kind[l.B] == "host" {
			return fmt.Errorf("link %s %s: hosts link to switches", l.A, l.B)
		}
		if seen[l] || seen[Link{l.B, l.A}] {
			return fmt.Errorf("link %s %s listed twice", l.A, l.B)
		}
		seen[l] = true
	}
	for _, h := range t.Hosts {
		if hostLinks[h] != 1 {
			return fmt.Errorf("host %s has %d links; a host has one", h, hostLinks[h])
		}
	}
	return nil
}
