package of10

import (
	"strconv"
	"strings"
)

// formatBits prints the set bits of v by name, separated by spaces, in
// the manner of ovs-ofctl; bits without a name print as hex. Zero prints
// as "0".
func formatBits(v uint32, names []string) string {
	if v == 0 {
		return "0"
	}
	var s strings.Builder
	var unknown uint32
	for i := 0; i < 32; i++ {
		bit := uint32(1) << i
		if v&bit == 0 {
			continue
		}
		if i >= len(names) || names[i] == "" {
			unknown |= bit
			continue
		}
		if s.Len() > 0 {
			s.WriteByte(' ')
		}
		s.WriteString(names[i])
	}
	if unknown != 0 {
		if s.Len() > 0 {
			s.WriteByte(' ')
		}
		s.WriteString("0x" + strconv.FormatUint(uint64(unknown), 16))
	}
	return s.String()
}

func hex16(v uint16) string { return "0x" + strconv.FormatUint(uint64(v), 16) }
