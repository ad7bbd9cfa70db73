package report

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/gotest"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// Input is everything Score needs to grade one exercise.
type Input struct {
	Exercise *workshop.Exercise
	// Run is the suite's run; nil when the exercise was not run because
	// its stubs are pristine (then NotStarted must be set).
	Run *runner.Run
	// NotStarted is set when the stubs are the pristine stubs.
	NotStarted bool
	// Expected are the manifest's tests, if the manifest has the exercise.
	Expected []workshop.ExpectedTest
	// Funcs are the suite's top-level test functions (for test code, and
	// the test list when neither a manifest nor a run gives one).
	Funcs []workshop.TestFunc
	// Points is the points table.
	Points *workshop.Points
	// Root is the checkout the paths in messages are made relative to.
	Root string
	// Integrity is the suite comparison.
	Integrity workshop.Integrity
	// HintsUsed counts the hint levels seen.
	HintsUsed int
	// Timeout is the suite's time limit.
	Timeout time.Duration
}

// Score grades one exercise.
func Score(in Input) *Exercise {
	ex := in.Exercise
	out := &Exercise{
		ID: ex.ID, Slug: ex.Slug, Title: ex.Title, Dir: ex.Dir(),
		Concepts: ex.Concepts, Tasks: ex.Tasks(),
		Integrity: in.Integrity, HintsUsed: in.HintsUsed, Timeout: in.Timeout,
		Counted: in.Integrity.Status != workshop.IntegrityModified,
	}
	for _, f := range ex.Files {
		out.Stubs = append(out.Stubs, f.Stub)
	}
	code := map[string]string{}
	for _, f := range in.Funcs {
		code[f.Name] = f.Code
	}
	var res *gotest.Result
	if in.Run != nil {
		res = in.Run.Result
		out.Duration = in.Run.Duration
	}
	s := &scorer{in: in, res: res, rel: relPaths(in.Root)}

	switch {
	case in.Run == nil:
		out.Status = NotStarted
		out.Tests = s.fromStub()
	case in.Run.Killed:
		out.Status = Errored
		out.Message = fmt.Sprintf("go test did not finish within %s (the test limit plus time to compile) and was stopped.",
			in.Timeout+runner.DefaultBuildBudget)
		out.Tests = s.notRun("did not run: go test was stopped")
	case res.BuildFailed:
		out.Status = BuildError
		out.Message = s.rel(strings.Join(res.BuildErrors, "\n"))
		out.Tests = s.notRun("did not run: the package does not compile")
	case len(res.Tests) == 0 && !res.Passed:
		out.Status = Errored
		out.Message = s.packageFailure(in.Run)
		out.Tests = s.notRun("did not run: the test binary stopped before any test started")
	default:
		out.Tests = s.fromRun()
		switch {
		case res.TimedOut():
			out.Status = TimedOut
			out.Message = fmt.Sprintf("The suite was stopped after %s: %s did not finish.",
				res.Panic.After, strings.Join(leafNames(res.Panic.Running), ", "))
		default:
			out.Status = Failing
		}
	}

	// An untouched stub earns nothing, even for tests that happen to pass
	// on it ("a bad request writes nothing" holds for a stub that does
	// nothing): points come from the learner's work.
	earns := !in.NotStarted
	for i := range out.Tests {
		t := &out.Tests[i]
		t.Code = code[topLevel(t.Name)]
		t.MaxPoints = in.Points.For(ex, t.Name, t.Task)
		if t.Status == TestPass {
			if earns {
				t.Points = t.MaxPoints
			}
			out.Passed++
		}
		out.Total++
		out.Score += t.Points
		out.MaxScore += t.MaxPoints
	}
	if out.Status == Failing && out.Total > 0 && out.Passed == out.Total {
		out.Status = Done
	}
	if in.NotStarted && out.Status == Failing {
		out.Status = NotStarted
	}
	if !out.Counted {
		out.Score = 0
	}
	return out
}

type scorer struct {
	in  Input
	res *gotest.Result
	rel func(string) string
}

