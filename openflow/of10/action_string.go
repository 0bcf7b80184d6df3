package of10

import (
	"encoding/hex"
	"strconv"
)

// The String methods print each action in ovs-ofctl's action syntax.

func (a ActionOutput) String() string {
	switch {
	case a.Port == PortController:
		return "CONTROLLER:" + strconv.Itoa(int(a.MaxLen))
	case a.Port >= PortInPort:
		return a.Port.String()
	}
	return "output:" + a.Port.String()
}

func (a ActionSetVLANVID) String() string { return "mod_vlan_vid:" + strconv.Itoa(int(a.VLANVID)) }
func (a ActionSetVLANPCP) String() string { return "mod_vlan_pcp:" + strconv.Itoa(int(a.VLANPCP)) }
func (ActionStripVLAN) String() string    { return "strip_vlan" }
func (a ActionSetDLSrc) String() string   { return "mod_dl_src:" + a.Addr.String() }
func (a ActionSetDLDst) String() string   { return "mod_dl_dst:" + a.Addr.String() }
func (a ActionSetNWSrc) String() string   { return "mod_nw_src:" + formatPrefix(a.Addr, 32) }
func (a ActionSetNWDst) String() string   { return "mod_nw_dst:" + formatPrefix(a.Addr, 32) }
func (a ActionSetNWTOS) String() string   { return "mod_nw_tos:" + strconv.Itoa(int(a.TOS)) }
func (a ActionSetTPSrc) String() string   { return "mod_tp_src:" + strconv.Itoa(int(a.Port)) }
func (a ActionSetTPDst) String() string   { return "mod_tp_dst:" + strconv.Itoa(int(a.Port)) }

func (a ActionEnqueue) String() string {
	return "enqueue:" + a.Port.String() + ":" + strconv.FormatUint(uint64(a.QueueID), 10)
}

func (a ActionVendor) String() string {
	return "vendor(0x" + strconv.FormatUint(uint64(a.Vendor), 16) + "," + hex.EncodeToString(a.Data) + ")"
}

func (a ActionUnknown) String() string {
	return a.Type.String() + "(" + hex.EncodeToString(a.Data) + ")"
}

// FormatActions prints as as ovs-ofctl does: comma-separated, "drop" when
// empty.
func FormatActions(as []Action) string {
	if len(as) == 0 {
		return "drop"
	}
	b := make([]byte, 0, 16*len(as))
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, a.String()...)
	}
	return string(b)
}
