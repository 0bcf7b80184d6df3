package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ofbox/ofbox/openflow"
)

// Flag parsing the role commands share.

// specList collects repeated (or comma-separated) flag values, checked by
// parse.
type specList struct {
	vals  []string
	parse func(string) (string, error)
}

func (l *specList) String() string { return strings.Join(l.vals, ",") }
func (l *specList) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if _, err := l.parse(f); err != nil {
			return err
		}
		l.vals = append(l.vals, f)
	}
	return nil
}

// parseVersions parses a comma-separated list of OpenFlow versions.
func parseVersions(s string) ([]openflow.Version, error) {
	var vs []openflow.Version
	for _, f := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "1.0", "openflow10", "of10":
			vs = append(vs, openflow.Version10)
		case "1.3", "openflow13", "of13":
			vs = append(vs, openflow.Version13)
		default:
			return nil, fmt.Errorf("unknown version %q; want 1.3, 1.0 or both", f)
		}
	}
	return vs, nil
}

// newLogger returns the text logger on w that --log level asks for.
func newLogger(level string, w io.Writer) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, errors.New("want one of debug, info, warn, error")
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}