// expected returns the scored test names with their tasks: the manifest's
// leaves, else the run's leaves, else the top-level test functions.
func (s *scorer) expected() []workshop.ExpectedTest {
	var out []workshop.ExpectedTest
	for _, e := range s.in.Expected {
		if e.Leaf {
			out = append(out, e)
		}
	}
	if len(out) > 0 {
		return out
	}
	if s.res != nil && !s.res.BuildFailed {
		for _, t := range s.res.Leaves() {
			out = append(out, workshop.ExpectedTest{Name: t.Name, Leaf: true})
		}
		if len(out) > 0 {
			return out
		}
	}
	for _, f := range s.in.Funcs {
		out = append(out, workshop.ExpectedTest{Name: f.Name, Leaf: true})
	}
	return out
}

func (s *scorer) fromStub() []Test {
	var out []Test
	for _, e := range s.expected() {
		out = append(out, Test{Name: e.Name, Task: e.Task, Status: TestNotRun, Message: "not started: the stub is untouched"})
	}
	return out
}

func (s *scorer) notRun(why string) []Test {
	var out []Test
	for _, e := range s.expected() {
		out = append(out, Test{Name: e.Name, Task: e.Task, Status: TestNotRun, Message: why})
	}
	return out
}

func (s *scorer) fromRun() []Test {
	var out []Test
	seen := map[string]bool{}
	for _, e := range s.expected() {
		seen[e.Name] = true
		out = append(out, s.test(e.Name, e.Task))
	}
	for _, t := range s.res.Leaves() { // tests the manifest does not know
		if !seen[t.Name] && !hasExpectedDescendant(s.in.Expected, t.Name) {
			out = append(out, s.test(t.Name, ""))
		}
	}
	return out
}

func hasExpectedDescendant(exp []workshop.ExpectedTest, name string) bool {
	for _, e := range exp {
		if strings.HasPrefix(e.Name, name+"/") {
			return true
		}
	}
	return false
}

func (s *scorer) test(name, task string) Test {
	t := Test{Name: name, Task: task}
	if tk := s.task(name); tk != "" {
		t.Task = tk
	}
	gt := s.res.Test(name)
	if gt == nil {
		return s.missing(t)
	}
	t.Elapsed = gt.Elapsed
	t.Output = s.rel(strings.Join(trimBlank(gt.Printed()), "\n"))
	if gt.Dropped > 0 {
		t.Output += fmt.Sprintf("\n… %d more lines of output were dropped", gt.Dropped)
	}
	msgs := s.rel(strings.Join(gt.Messages(), "\n"))
	switch gt.Status {
	case gotest.StatusPass:
		t.Status = TestPass
	case gotest.StatusFail:
		t.Status = TestFail
		t.Message = msgs
		if t.Message == "" {
			t.Message = "failed without a message"
		}
	case gotest.StatusSkip:
		t.Status = TestSkip
		t.Message = strings.TrimSpace("skipped: " + msgs)
	case gotest.StatusPanic:
		t.Status = TestPanic
		t.Location = s.location(gt.Panic, false)
		t.Message = joinNonEmpty(msgs, s.panicMessage(gt.Panic))
	case gotest.StatusTimeout:
		t.Status = TestTimeout
		t.Location = s.location(gt.Panic, true)
		m := fmt.Sprintf("timed out: still running after %s. Is something waiting forever (a channel nobody writes to, a loop that never ends)?", gt.Panic.After)
		if t.Location != "" {
			m += "\nIt was at " + t.Location + "."
		}
		t.Message = joinNonEmpty(msgs, m)
	default:
		t.Status = TestError
		t.Message = joinNonEmpty(msgs, "did not finish: the test binary exited while this test ran (os.Exit, log.Fatal or a crash?)")
		if out := strings.Join(trimBlank(s.res.Output), "\n"); out != "" {
			t.Message += "\n" + s.rel(out)
		}
	}
	return t
}

// task returns the "task" attribute of a test or its nearest ancestor.
func (s *scorer) task(name string) string { return s.res.InheritedTask(name) }

// missing explains an expected test that has no result.
func (s *scorer) missing(t Test) Test {
	t.Status = TestNotRun
	culprit := s.culpritName()
	for n := t.Name; ; {
		i := strings.LastIndexByte(n, '/')
		if i < 0 {
			break
		}
		n = n[:i]
		anc := s.res.Test(n)
		if anc == nil {
			continue
		}
		if culprit != "" && strings.HasPrefix(culprit+"/", anc.Name+"/") {
			break // the ancestor failed because a test inside it panicked
		}
		switch anc.Status {
		case gotest.StatusFail:
			t.Status = TestFail
			t.Message = joinNonEmpty(s.rel(strings.Join(anc.Messages(), "\n")),
				fmt.Sprintf("did not run: %s failed before reaching this case", anc.Name))
			return t
		case gotest.StatusSkip:
			t.Status = TestSkip
			t.Message = "skipped with " + anc.Name
			return t
		}
		break
	}
	switch {
	case s.res.TimedOut():
		t.Message = "did not run: the suite hit its time limit first"
	case s.res.Panic != nil:
		t.Message = "did not run: the test binary stopped at the panic" + s.culprit()
	case !s.res.Ended:
		t.Message = "did not run: the test binary exited early"
	default:
		t.Message = "did not run"
	}
	return t
}

