package ofswitch

import (
	"fmt"
	"sync"

	"github.com/ofbox/ofbox/openflow/flow"
	"github.com/ofbox/ofbox/openflow/of13"
	"github.com/ofbox/ofbox/roles/switch/datapath"
)

// actionTypes13 are the OpenFlow 1.3 action types the datapath runs.
var actionTypes13 = []of13.ActionType{
	of13.ActionTypeOutput, of13.ActionTypeCopyTTLOut, of13.ActionTypeCopyTTLIn, of13.ActionTypeSetMPLSTTL,
	of13.ActionTypeDecMPLSTTL, of13.ActionTypePushVLAN, of13.ActionTypePopVLAN, of13.ActionTypePushMPLS,
	of13.ActionTypePopMPLS, of13.ActionTypeSetQueue, of13.ActionTypeGroup, of13.ActionTypeSetNWTTL,
	of13.ActionTypeDecNWTTL, of13.ActionTypeSetField,
}

// actions13 is actionTypes13 as the bitmap group features carry.
var actions13 = func() uint32 {
	var b uint32
	for _, t := range actionTypes13 {
		b |= 1 << t
	}
	return b
}()

// OFPET_TABLE_FEATURES_FAILED / OFPTFFC_EPERM: the tables cannot be
// reconfigured.
const (
	errTypeTableFeaturesFailed uint16 = 13
	tableFeaturesEPerm         uint16 = 5
)

// tableFeatures describes the pipeline, built once: every table matches
// every field the flow model knows (those with a mask wildcarded too), runs
// every instruction and action the datapath does, sets any field, matches
// and writes all metadata bits, and can go to any later table. Open
// vSwitch's tools want all eight required properties.
var tableFeatures = sync.OnceValue(func() []of13.TableFeatures {
	var insts []of13.InstructionID
	for t := of13.InstructionTypeGotoTable; t <= of13.InstructionTypeMeter; t++ {
		insts = append(insts, of13.InstructionID{Type: t})
	}
	var acts []of13.ActionID
	for _, t := range actionTypes13 {
		acts = append(acts, of13.ActionID{Type: t})
	}
	var match, wild, set []of13.OXMID
	for f := flow.Field(0); f < 128; f++ {
		if !f.Valid() {
			continue
		}
		id := of13.OXMID{Class: of13.ClassOpenFlowBasic, Field: of13.OXMField(f), Length: uint8(f.Len())}
		set = append(set, id)
		wild = append(wild, id)
		if f.Maskable() {
			id.HasMask, id.Length = true, 2*id.Length
		}
		match = append(match, id)
	}
	ts := make([]of13.TableFeatures, datapath.NumTables)
	for i := range ts {
		var next []uint8
		for n := i + 1; n < datapath.NumTables; n++ {
			next = append(next, uint8(n))
		}
		ts[i] = of13.TableFeatures{TableID: uint8(i), Name: fmt.Sprintf("table%d", i),
			MetadataMatch: ^uint64(0), MetadataWrite: ^uint64(0), MaxEntries: maxEntries,
			Properties: []of13.TableFeatureProp{
				&of13.TableFeatureInstructions{IDs: insts},
				&of13.TableFeatureNextTables{TableIDs: next},
				&of13.TableFeatureWriteActions{IDs: acts},
				&of13.TableFeatureApplyActions{IDs: acts},
				&of13.TableFeatureMatch{IDs: match},
				&of13.TableFeatureWildcards{IDs: wild},
				&of13.TableFeatureWriteSetField{IDs: set},
				&of13.TableFeatureApplySetField{IDs: set},
			}}
	}
	return ts
})
