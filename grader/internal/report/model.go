package report

import (
	"time"

	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// TestStatus is a scored test's outcome.
type TestStatus string

// Test outcomes. Error covers a test that started but never reported back
// (os.Exit, a crash); NotRun a test that never started because the test
// binary stopped earlier (a panic, a timeout) or did not build.
const (
	TestPass    TestStatus = "pass"
	TestFail    TestStatus = "fail"
	TestPanic   TestStatus = "panic"
	TestTimeout TestStatus = "timeout"
	TestSkip    TestStatus = "skip"
	TestError   TestStatus = "error"
	TestNotRun  TestStatus = "not_run"
)

// Status is an exercise's outcome.
type Status string

// Exercise outcomes.
const (
	// Done: every test passes.
	Done Status = "done"
	// Failing: the suite ran and some test did not pass.
	Failing Status = "failing"
	// NotStarted: the stub files are the pristine stubs.
	NotStarted Status = "not_started"
	// BuildError: the package or its tests did not compile.
	BuildError Status = "build_error"
	// TimedOut: the suite hit its time limit.
	TimedOut Status = "timeout"
	// Errored: the suite could not run, or stopped before any test
	// reported (a panic in init, a go command failure).
	Errored Status = "error"
	// Absent: the workshop's roster names the exercise, but this checkout
	// has no folder for it (a clone older than the exercise).
	Absent Status = "absent"
)

// AbsentExercise is the result of an exercise the checkout does not have.
func AbsentExercise(id, slug, title string) *Exercise {
	return &Exercise{ID: id, Slug: slug, Title: title, Dir: "exercises/" + slug, Status: Absent, Counted: true}
}

// Present returns the exercises that are in the checkout.
func Present(exs []*Exercise) []*Exercise {
	var out []*Exercise
	for _, e := range exs {
		if e.Status != Absent {
			out = append(out, e)
		}
	}
	return out
}

// Test is one scored test: a leaf of the suite's test tree.
type Test struct {
	// Name is the full go test name ("TestJoin/gold_customer").
	Name string
	// Task is the task the test checks ("3.2"), from t.Attr.
	Task string
	// Status is the outcome.
	Status TestStatus
	// Message is what the test reported: its failure messages, a panic
	// with the frames in the learner's code, or why it did not run.
	Message string
	// Output is what the code under test printed itself.
	Output string
	// Location is the learner's file and line a panic or hang points at,
	// root-relative ("exercises/03-joins/email.go:41"), if known.
	Location string
	// Code is the source of the test's top-level function.
	Code string
	// Points is what the test earned; MaxPoints what it is worth.
	Points, MaxPoints int
	// Elapsed is the test's own duration.
	Elapsed time.Duration
}

// Exercise is the graded result of one exercise.
type Exercise struct {
	ID, Slug, Title string
	// Dir is the exercise folder, root-relative.
	Dir string
	// Concepts lists what the exercise teaches.
	Concepts []string
	// Tasks are the exercise's tasks in order.
	Tasks []workshop.Task
	// Stubs lists the files the learner edits.
	Stubs []string
	// Status is the outcome.
	Status Status
	// Message explains an error, build error or timeout: the compiler's
	// lines, a panic outside any test, the go command's complaint.
	Message string
	// Tests are the scored tests in suite order.
	Tests []Test
	// Passed counts passing tests; Total counts all scored tests.
	Passed, Total int
	// Score and MaxScore are in points. Score is 0 when the suite was
	// modified (Counted is false then).
	Score, MaxScore int
	// Counted is false when the suite files were modified: the result is
	// shown but does not count toward progress.
	Counted bool
	// Integrity is the comparison of the suite with the pristine one.
	Integrity workshop.Integrity
	// HintsUsed counts the hint levels the learner has seen.
	HintsUsed int
	// Timeout is the time limit the suite ran with.
	Timeout time.Duration
	// Duration is the run's wall time, compile included (zero when the
	// suite was not run).
	Duration time.Duration
}

// Learner is one checkout's results, for grade.
type Learner struct {
	// ID names the learner (the checkout folder's name).
	ID string
	// Path is the checkout.
	Path string
	// Commit is the checkout's HEAD, if it is a git clone.
	Commit string
	// Error is set when the checkout could not be graded at all.
	Error string
	// Exercises holds one result per workshop exercise.
	Exercises []*Exercise
}

// Score sums the counted points.
func (l *Learner) Score() (score, max int) { return Totals(l.Exercises) }

// HintsUsed sums the hint levels seen over all exercises.
func (l *Learner) HintsUsed() int {
	n := 0
	for _, e := range l.Exercises {
		n += e.HintsUsed
	}
	return n
}

// Modified lists the suite files the learner changed, over all exercises.
func (l *Learner) Modified() []string {
	var out []string
	for _, e := range l.Exercises {
		out = append(out, e.Integrity.Files()...)
	}
	return out
}

// Totals sums score and max score over exercises.
func Totals(exs []*Exercise) (score, max int) {
	for _, e := range exs {
		score += e.Score
		max += e.MaxScore
	}
	return score, max
}

// DoneCount counts counted exercises that are done.
func DoneCount(exs []*Exercise) int {
	n := 0
	for _, e := range exs {
		if e.Status == Done && e.Counted {
			n++
		}
	}
	return n
}

// Next returns the first exercise of the checkout that is not done (or not
// counted), or nil.
func Next(exs []*Exercise) *Exercise {
	for _, e := range exs {
		if e.Status == Absent {
			continue
		}
		if e.Status != Done || !e.Counted {
			return e
		}
	}
	return nil
}

// Grade is a batch of learners graded against one workshop.
type Grade struct {
	// Workshop describes the pristine workshop ("module@commit").
	Workshop string
	// GoVersion is the go toolchain used.
	GoVersion string
	// GeneratedAt is when grading finished.
	GeneratedAt time.Time
	// Exercises lists the workshop's exercises (ID and slug), in order.
	Exercises []workshop.Exercise
	// Learners are in the order given.
	Learners []*Learner
}