func (s *scorer) culprit() string {
	if n := s.culpritName(); n != "" {
		return " in " + n
	}
	return ""
}

// culpritName is the test whose panic stopped the binary, or "".
func (s *scorer) culpritName() string {
	for _, t := range s.res.Tests {
		if t.Status == gotest.StatusPanic {
			return t.Name
		}
	}
	return ""
}

func (s *scorer) panicMessage(pn *gotest.Panic) string {
	if pn == nil {
		return "panicked"
	}
	var b strings.Builder
	b.WriteString("panic: " + pn.Value)
	for _, f := range s.userFrames(pn, false) {
		b.WriteString("\n    at " + f)
	}
	return b.String()
}

// userFrames returns the frames of the first goroutine (or, for a timeout,
// of all goroutines) that lie inside the checkout, as "path:line", learner
// files before test files.
func (s *scorer) userFrames(pn *gotest.Panic, all bool) []string {
	var own, tests []string
	seen := map[string]bool{}
	for gi, g := range pn.Goroutines {
		if gi > 0 && !all {
			break
		}
		for _, f := range g.Frames {
			rel := s.relFile(f.File)
			if rel == "" {
				continue
			}
			loc := fmt.Sprintf("%s:%d", rel, f.Line)
			if seen[loc] {
				continue
			}
			seen[loc] = true
			if strings.HasSuffix(rel, "_test.go") {
				tests = append(tests, loc)
			} else {
				own = append(own, loc)
			}
		}
	}
	out := append(own, tests...)
	if len(out) > 6 {
		out = out[:6]
	}
	return out
}

// location returns the first frame in the learner's own (non-test) files.
func (s *scorer) location(pn *gotest.Panic, all bool) string {
	if pn == nil {
		return ""
	}
	for _, l := range s.userFrames(pn, all) {
		file, _, _ := strings.Cut(l, ":")
		if !strings.HasSuffix(file, "_test.go") {
			return l
		}
	}
	return ""
}

// relFile returns the checkout-relative slash path of an absolute file, or
// "" when it is outside the checkout.
func (s *scorer) relFile(file string) string {
	if s.in.Root == "" || !filepath.IsAbs(file) {
		return ""
	}
	rel, err := filepath.Rel(s.in.Root, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

func (s *scorer) packageFailure(run *runner.Run) string {
	var parts []string
	if pn := s.res.Panic; pn != nil {
		parts = append(parts, "The test binary panicked before any test started (in an init function or TestMain):", "panic: "+pn.Value)
		for _, f := range s.userFrames(pn, false) {
			parts = append(parts, "    at "+f)
		}
	} else if out := trimBlank(s.res.Output); len(out) > 0 {
		parts = append(parts, s.rel(strings.Join(out, "\n")))
	}
	if len(s.res.Unparsed) > 0 {
		parts = append(parts, s.rel(strings.Join(s.res.Unparsed, "\n")))
	}
	if run.Stderr != "" {
		parts = append(parts, run.Stderr)
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("go test exited with code %d and reported no test.", run.ExitCode))
	}
	return strings.Join(parts, "\n")
}

// relPaths returns a function that shortens absolute paths under root.
func relPaths(root string) func(string) string {
	if root == "" {
		return func(s string) string { return s }
	}
	prefix := root + string(filepath.Separator)
	return func(s string) string { return strings.ReplaceAll(s, prefix, "") }
}

func leafNames(names []string) []string {
	var out []string
	for i, n := range names {
		if i+1 < len(names) && strings.HasPrefix(names[i+1], n+"/") {
			continue
		}
		out = append(out, n)
	}
	return out
}

func topLevel(name string) string {
	top, _, _ := strings.Cut(name, "/")
	return top
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n")
}
