package appliance

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
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

// TestPowerOffCmd: a kernel without ACPI is restarted (QEMU runs with
// -no-reboot), any other powered off.
func TestPowerOffCmd(t *testing.T) {
	for _, tc := range []struct {
		cmdline string
		want    int
	}{
		{"", unix.LINUX_REBOOT_CMD_POWER_OFF},
		{"console=ttyS0 quiet ofbox.role=switch", unix.LINUX_REBOOT_CMD_POWER_OFF},
		{"console=ttyS0 acpi=off reboot=t no_timer_check ofbox.role=switch\n", unix.LINUX_REBOOT_CMD_RESTART},
		{"acpi=on", unix.LINUX_REBOOT_CMD_POWER_OFF},
		{"acpi=off acpi=force", unix.LINUX_REBOOT_CMD_POWER_OFF},
		{"acpi=force acpi=off", unix.LINUX_REBOOT_CMD_RESTART},
		{"noacpi=off ofbox.acpi=off", unix.LINUX_REBOOT_CMD_POWER_OFF},
	} {
		if got := powerOffCmd(tc.cmdline); got != tc.want {
			t.Errorf("powerOffCmd(%q) = %#x; want %#x", tc.cmdline, got, tc.want)
		}
	}
}
