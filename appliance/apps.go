package appliance

import (
	"strings"

	"github.com/ofbox/ofbox/roles/controller/apps"
)

// defaultApp is the app of a Config that names none.
const defaultApp = apps.Default

// appNames lists the apps the app key takes.
var appNames = strings.Join(apps.Names(), ", ")
