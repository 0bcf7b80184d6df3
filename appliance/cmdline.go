package appliance

// cmdlineArg is one word of a kernel command line: key=val, or key alone.
type cmdlineArg struct {
	key, val string
	hasVal   bool
}

// splitCmdline splits a kernel command line into words as the kernel's
// next_arg (kernel/params.c) does: blanks separate words except between
// double quotes; the first '=' (not the word's first byte) splits key from
// value; a word that starts with a quote, or a value that does, loses that
// quote and a quote that ends the word. Other quotes stay. Unlike the
// kernel, it reads past "--", so ofbox.K=V words there count too.
func splitCmdline(s string) []cmdlineArg {
	var args []cmdlineArg
	for {
		for len(s) > 0 && isSpace(s[0]) {
			s = s[1:]
		}
		if s == "" {
			return args
		}
		quoted := s[0] == '"'
		if quoted {
			s = s[1:]
		}
		inQuote, eq, i := quoted, -1, 0
		for ; i < len(s); i++ {
			c := s[i]
			if isSpace(c) && !inQuote {
				break
			}
			if eq < 0 && i > 0 && c == '=' {
				eq = i
			}
			if c == '"' {
				inQuote = !inQuote
			}
		}
		word := s[:i]
		s = s[i:]
		valQuoted := eq >= 0 && eq+1 < len(word) && word[eq+1] == '"'
		end := len(word)
		if (quoted || valQuoted) && end > 0 && word[end-1] == '"' {
			end-- // the kernel writes a NUL over the closing quote
		}
		if eq < 0 {
			args = append(args, cmdlineArg{key: word[:end]})
			continue
		}
		start := eq + 1
		if valQuoted {
			start++
		}
		a := cmdlineArg{key: word[:min(eq, end)], hasVal: true}
		if start < end {
			a.val = word[start:end]
		}
		args = append(args, a)
	}
}

// isSpace is the kernel's isspace on ASCII.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
