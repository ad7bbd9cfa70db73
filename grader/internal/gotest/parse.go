package gotest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxLine bounds one line of the stream; test output lines longer than this
// are rare and get cut by the scanner's error path below.
const maxLine = 4 << 20

// Parse reads a `go test -json` stream for a single package and returns what
// happened. Lines that are not JSON are kept in Result.Unparsed. Parse fails
// only when reading fails.
func Parse(r io.Reader) (*Result, error) {
	p := newParser()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	for sc.Scan() {
		p.line(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading go test -json output: %w", err)
	}
	return p.finish(), nil
}

// Parser parses a stream incrementally, for callers that want to show
// progress while tests run. Feed it lines with Line, then call Result once.
type Parser struct{ p *parser }

// NewParser returns an empty Parser.
func NewParser() *Parser { return &Parser{p: newParser()} }

// Line feeds one line of the stream (without its newline).
func (p *Parser) Line(b []byte) *Event { return p.p.line(b) }

// Result finishes parsing and returns the result; call it once.
func (p *Parser) Result() *Result { return p.p.finish() }

type parser struct {
	res     *Result
	seq     int
	pkgOut  []string
	panicAt map[string]int // test name ("" = package) -> seq of its "panic:" line
}

func newParser() *parser {
	return &parser{
		res:     &Result{byName: map[string]*Test{}},
		panicAt: map[string]int{},
	}
}

func (p *parser) line(b []byte) *Event {
	p.seq++
	s := strings.TrimRight(string(b), "\r")
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		if strings.TrimSpace(s) != "" {
			p.res.Unparsed = append(p.res.Unparsed, s)
		}
		return nil
	}
	var ev Event
	if err := json.Unmarshal([]byte(s), &ev); err != nil {
		p.res.Unparsed = append(p.res.Unparsed, s)
		return nil
	}
	p.event(&ev)
	return &ev
}

func (p *parser) event(ev *Event) {
	r := p.res
	if ev.ImportPath != "" && ev.Package == "" {
		switch ev.Action {
		case "build-output":
			for _, l := range splitLines(ev.Output) {
				if strings.HasPrefix(l, "# ") || strings.TrimSpace(l) == "" {
					continue
				}
				r.BuildErrors = append(r.BuildErrors, l)
			}
		case "build-fail":
			r.BuildFailed = true
		}
		return
	}
	if r.Package == "" {
		r.Package = ev.Package
	}
	if ev.Test == "" {
		p.packageEvent(ev)
		return
	}
	t := p.test(ev.Test)
	switch ev.Action {
	case "pause":
		t.state = statePaused
	case "cont":
		t.state = stateRunning
	case "attr":
		t.Attrs[ev.Key] = ev.Value
	case "output":
		p.output(t, ev.Output)
	case "pass", "fail", "skip":
		t.Status = Status(ev.Action)
		t.Elapsed = seconds(ev.Elapsed)
		t.state = stateDone
		if ev.Action == "fail" {
			t.failSeq = p.seq
		}
	}
}

func (p *parser) packageEvent(ev *Event) {
	r := p.res
	switch ev.Action {
	case "output":
		for _, l := range splitLines(ev.Output) {
			if isSummary(l) {
				if strings.HasSuffix(l, "(cached)") {
					r.Cached = true
				}
				continue
			}
			if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
				if _, ok := p.panicAt[""]; !ok {
					p.panicAt[""] = p.seq
				}
			}
			p.pkgOut = append(p.pkgOut, l)
		}
	case "pass", "fail":
		r.Ended = true
		r.Passed = ev.Action == "pass"
		r.Elapsed = seconds(ev.Elapsed)
		if ev.FailedBuild != "" {
			r.BuildFailed = true
		}
	case "skip": // a package with no test files
		r.Ended = true
		r.Passed = true
	}
}

