package of13

import (
	"errors"
	"strings"
	"testing"

	"github.com/ofbox/ofbox/openflow"
)

// TestMultipartEncodeErrors checks that encoders refuse what the wire
// cannot hold rather than writing garbage.
func TestMultipartEncodeErrors(t *testing.T) {
	many := make([]Instruction, 0, 9000)
	for range cap(many) {
		many = append(many, InstructionGotoTable{TableID: 1})
	}
	bigIDs := make([]OXMID, 17000)
	for i := range bigIDs {
		bigIDs[i] = OXMID{Class: ClassOpenFlowBasic, Field: FieldInPort, Length: 4}
	}
	bigProps := make([]TableFeatureProp, 0, 9000)
	for range cap(bigProps) {
		bigProps = append(bigProps, &TableFeatureNextTables{TableIDs: []uint8{1, 2, 3, 4}})
	}
	buckets := make([]Bucket, 5000)
	bands := make([]MeterBand, 5000)
	for i := range bands {
		bands[i] = MeterBandDrop{Rate: 1}
	}
	tests := []struct {
		name string
		msg  openflow.Message
		want error // nil: any error
	}{
		{"flow stats entry too long", &FlowStatsReply{Stats: []FlowStats{{Instructions: many}}}, openflow.ErrTooLong},
		{"flow stats bad instruction", &FlowStatsReply{Stats: []FlowStats{{Instructions: []Instruction{nil}}}}, nil},
		{"flow stats bad match", &FlowStatsReply{Stats: []FlowStats{{Match: Match{Fields: []OXM{{Class: ClassOpenFlowBasic, Field: FieldInPort, Value: []byte{1}}}}}}}, nil},
		{"flow request bad match", &FlowStatsRequest{Match: Match{Fields: []OXM{{Class: ClassOpenFlowBasic, Field: FieldEthType, Value: []byte{1}}}}}, nil},
		{"group stats entry too long", &GroupStatsReply{Stats: []GroupStats{{BucketStats: make([]BucketCounter, 5000)}}}, openflow.ErrTooLong},
		{"group desc entry too long", &GroupDescReply{Groups: []GroupDesc{{Buckets: buckets}}}, openflow.ErrTooLong},
		{"group desc bad bucket", &GroupDescReply{Groups: []GroupDesc{{Buckets: []Bucket{{Actions: []Action{nil}}}}}}, nil},
		{"meter stats entry too long", &MeterStatsReply{Stats: []MeterStats{{BandStats: make([]MeterBandStats, 5000)}}}, openflow.ErrTooLong},
		{"meter config entry too long", &MeterConfigReply{Meters: []MeterConfig{{Bands: bands}}}, openflow.ErrTooLong},
		{"meter config bad band", &MeterConfigReply{Meters: []MeterConfig{{Bands: []MeterBand{nil}}}}, nil},
		{"table features entry too long", &TableFeaturesReply{Tables: []TableFeatures{{Properties: bigProps}}}, openflow.ErrTooLong},
		{"table features property too long", &TableFeaturesReply{Tables: []TableFeatures{{Properties: []TableFeatureProp{&TableFeatureMatch{IDs: bigIDs}}}}}, openflow.ErrTooLong},
		{"table features nil property", &TableFeaturesRequest{Tables: []TableFeatures{{Properties: []TableFeatureProp{nil}}}}, nil},
		{"oxm id field too wide", &TableFeaturesReply{Tables: []TableFeatures{{Properties: []TableFeatureProp{
			&TableFeatureWildcards{IDs: []OXMID{{Class: ClassOpenFlowBasic, Field: 0x80}}},
		}}}}, nil},
		{"instruction id too long", &TableFeaturesReply{Tables: []TableFeatures{{Properties: []TableFeatureProp{
			&TableFeatureInstructions{IDs: []InstructionID{{Type: InstructionTypeExperimenter, Data: make([]byte, 0xfff8)}}},
		}}}}, openflow.ErrTooLong},
		{"action id too long", &TableFeaturesReply{Tables: []TableFeatures{{Properties: []TableFeatureProp{
			&TableFeatureWriteActions{Miss: true, IDs: []ActionID{{Type: ActionTypeOutput, Data: make([]byte, 0xfffc)}}},
		}}}}, openflow.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.msg.AppendBinary(nil)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("AppendBinary(%T) = %d bytes, %v; want error %v", tt.msg, len(b), err, tt.want)
			}
		})
	}
}

func TestMultipartStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{MultipartDesc.String(), "OFPST_DESC"},
		{MultipartPortStats.String(), "OFPST_PORT"},
		{MultipartPortDesc.String(), "OFPST_PORT_DESC"},
		{MultipartTableFeatures.String(), "OFPST_TABLE_FEATURES"},
		{MultipartExperimenter.String(), "OFPST_EXPERIMENTER"},
		{MultipartType(14).String(), "OFPST_14"},
		{MultipartFlags(0).String(), "0"},
		{MultipartReplyMore.String(), "more"},
		{MultipartFlags(3).String(), "more 0x2"},
		{GroupCapabilities(0).String(), "0"},
		{(GroupCapSelectWeight | GroupCapChainingChecks).String(), "select_weight chaining_checks"},
		{TableFeatureInstructionsType.String(), "instructions"},
		{TableFeatureApplySetFieldMissType.String(), "apply_setfield_miss"},
		{TableFeatureExperimenterType.String(), "experimenter"},
		{TableFeatureExperimenterMissType.String(), "experimenter_miss"},
		{TableFeaturePropType(9).String(), "table_feature_prop(9)"},
		{TableFeaturePropType(16).String(), "table_feature_prop(16)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q; want %q", tt.got, tt.want)
		}
	}
}

// TestDescReplyLongStrings checks that strings too long for their fields
// are cut to the field, and that a field without its NUL decodes whole.
func TestDescReplyLongStrings(t *testing.T) {
	m := &DescReply{MfrDesc: strings.Repeat("m", 300), SerialNum: strings.Repeat("s", 40)}
	b, err := m.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeMultipartReply(openflow.Header{}, b)
	if err != nil {
		t.Fatal(err)
	}
	d := got.(*DescReply)
	if len(d.MfrDesc) != 256 || len(d.SerialNum) != 32 {
		t.Errorf("decode(encode(long strings)) has lengths %d, %d; want 256, 32 (the whole fields)", len(d.MfrDesc), len(d.SerialNum))
	}
	for i := range descStrLen { // a field with no NUL at all
		b[mpHeaderLen+i] = 'x'
	}
	got, err = decodeMultipartReply(openflow.Header{}, b)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.(*DescReply); len(d.MfrDesc) != 256 {
		t.Errorf("decode(field without NUL) = %d bytes; want 256", len(d.MfrDesc))
	}
}
