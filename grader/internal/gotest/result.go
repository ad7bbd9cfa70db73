package gotest

import (
	"regexp"
	"strings"
	"time"
)

// Event is one line of `go test -json` (see `go doc cmd/test2json`).
// Build events carry ImportPath instead of Package; attr events carry Key
// and Value (t.Attr, Go 1.25 and later).
type Event struct {
	Time        time.Time `json:",omitzero"`
	Action      string
	Package     string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"`
	Test        string  `json:",omitempty"`
	Output      string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
	Key         string  `json:",omitempty"`
	Value       string  `json:",omitempty"`
}

// Status is what became of one test.
type Status string

// The statuses a test can end in. Unfinished means the test started but the
// test binary stopped before the test reported back: another test panicked
// or called os.Exit while this one ran in parallel, or the process crashed.
const (
	StatusPass       Status = "pass"
	StatusFail       Status = "fail"
	StatusSkip       Status = "skip"
	StatusPanic      Status = "panic"
	StatusTimeout    Status = "timeout"
	StatusUnfinished Status = "unfinished"
)

// Test is one test or subtest of a run.
type Test struct {
	// Name is the full name, subtests joined with "/" (spaces in t.Run
	// names appear as "_", as `go test` prints them).
	Name string
	// Parent is the name of the enclosing test, "" for a top-level test.
	Parent string
	// Status is the final status.
	Status Status
	// Attrs holds the t.Attr key/value pairs the test emitted.
	Attrs map[string]string
	// Output holds the test's own output lines, without the framing lines
	// `go test` adds (=== RUN, --- FAIL, ...) and without a panic report,
	// which is in Panic.
	Output []string
	// Elapsed is the duration `go test` reported.
	Elapsed time.Duration
	// Panic describes the panic or timeout that ended the test, if any.
	Panic *Panic
	// Children counts the subtests that started under this test.
	Children int
	// Dropped counts output lines left out because the test printed too
	// much (over 2000 lines).
	Dropped int

	failSeq    int       // event sequence number of the terminal fail event
	panicStart int       // index in Output of the panic report, if any
	state      testState // where the test is in its life, for finding parents
}

// testState tracks a test between its events: only a running test can start
// a subtest (a paused parallel test is blocked in t.Parallel, a finished one
// is gone), which is how a parent is told from an earlier sibling whose name
// happens to prefix the new test's ("POST /v1/orders" and "POST /v1/orders/").
type testState int

const (
	stateRunning testState = iota
	statePaused
	stateDone
)

// IsLeaf reports whether the test ran no subtests.
func (t *Test) IsLeaf() bool { return t.Children == 0 }

// Task returns the test's "task" attribute, or "".
func (t *Test) Task() string { return t.Attrs["task"] }

var messageStart = regexp.MustCompile(`^    \S[^:]*\.go:\d+: `)

// Messages returns what the test reported through t.Error, t.Fatal, t.Log
// and friends: each message with its "file.go:line: " prefix, continuation
// lines indented by four spaces.
func (t *Test) Messages() []string {
	msgs, _ := t.split()
	return msgs
}

// Printed returns the lines the code under test wrote to stdout or stderr
// itself (fmt.Println and the like): every output line that is not part of a
// testing message.
func (t *Test) Printed() []string {
	_, printed := t.split()
	return printed
}

func (t *Test) split() (msgs, printed []string) {
	inMsg := false
	for _, l := range t.Output {
		switch {
		case messageStart.MatchString(l):
			msgs = append(msgs, strings.TrimPrefix(l, "    "))
			inMsg = true
		case inMsg && strings.HasPrefix(l, "        "):
			msgs = append(msgs, strings.TrimPrefix(l, "    "))
		default:
			inMsg = false
			printed = append(printed, l)
		}
	}
	return msgs, printed
}

// Panic is a panic report parsed from a test binary's output. It also
// describes timeouts, which the testing package reports as a panic.
type Panic struct {
	// Value is the panic message, without the "panic: " prefix and the
	// "[recovered]" markers; for a runtime fatal error it starts with
	// "fatal error: ".
	Value string
	// Timeout is set when the testing package stopped the binary because
	// it ran longer than -timeout; After holds the limit ("2s").
	Timeout bool
	After   string
	// Running lists the tests that were running at the timeout.
	Running []string
	// Goroutines holds the stacks, the panicking goroutine first.
	Goroutines []Goroutine
	// Text is the report as printed.
	Text []string
}

// Goroutine is one goroutine's stack from a panic report.
type Goroutine struct {
	Header string // "goroutine 7 [running]"
	Frames []Frame
}

// Frame is one stack frame.
type Frame struct {
	Func string // "example.com/m/p.TestD.func1"
	File string // absolute path as printed
	Line int
}

// Result is the outcome of running one package's tests.
type Result struct {
	// Package is the import path.
	Package string
	// Tests lists every test that started, in the order they started.
	Tests []*Test
	// BuildFailed is set when the package or its test binary did not
	// compile (or failed go vet's checks, which go test runs first).
	BuildFailed bool
	// BuildErrors holds the compiler's lines, "# pkg" headers removed.
	BuildErrors []string
	// Output holds package-level output lines outside any test, without
	// the final "ok"/"FAIL" summary lines.
	Output []string
	// Passed is set when the package reported pass.
	Passed bool
	// Ended is set when the package reported pass or fail at all; a
	// stream without it was cut short.
	Ended bool
	// Elapsed is the duration the package reported.
	Elapsed time.Duration
	// Cached is set when go test replayed a cached result (Elapsed is
	// then not a fresh measurement).
	Cached bool
	// Panic is a panic that ended the binary: a test's panic, a timeout,
	// or a panic outside any test (in init or TestMain).
	Panic *Panic
	// Unparsed collects lines of the stream that were not JSON.
	Unparsed []string

	byName map[string]*Test
}

// Test returns the test with the given full name, or nil.
func (r *Result) Test(name string) *Test { return r.byName[name] }

// InheritedTask returns the "task" attribute of the named test or of its
// nearest ancestor that has one, or "". Ancestors are followed through
// Parent; a name the run does not know is cut at its last "/" until a known
// test is found.
func (r *Result) InheritedTask(name string) string {
	t := r.byName[name]
	for n := name; t == nil; {
		i := strings.LastIndexByte(n, '/')
		if i < 0 {
			return ""
		}
		n = n[:i]
		t = r.byName[n]
	}
	for ; t != nil; t = r.byName[t.Parent] {
		if tk := t.Task(); tk != "" {
			return tk
		}
	}
	return ""
}

// descends reports whether d is a subtest (at any depth) of anc.
func (r *Result) descends(d, anc *Test) bool {
	for t := d; t.Parent != ""; {
		if t.Parent == anc.Name {
			return true
		}
		if t = r.byName[t.Parent]; t == nil {
			return false
		}
	}
	return false
}

// Leaves returns the tests that ran no subtests, in start order.
func (r *Result) Leaves() []*Test {
	var out []*Test
	for _, t := range r.Tests {
		if t.IsLeaf() {
			out = append(out, t)
		}
	}
	return out
}

// TimedOut reports whether the binary stopped at its -timeout.
func (r *Result) TimedOut() bool { return r.Panic != nil && r.Panic.Timeout }