func (p *parser) test(name string) *Test {
	if t, ok := p.res.byName[name]; ok {
		return t
	}
	t := &Test{Name: name, Attrs: map[string]string{}}
	// The parent is the longest running test whose name prefixes this one.
	// Names alone are ambiguous, since a subtest's name may hold slashes:
	// "T/POST_/v1/orders/" may follow its sibling "T/POST_/v1/orders". Only
	// a running test can start a subtest, so finished and paused tests are
	// passed over; a stream cut short may leave no running candidate, and
	// then a paused one will do.
	if par := p.parentOf(name, false); par != nil {
		t.Parent = par.Name
		par.Children++
	} else if par := p.parentOf(name, true); par != nil {
		t.Parent = par.Name
		par.Children++
	}
	p.res.byName[name] = t
	p.res.Tests = append(p.res.Tests, t)
	return t
}

// parentOf returns the longest test whose name prefixes name at a "/" and
// that is running (or, with paused, running or paused).
func (p *parser) parentOf(name string, paused bool) *Test {
	for i := len(name) - 1; i > 0; i-- {
		if name[i] != '/' {
			continue
		}
		par, ok := p.res.byName[name[:i]]
		if !ok {
			continue
		}
		if par.state == stateRunning || paused && par.state == statePaused {
			return par
		}
	}
	return nil
}

// Output limits: a test that prints in a loop until it times out must not
// take the grader's memory with it. A panic report is kept whole (up to
// maxPanicLines), whatever came before it.
const (
	maxOutputLines = 2000
	maxPanicLines  = 20000
)

func (p *parser) output(t *Test, out string) {
	for _, l := range splitLines(out) {
		if isFraming(l) {
			continue
		}
		_, panicking := p.panicAt[t.Name]
		if !panicking && (strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ")) {
			p.panicAt[t.Name] = p.seq
			t.panicStart = len(t.Output)
			panicking = true
		}
		if (!panicking && len(t.Output) >= maxOutputLines) || (panicking && len(t.Output)-t.panicStart >= maxPanicLines) {
			t.Dropped++
			continue
		}
		t.Output = append(t.Output, l)
	}
}

func (p *parser) finish() *Result {
	r := p.res
	// Package-level panic: in init, TestMain, or printed outside a test.
	if _, ok := p.panicAt[""]; ok && !r.Passed {
		i := indexPanic(p.pkgOut)
		r.Panic = parsePanic(p.pkgOut[i:])
		if i > 0 {
			r.Output = p.pkgOut[:i]
		}
	} else {
		r.Output = p.pkgOut
	}
	for _, t := range r.Tests {
		if _, ok := p.panicAt[t.Name]; !ok || t.Status == StatusPass || t.Status == StatusSkip {
			continue // a passing test may print "panic: " itself
		}
		i := indexPanic(t.Output)
		pn := parsePanic(t.Output[i:])
		t.Output = t.Output[:i]
		r.Panic = pn
		if pn.Timeout {
			continue // handled below, with the running list
		}
		culprit := p.blame(t, pn)
		culprit.Status = StatusPanic
		culprit.Panic = pn
	}
	running := map[string]bool{}
	if r.TimedOut() {
		for _, n := range r.Panic.Running {
			running[n] = true
		}
	}
	for _, t := range r.Tests {
		switch {
		case running[t.Name]:
			t.Status = StatusTimeout
			t.Panic = r.Panic
		case t.Status == "":
			t.Status = StatusUnfinished
		}
	}
	return r
}

// blame finds the test that actually panicked. When a subtest panics, Go
// prints "--- FAIL" for it and for each ancestor, and the panic report lands
// in the output of the top-most one. The subtest is then the descendant whose
// fail event came last before the report, said nothing itself, and the
// panicking frame is a closure rather than the parent's own function.
func (p *parser) blame(t *Test, pn *Panic) *Test {
	at := p.panicAt[t.Name]
	var best *Test
	for _, d := range p.res.Tests {
		if !p.res.descends(d, t) || d.Status != StatusFail {
			continue
		}
		if d.failSeq == 0 || d.failSeq > at || len(d.Messages()) > 0 {
			continue
		}
		if best == nil || d.failSeq > best.failSeq {
			best = d
		}
	}
	if best == nil || !p.noRunBetween(best.failSeq, at) || panicsIn(pn, t.Name) {
		return t
	}
	return best
}

// noRunBetween reports whether no test started between two sequence points.
// Tests record only their terminal sequence; a test that started between
// them and finished would have a later failSeq, one that is still running is
// unfinished. We approximate with fail sequences, which is what matters:
// the chain of "--- FAIL" lines right before the report.
func (p *parser) noRunBetween(from, to int) bool {
	for _, d := range p.res.Tests {
		if d.failSeq > from && d.failSeq < to {
			return false
		}
	}
	return true
}

