package report

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/grader/internal/gotest"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

const root = "/ws"

// stream builds a go test -json stream from events written as
// "action test output" triples; "-" stands for an empty field.
func stream(t *testing.T, evs ...[3]string) *runner.Run {
	t.Helper()
	var b strings.Builder
	for _, e := range evs {
		ev := gotest.Event{Action: e[0], Package: "example.com/ws/exercises/03-joins"}
		if e[1] != "-" {
			ev.Test = e[1]
		}
		if e[2] != "-" {
			ev.Output = e[2]
		}
		if e[0] == "build-output" || e[0] == "build-fail" {
			ev.ImportPath, ev.Package = ev.Package+" [test]", ""
		}
		if e[0] == "attr" {
			ev.Key, ev.Value, ev.Output = "task", e[2], ""
		}
		line, err := json.Marshal(ev)
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	res, err := gotest.Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	return &runner.Run{Result: res, Duration: time.Second}
}

var joins = &workshop.Exercise{
	ID: "03", Slug: "03-joins", Title: "Joins",
	Files:      []workshop.FilePair{{Stub: "exercises/03-joins/email.go", Solution: "solutions/email/email.go"}},
	TaskTitles: map[string]string{"3.1": "re-key", "3.2": "join"},
}

var expected = []workshop.ExpectedTest{
	{Name: "TestRekey", Task: "3.1"},
	{Name: "TestRekey/one", Task: "3.1", Leaf: true, Stub: "pass"},
	{Name: "TestRekey/two", Task: "3.1", Leaf: true, Stub: "fail"},
	{Name: "TestJoin", Task: "3.2", Leaf: true, Stub: "panic"},
}

type scored struct {
	Name     string
	Task     string
	Status   TestStatus
	Points   int
	Message  string
	Location string
}

func summarize(e *Exercise) []scored {
	var out []scored
	for _, t := range e.Tests {
		out = append(out, scored{t.Name, t.Task, t.Status, t.Points, t.Message, t.Location})
	}
	return out
}

func TestScore(t *testing.T) {
	points := &workshop.Points{Exercises: map[string]*workshop.ExercisePoints{
		"03-joins": {Tests: map[string]int{"TestJoin": 5}, Tasks: map[string]int{"3.1": 2}},
	}}
	panicStack := "panic: TODO 3.2: join them [recovered, repanicked]\n\ngoroutine 7 [running]:\n" +
		"testing.tRunner.func1.2({0x1, 0x2})\n\t/goroot/src/testing/testing.go:1974 +0x232\n" +
		"panic({0x1, 0x2})\n\t/goroot/src/runtime/panic.go:860 +0x13a\n" +
		"example.com/ws/exercises/03-joins.Join(...)\n\t/ws/exercises/03-joins/email.go:41 +0x1\n" +
		"example.com/ws/exercises/03-joins.TestJoin(0x1)\n\t/ws/exercises/03-joins/email_test.go:80 +0x2\n"
	tests := []struct {
		name       string
		run        *runner.Run
		notStarted bool
		integrity  workshop.Integrity
		wantStatus Status
		wantScore  [2]int
		want       []scored
		wantMsg    string
	}{
		{
			name: "failures, a panic, a test a failing parent never reached",
			run: stream(t,
				[3]string{"run", "TestRekey", "-"}, [3]string{"attr", "TestRekey", "3.1"},
				[3]string{"run", "TestRekey/one", "-"}, [3]string{"pass", "TestRekey/one", "-"},
				[3]string{"output", "TestRekey", "    email_test.go:20: setup failed: TODO 3.1\n"},
				[3]string{"fail", "TestRekey", "-"},
				[3]string{"run", "TestJoin", "-"}, [3]string{"attr", "TestJoin", "3.2"},
				[3]string{"output", "TestJoin", "--- FAIL: TestJoin (0.00s)\n"},
				[3]string{"output", "TestJoin", panicStack},
				[3]string{"fail", "TestJoin", "-"}, [3]string{"fail", "-", "-"}),
			wantStatus: Failing, wantScore: [2]int{2, 9},
			want: []scored{
				{"TestRekey/one", "3.1", TestPass, 2, "", ""},
				{"TestRekey/two", "3.1", TestFail, 0, "email_test.go:20: setup failed: TODO 3.1\ndid not run: TestRekey failed before reaching this case", ""},
				{"TestJoin", "3.2", TestPanic, 0, "panic: TODO 3.2: join them\n    at exercises/03-joins/email.go:41\n    at exercises/03-joins/email_test.go:80", "exercises/03-joins/email.go:41"},
			},
		},
		{
			name: "a panic stops the binary: later tests did not run",
			run: stream(t,
				[3]string{"run", "TestRekey", "-"}, [3]string{"attr", "TestRekey", "3.1"},
				[3]string{"run", "TestRekey/one", "-"},
				[3]string{"output", "TestRekey/one", "--- FAIL: TestRekey/one (0.00s)\n"},
				[3]string{"fail", "TestRekey/one", "-"},
				[3]string{"output", "TestRekey", "--- FAIL: TestRekey (0.00s)\n"},
				[3]string{"output", "TestRekey", strings.ReplaceAll(panicStack, "TestJoin(", "TestRekey.func1(")},
				[3]string{"fail", "TestRekey", "-"}, [3]string{"fail", "-", "-"}),
			wantStatus: Failing, wantScore: [2]int{0, 9},
			want: []scored{
				{"TestRekey/one", "3.1", TestPanic, 0, "panic: TODO 3.2: join them\n    at exercises/03-joins/email.go:41\n    at exercises/03-joins/email_test.go:80", "exercises/03-joins/email.go:41"},
				{"TestRekey/two", "3.1", TestNotRun, 0, "did not run: the test binary stopped at the panic in TestRekey/one", ""},
				{"TestJoin", "3.2", TestNotRun, 0, "did not run: the test binary stopped at the panic in TestRekey/one", ""},
			},
		},
		{
			name: "timeout",
			run: stream(t,
				[3]string{"run", "TestJoin", "-"},
				[3]string{"output", "TestJoin", "panic: test timed out after 2s\n\trunning tests:\n\t\tTestJoin (2s)\n\ngoroutine 9 [chan receive]:\n" +
					"example.com/ws/exercises/03-joins.Join(...)\n\t/ws/exercises/03-joins/email.go:55 +0x1\n"},
				[3]string{"fail", "-", "-"}),
			wantStatus: TimedOut, wantScore: [2]int{0, 9},
			wantMsg: "The suite was stopped after 2s: TestJoin did not finish.",
			want: []scored{
				{"TestRekey/one", "3.1", TestNotRun, 0, "did not run: the suite hit its time limit first", ""},
				{"TestRekey/two", "3.1", TestNotRun, 0, "did not run: the suite hit its time limit first", ""},
				{"TestJoin", "3.2", TestTimeout, 0, "timed out: still running after 2s. Is something waiting forever (a channel nobody writes to, a loop that never ends)?\nIt was at exercises/03-joins/email.go:55.", "exercises/03-joins/email.go:55"},
			},
		},
		{
			name: "build failure: every test did not run, paths made relative",
			run: stream(t,
				[3]string{"build-output", "-", "# example.com/ws/exercises/03-joins\n"},
				[3]string{"build-output", "-", "/ws/exercises/03-joins/email.go:3:1: syntax error\n"},
				[3]string{"build-fail", "-", "-"}, [3]string{"fail", "-", "-"}),
			wantStatus: BuildError, wantScore: [2]int{0, 9},
			wantMsg: "exercises/03-joins/email.go:3:1: syntax error",
			want: []scored{
				{"TestRekey/one", "3.1", TestNotRun, 0, "did not run: the package does not compile", ""},
				{"TestRekey/two", "3.1", TestNotRun, 0, "did not run: the package does not compile", ""},
				{"TestJoin", "3.2", TestNotRun, 0, "did not run: the package does not compile", ""},
			},
		},
		{
			name:       "not started: not run, no points",
			notStarted: true,
			wantStatus: NotStarted, wantScore: [2]int{0, 9},
			want: []scored{
				{"TestRekey/one", "3.1", TestNotRun, 0, "not started: the stub is untouched", ""},
				{"TestRekey/two", "3.1", TestNotRun, 0, "not started: the stub is untouched", ""},
				{"TestJoin", "3.2", TestNotRun, 0, "not started: the stub is untouched", ""},
			},
		},
		{
			name: "all pass but the suite was edited: shown, not counted",
			run: stream(t,
				[3]string{"run", "TestRekey", "-"}, [3]string{"attr", "TestRekey", "3.1"},
				[3]string{"run", "TestRekey/one", "-"}, [3]string{"pass", "TestRekey/one", "-"},
				[3]string{"run", "TestRekey/two", "-"}, [3]string{"pass", "TestRekey/two", "-"},
				[3]string{"pass", "TestRekey", "-"},
				[3]string{"run", "TestJoin", "-"}, [3]string{"attr", "TestJoin", "3.2"}, [3]string{"pass", "TestJoin", "-"},
				[3]string{"pass", "-", "-"}),
			integrity:  workshop.Integrity{Status: workshop.IntegrityModified, Modified: []string{"exercises/03-joins/email_test.go"}},
			wantStatus: Done, wantScore: [2]int{0, 9},
			want: []scored{
				{"TestRekey/one", "3.1", TestPass, 2, "", ""},
				{"TestRekey/two", "3.1", TestPass, 2, "", ""},
				{"TestJoin", "3.2", TestPass, 5, "", ""},
			},
		},
		{
			name: "a panic before any test (init)",
			run: stream(t,
				[3]string{"output", "-", "panic: bad init\n\ngoroutine 1 [running]:\nexample.com/ws/exercises/03-joins.init.0()\n\t/ws/exercises/03-joins/email.go:9 +0x1\n"},
				[3]string{"fail", "-", "-"}),
			wantStatus: Errored, wantScore: [2]int{0, 9},
			wantMsg: "The test binary panicked before any test started (in an init function or TestMain):\npanic: bad init\n    at exercises/03-joins/email.go:9",
			want: []scored{
				{"TestRekey/one", "3.1", TestNotRun, 0, "did not run: the test binary stopped before any test started", ""},
				{"TestRekey/two", "3.1", TestNotRun, 0, "did not run: the test binary stopped before any test started", ""},
				{"TestJoin", "3.2", TestNotRun, 0, "did not run: the test binary stopped before any test started", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Input{
				Exercise: joins, Run: tt.run, NotStarted: tt.notStarted, Expected: expected,
				Points: points, Root: root, Integrity: tt.integrity,
			}
			if in.Integrity.Status == "" {
				in.Integrity.Status = workshop.IntegrityOK
			}
			e := Score(in)
			require.Equal(t, tt.wantStatus, e.Status)
			require.Equal(t, tt.wantScore, [2]int{e.Score, e.MaxScore})
			require.Equal(t, tt.wantMsg, e.Message)
			if diff := cmp.Diff(tt.want, summarize(e)); diff != "" {
				t.Errorf("tests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScoreRunOnAnUntouchedStubEarnsNothing(t *testing.T) {
	run := stream(t,
		[3]string{"run", "TestRekey", "-"}, [3]string{"attr", "TestRekey", "3.1"},
		[3]string{"run", "TestRekey/one", "-"}, [3]string{"pass", "TestRekey/one", "-"},
		[3]string{"run", "TestRekey/two", "-"},
		[3]string{"output", "TestRekey/two", "    x_test.go:1: TODO 3.1\n"},
		[3]string{"fail", "TestRekey/two", "-"}, [3]string{"fail", "TestRekey", "-"},
		[3]string{"run", "TestJoin", "-"}, [3]string{"fail", "TestJoin", "-"}, [3]string{"fail", "-", "-"})
	e := Score(Input{Exercise: joins, Run: run, NotStarted: true, Expected: expected, Points: &workshop.Points{}, Root: root})
	require.Equal(t, NotStarted, e.Status)
	require.Equal(t, [4]int{1, 3, 0, 3}, [4]int{e.Passed, e.Total, e.Score, e.MaxScore}, "the pass is shown, not scored")
}

func TestScoreWithoutManifest(t *testing.T) {
	// Without a manifest the run's leaves are the tests, with tasks
	// inherited from the parent's attribute.
	run := stream(t,
		[3]string{"run", "TestA", "-"}, [3]string{"attr", "TestA", "3.1"},
		[3]string{"run", "TestA/x", "-"}, [3]string{"pass", "TestA/x", "-"},
		[3]string{"run", "TestA/y", "-"},
		[3]string{"output", "TestA/y", "    a_test.go:9: got 1, want 2\n"},
		[3]string{"output", "TestA/y", "printed by the code\n"},
		[3]string{"fail", "TestA/y", "-"},
		[3]string{"fail", "TestA", "-"}, [3]string{"fail", "-", "-"})
	e := Score(Input{Exercise: joins, Run: run, Points: &workshop.Points{}, Root: root,
		Funcs: []workshop.TestFunc{{Name: "TestA", Code: "func TestA(t *testing.T) {}"}}})
	require.Equal(t, Failing, e.Status)
	require.Equal(t, [2]int{1, 2}, [2]int{e.Passed, e.Total})
	require.Equal(t, "3.1", e.Tests[1].Task)
	require.Equal(t, "a_test.go:9: got 1, want 2", e.Tests[1].Message)
	require.Equal(t, "printed by the code", e.Tests[1].Output)
	require.Equal(t, "func TestA(t *testing.T) {}", e.Tests[1].Code)
}

func TestScoreBuildFailureWithoutManifest(t *testing.T) {
	// No manifest and no run: the top-level test functions are the tests.
	run := stream(t, [3]string{"build-output", "-", "x.go:1:1: oops\n"}, [3]string{"build-fail", "-", "-"})
	e := Score(Input{Exercise: joins, Run: run, Points: &workshop.Points{}, Root: root,
		Funcs: []workshop.TestFunc{{Name: "TestA"}, {Name: "TestB"}}})
	require.Equal(t, BuildError, e.Status)
	require.Equal(t, 2, e.Total)
	require.Equal(t, "x.go:1:1: oops", e.Message)
}
