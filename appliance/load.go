package appliance

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ofbox/ofbox/roles/controller"
)

// Sources are where Load reads settings.
type Sources struct {
	// Role is the role a subcommand (ofbox controller, ofbox switch)
	// fixes; "" leaves it to the role key.
	Role string
	// Cmdline is a kernel command line (the text of /proc/cmdline): its
	// ofbox.K=V words. Other words are not ofbox's and are ignored.
	Cmdline string
	// Env is an environment in os.Environ's form: its OFBOX_K=V
	// variables. An empty value counts as unset.
	Env []string
	// Args are flags, --K V or --K=V, for the keys Role uses; they need
	// Role.
	Args []string
	// Usage receives the flag usage on -h and on flag errors; nil
	// discards it.
	Usage io.Writer
}

// Load reads a Config from src. Flags take precedence over the
// environment and the environment over the kernel command line; a key set
// in a source replaces its value from the sources below it. Load checks
// every value, and the keys together for the role; it sets DPID to 1 and
// PacketInRate to controller.DefaultPacketInRate unless a source sets
// them. Errors name the key as its source spells it (ofbox.app, OFBOX_APP,
// --app), the value and what is accepted; -h yields flag.ErrHelp after
// the usage is written.
func Load(src Sources) (Config, error) {
	c, n, err := load(src)
	if err != nil {
		return Config{}, err
	}
	if err := validate(&c, n); err != nil {
		return Config{}, err
	}
	return c, nil
}

// setting is one key's value and where it came from.
type setting struct {
	from source
	val  string
}

// settings maps key names to their values.
type settings map[string]setting

// add sets key k to v from src: list values add up within a source.
func (s settings) add(k key, src source, v string) {
	if old, ok := s[k.name]; ok && k.list && old.from == src {
		v = old.val + "," + v
	}
	s[k.name] = setting{src, v}
}

// namer names keys in errors: a key that was set as its source spelt it,
// any other key in the form of the source the user meant to use.
type namer struct {
	set     settings
	primary source
}

func (n namer) key(name string) string {
	if s, ok := n.set[name]; ok {
		return s.from.key(name)
	}
	return n.primary.key(name)
}

func (n namer) keyValue(name, v string) string {
	if s, ok := n.set[name]; ok {
		return s.from.keyValue(name, v)
	}
	return n.primary.keyValue(name, v)
}

// load reads the sources into a Config without the checks that span keys,
// so that Boot can fill in the VM's defaults first.
func load(src Sources) (Config, namer, error) {
	set := settings{}
	n := namer{set: set, primary: fromCmdline}
	if src.Role != "" {
		n.primary = fromFlag
	}
	if err := readCmdline(set, src.Cmdline); err != nil {
		return Config{}, n, err
	}
	if err := readEnv(set, src.Env); err != nil {
		return Config{}, n, err
	}
	if err := readFlags(set, src); err != nil {
		return Config{}, n, err
	}

	c := Config{DPID: 1, PacketInRate: controller.DefaultPacketInRate}
	c.Role = src.Role
	if s, ok := set["role"]; ok {
		switch {
		case s.val != RoleController && s.val != RoleSwitch:
			return c, n, fmt.Errorf("%s: want controller or switch", n.keyValue("role", s.val))
		case c.Role != "" && s.val != c.Role:
			return c, n, fmt.Errorf("%s: this command runs the %s role; want %s or unset", n.keyValue("role", s.val), c.Role, c.Role)
		}
		c.Role = s.val
	}
	if c.Role == "" {
		return c, n, fmt.Errorf("%s is required: want controller or switch", n.key("role"))
	}
	for _, k := range keys {
		s, ok := set[k.name]
		if !ok || k.name == "role" {
			continue
		}
		if k.role != "" && k.role != c.Role {
			return c, n, fmt.Errorf("%s: only the %s role uses it; the %s role takes %s",
				n.keyValue(k.name, s.val), k.role, c.Role, roleKeys(c.Role, s.from))
		}
		if err := k.set(&c, s.val); err != nil {
			return c, n, fmt.Errorf("%s: %w", n.keyValue(k.name, s.val), err)
		}
	}
	return c, n, nil
}

// roleKeys lists the keys role takes, as src spells them.
func roleKeys(role string, src source) string {
	var ns []string
	for _, k := range keys {
		if (k.role == "" || k.role == role) && k.name != "role" && !(k.cmdline && src != fromCmdline) {
			ns = append(ns, src.key(k.name))
		}
	}
	return strings.Join(ns, ", ")
}

// readCmdline adds the ofbox.K=V words of a kernel command line to set.
func readCmdline(set settings, cmdline string) error {
	for _, a := range splitCmdline(cmdline) {
		name, ok := strings.CutPrefix(a.key, "ofbox.")
		if !ok {
			continue
		}
		k, known := lookup(name)
		switch {
		case !known:
			return fmt.Errorf("%s: unknown key; want one of %s", a.key, keyNames(fromCmdline))
		case !a.hasVal:
			return fmt.Errorf("%s: no value; want %s=VALUE", a.key, a.key)
		}
		set.add(k, fromCmdline, a.val)
	}
	return nil
}

// readEnv adds the OFBOX_K=V variables of env to set.
func readEnv(set settings, env []string) error {
	for _, kv := range env {
		name, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "OFBOX_") {
			continue
		}
		k, known := key{}, false
		for _, kk := range keys {
			if envName(kk.name) == name {
				k, known = kk, true
			}
		}
		switch {
		case !known:
			return fmt.Errorf("%s: unknown variable; want one of %s", name, keyNames(fromEnv))
		case k.cmdline:
			return fmt.Errorf("%s: set on the kernel command line only, as %s", name, fromCmdline.key(k.name))
		case v == "":
			continue
		}
		set.add(k, fromEnv, v)
	}
	return nil
}

// flagValue is one key's flag: it keeps the text for load to parse.
type flagValue struct {
	k   key
	val string
	set bool
}

func (f *flagValue) String() string {
	switch {
	case f == nil:
		return ""
	case f.set:
		return f.val
	}
	return f.k.def
}

func (f *flagValue) Set(v string) error {
	if f.set && f.k.list {
		v = f.val + "," + v
	}
	f.val, f.set = v, true
	return nil
}

// readFlags parses src.Args, the flags of src.Role's keys, into set.
func readFlags(set settings, src Sources) error {
	if src.Role == "" {
		if len(src.Args) > 0 {
			return fmt.Errorf("unexpected argument %q: flags need a role", src.Args[0])
		}
		return nil
	}
	fs := flag.NewFlagSet("ofbox "+src.Role, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the caller reports the error
	var vals []*flagValue
	for _, k := range keys {
		if k.name == "role" || k.cmdline || (k.role != "" && k.role != src.Role) {
			continue
		}
		v := &flagValue{k: k}
		fs.Var(v, k.name, k.usage)
		vals = append(vals, v)
	}
	fs.Usage = func() {
		if src.Usage == nil {
			return
		}
		fmt.Fprintf(src.Usage, "usage: ofbox %s [flags]\n\nEvery flag --K is also the environment variable OFBOX_K (flags win).\n\n", src.Role)
		fs.SetOutput(src.Usage)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	if err := fs.Parse(src.Args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for _, v := range vals {
		if v.set {
			set.add(v.k, fromFlag, v.val)
		}
	}
	return nil
}
