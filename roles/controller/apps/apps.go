// Package apps names the controller apps ofbox ships, for the app setting
// of `ofbox controller`, the VM's ofbox.app and `ofbox sim --app`.
package apps

import (
	"fmt"
	"strings"

	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/hub"
	"github.com/ofbox/ofbox/roles/controller/apps/l2learning"
)

// Default is the app of a controller that names none.
const Default = "l2learning"

// registry lists the apps, the default first.
var registry = []struct {
	name string
	new  func() controller.App
}{
	{"l2learning", func() controller.App { return l2learning.New(l2learning.Config{}) }},
	{"hub", func() controller.App { return hub.App{} }},
}

// Names are the apps New knows, the default first.
func Names() []string {
	names := make([]string, len(registry))
	for i, a := range registry {
		names[i] = a.name
	}
	return names
}

// New returns a fresh instance of the app called name.
func New(name string) (controller.App, error) {
	for _, a := range registry {
		if a.name == name {
			return a.new(), nil
		}
	}
	return nil, fmt.Errorf("unknown app %q; want %s", name, strings.Join(Names(), ", "))
}