// panicsIn reports whether the panicking goroutine was running the named
// test's own function rather than a closure inside it (a subtest body).
func panicsIn(pn *Panic, test string) bool {
	top := test
	if i := strings.IndexByte(top, '/'); i >= 0 {
		top = top[:i]
	}
	if len(pn.Goroutines) == 0 {
		return false
	}
	for _, f := range pn.Goroutines[0].Frames {
		name := f.Func[strings.LastIndexByte(f.Func, '/')+1:]
		parts := strings.SplitN(name, ".", 3)
		if len(parts) >= 2 && parts[1] == top {
			return len(parts) == 2
		}
	}
	return false
}

func indexPanic(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return i
		}
	}
	return len(lines)
}

// parsePanic reads a panic report: the "panic: value" line (with any lines
// up to the first blank one), the timeout's running list, then goroutine
// stacks.
func parsePanic(lines []string) *Panic {
	pn := &Panic{Text: lines}
	if len(lines) == 0 {
		return pn
	}
	first := lines[0]
	if strings.HasPrefix(first, "panic: test timed out after ") {
		pn.Timeout = true
		pn.After = strings.TrimPrefix(first, "panic: test timed out after ")
		pn.Value = "test timed out after " + pn.After
	} else {
		v := strings.TrimPrefix(first, "panic: ")
		for _, suffix := range []string{" [recovered, repanicked]", " [recovered]"} {
			v = strings.TrimSuffix(v, suffix)
		}
		pn.Value = v
	}
	i := 1
head:
	for ; i < len(lines) && lines[i] != ""; i++ {
		l := lines[i]
		switch {
		case l == "\trunning tests:":
		case strings.HasPrefix(l, "\t\t") && pn.Timeout:
			name := strings.TrimPrefix(l, "\t\t")
			if j := strings.LastIndex(name, " ("); j >= 0 {
				name = name[:j]
			}
			pn.Running = append(pn.Running, name)
		case strings.HasPrefix(l, "goroutine "):
			break head // no blank line before the stacks
		default:
			if !pn.Timeout {
				pn.Value += "\n" + l
			}
		}
	}
	var g *Goroutine
	for ; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "goroutine ") && strings.HasSuffix(l, ":"):
			pn.Goroutines = append(pn.Goroutines, Goroutine{Header: strings.TrimSuffix(l, ":")})
			g = &pn.Goroutines[len(pn.Goroutines)-1]
		case g != nil && strings.HasPrefix(l, "\t") && i > 0:
			file, line := fileLine(strings.TrimPrefix(l, "\t"))
			fn := lines[i-1]
			if strings.HasPrefix(fn, "created by ") {
				fn = strings.TrimPrefix(fn, "created by ")
				if j := strings.Index(fn, " in goroutine "); j >= 0 {
					fn = fn[:j]
				}
			} else if j := strings.LastIndex(fn, "("); j > 0 {
				fn = fn[:j]
			}
			g.Frames = append(g.Frames, Frame{Func: fn, File: file, Line: line})
		}
	}
	return pn
}

// fileLine splits "/path/file.go:41 +0x28".
func fileLine(s string) (string, int) {
	if j := strings.LastIndex(s, " +0x"); j >= 0 {
		s = s[:j]
	}
	j := strings.LastIndexByte(s, ':')
	if j < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[j+1:])
	if err != nil {
		return s, 0
	}
	return s[:j], n
}

func isFraming(l string) bool {
	t := strings.TrimLeft(l, " ")
	for _, p := range []string{"=== RUN ", "=== PAUSE ", "=== CONT ", "=== NAME ", "=== ATTR ",
		"--- PASS: ", "--- FAIL: ", "--- SKIP: "} {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

func isSummary(l string) bool {
	return l == "PASS" || l == "FAIL" || strings.HasPrefix(l, "ok  \t") ||
		strings.HasPrefix(l, "FAIL\t") || strings.HasPrefix(l, "?   \t") ||
		strings.HasPrefix(l, "testing: warning: no tests to run")
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return []string{""}
	}
	return strings.Split(s, "\n")
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
