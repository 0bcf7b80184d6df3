package qemu

import (
	"bufio"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// readyRE matches the line the appliance prints once its role serves:
// `ofbox: ready role=R ... in N ms`, N the milliseconds since kernel start.
// Compiled on first use: package initialisation runs on every VM boot,
// where this binary is /init (2 ms under TCG).
var readyRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`ofbox: ready role=(\S+)(?: .*)? in (\d+) ms\s*$`)
})

// ParseReady returns the role and boot time of a ready line.
func ParseReady(line string) (role string, boot time.Duration, ok bool) {
	m := readyRE().FindStringSubmatch(line)
	if m == nil {
		return "", 0, false
	}
	ms, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return "", 0, false
	}
	return m[1], time.Duration(ms) * time.Millisecond, true
}

// tailLines is how many console lines errors quote: enough for a kernel
// panic's reason or QEMU's complaint, short enough to read.
const tailLines = 20

// console copies QEMU's output (serial console and QEMU's own messages)
// line by line to a writer and keeps the last lines for errors.
type console struct {
	mu       sync.Mutex
	w        io.Writer
	tail     []string // the last tailLines lines, oldest first
	panicked bool     // the guest kernel panicked
}

// panicLine starts the kernel's panic message. With panic=-1 the kernel
// then reboots, and with -no-reboot QEMU exits 0 as after a poweroff: the
// console is what tells the two apart.
const panicLine = "Kernel panic - not syncing"

// line writes one line and remembers it.
func (c *console) line(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	io.WriteString(c.w, s+"\n")
	c.panicked = c.panicked || strings.Contains(s, panicLine)
	if len(c.tail) == tailLines {
		c.tail = append(c.tail[:0], c.tail[1:]...)
	}
	c.tail = append(c.tail, s)
}

// panic reports whether the guest kernel panicked.
func (c *console) panic() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.panicked
}

// last returns the remembered lines, one per line.
func (c *console) last() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}

// maxLine caps one console line; the rest of a longer line is dropped.
const maxLine = 4096

// copy reads r to its end, line by line (the serial console ends lines
// with \r\n), calling ready for each ready line.
func (c *console) copy(r io.Reader, ready func(time.Duration)) {
	br := bufio.NewReaderSize(r, maxLine)
	var line []byte
	for {
		b, err := br.ReadSlice('\n')
		line = append(line, b[:min(len(b), maxLine-len(line))]...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if len(line) > 0 {
			s := strings.TrimRight(string(line), "\r\n")
			c.line(s)
			if _, boot, ok := ParseReady(s); ok {
				ready(boot)
			}
		}
		line = line[:0]
		if err != nil {
			return
		}
	}
}
