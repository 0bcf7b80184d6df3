package appliance

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestConsoleCommands: "poweroff" typed on the console ends the role with
// that reason; other lines do not.
func TestConsoleCommands(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // the cause, "" for none
	}{
		{"poweroff\n", "poweroff typed on the console"},
		{"\n  halt  \n", "halt typed on the console"},
		{"reboot\nls\n", ""},
		{"", ""},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		consoleCommands(strings.NewReader(tc.in), cancel, slog.New(slog.DiscardHandler))
		got := ""
		if err := context.Cause(ctx); err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("consoleCommands(%q): cause %q; want %q", tc.in, got, tc.want)
		}
		cancel(nil)
	}
}
