package appliance

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// modulesDir holds the initramfs's kernel modules (Debian kernel only) and
// the file order: one module file name per line, relative to modulesDir,
// dependencies first. Blank lines and # comments are skipped.
const (
	modulesDir  = "/lib/modules"
	modulesList = "order"
)

// parseModuleOrder reads the module file names of an order file.
func parseModuleOrder(r io.Reader) ([]string, error) {
	var names []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		names = append(names, line)
	}
	return names, sc.Err()
}

// loadModules loads the modules dir/order lists, in order, with load; a
// module the kernel has already is fine. Each module gets its parameters
// from the kernel command line (MODULE.PARAM=VALUE words, as modprobe
// hands them over: the kernel applies them to built-in code only).
// Without an order file there is nothing to load (a kernel with its
// drivers built in). It returns how many modules it loaded.
func loadModules(dir, cmdline string, load func(f *os.File, params string) error) (int, error) {
	f, err := os.Open(filepath.Join(dir, modulesList))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("modules: %w", err)
	}
	names, err := parseModuleOrder(f)
	f.Close()
	if err != nil {
		return 0, fmt.Errorf("modules: read %s: %w", f.Name(), err)
	}
	n := 0
	for _, name := range names {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		m, err := os.Open(name)
		if err != nil {
			return n, fmt.Errorf("modules: %w", err)
		}
		err = load(m, moduleParams(cmdline, moduleName(name)))
		m.Close()
		switch {
		case errors.Is(err, unix.EEXIST):
		case err != nil:
			return n, fmt.Errorf("modules: load %s: %w", name, err)
		default:
			n++
		}
	}
	return n, nil
}

// moduleName is the kernel's name of the module in file: the base name
// without .ko, '-' as '_'.
func moduleName(file string) string {
	return strings.ReplaceAll(strings.TrimSuffix(filepath.Base(file), ".ko"), "-", "_")
}

// moduleParams collects module's parameters from a kernel command line:
// the words MODULE.PARAM[=VALUE], with '-' in MODULE the same as '_'.
func moduleParams(cmdline, module string) string {
	var ps []string
	for _, a := range splitCmdline(cmdline) {
		mod, param, ok := strings.Cut(a.key, ".")
		if !ok || param == "" || strings.ReplaceAll(mod, "-", "_") != module {
			continue
		}
		if a.hasVal {
			param += "=" + quoteParam(a.val)
		}
		ps = append(ps, param)
	}
	return strings.Join(ps, " ")
}

// quoteParam quotes a value with blanks for the kernel's parser again.
func quoteParam(v string) string {
	if strings.ContainsAny(v, " \t\n") {
		return `"` + v + `"`
	}
	return v
}

// finitModule loads a kernel module from its file with params.
func finitModule(f *os.File, params string) error {
	return unix.FinitModule(int(f.Fd()), params, 0)
}
