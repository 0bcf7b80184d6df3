package appliance

import (
	"github.com/ofbox/ofbox/roles/controller"
	"github.com/ofbox/ofbox/roles/controller/apps/hub"
	"github.com/ofbox/ofbox/roles/controller/apps/l2learning"
)

// apps are the controller apps the app key names.
var apps = map[string]func() controller.App{
	"l2learning": func() controller.App { return l2learning.New(l2learning.Config{}) },
	"hub":        func() controller.App { return hub.App{} },
}

// defaultApp is the app of a Config that names none.
const defaultApp = "l2learning"

const appNames = "l2learning, hub"
