package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(file, got, 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "missing golden file; run go test -update")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); run go test -update if the change is intended:\n%s", name, diff)
	}
}

func tasks(ids ...string) []workshop.Task {
	var out []workshop.Task
	for i := 0; i+1 < len(ids); i += 2 {
		out = append(out, workshop.Task{ID: ids[i], Title: ids[i+1]})
	}
	return out
}

// The sample results cover every status a learner can meet.
func sampleFailing() *Exercise {
	return &Exercise{
		ID: "03", Slug: "03-joins", Title: "Enriching streams with joins", Dir: "exercises/03-joins",
		Concepts: []string{"joins", "re-keying"},
		Tasks:    tasks("3.1", "re-key payments by order id", "3.2", "join orders with payments", "3.3", "route by level"),
		Stubs:    []string{"exercises/03-joins/email.go"},
		Status:   Failing, Counted: true, HintsUsed: 1,
		Integrity: workshop.Integrity{Status: workshop.IntegrityOK},
		Tests: []Test{
			{Name: "TestRekey/one_payment", Task: "3.1", Status: TestPass, Points: 1, MaxPoints: 1, Code: "func TestRekey(t *testing.T) {}"},
			{Name: "TestRekey/two_payments", Task: "3.1", Status: TestFail, MaxPoints: 1,
				Message: "email_test.go:42: Rekey(payment p2) = key \"\", want \"o2\"\n    TODO 3.1: use the order id as the key",
				Output:  "debug: rekeying p2"},
			{Name: "TestJoin/in_window", Task: "3.2", Status: TestPanic, MaxPoints: 2, Location: "exercises/03-joins/email.go:41",
				Message: "panic: TODO 3.2: join orders with payments\n    at exercises/03-joins/email.go:41\n    at exercises/03-joins/email_test.go:80"},
			{Name: "TestJoin/outside_window", Task: "3.2", Status: TestNotRun, MaxPoints: 2,
				Message: "did not run: the test binary stopped at the panic in TestJoin/in_window"},
			{Name: "TestRoute", Task: "3.3", Status: TestTimeout, MaxPoints: 1, Location: "exercises/03-joins/email.go:55",
				Message: "timed out: still running after 30s."},
			{Name: "TestExtra", Status: TestSkip, MaxPoints: 1, Message: "skipped: needs a broker"},
		},
		Passed: 1, Total: 6, Score: 1, MaxScore: 8,
		Timeout: 30 * time.Second, Duration: 1500 * time.Millisecond,
	}
}

func sampleBuild() *Exercise {
	return &Exercise{
		ID: "02", Slug: "02-event-driven", Title: "Event-driven applications", Dir: "exercises/02-event-driven",
		Tasks:  tasks("2.1", "subscribe"),
		Stubs:  []string{"exercises/02-event-driven/validator.go"},
		Status: BuildError, Counted: true,
		Message: "exercises/02-event-driven/validator.go:12:5: undefined: handler\n" +
			"exercises/02-event-driven/validator.go:30:2: missing return",
		Tests: []Test{
			{Name: "TestSubscribe", Task: "2.1", Status: TestNotRun, MaxPoints: 1, Message: "did not run: the package does not compile"},
		},
		Total: 1, MaxScore: 1,
	}
}

func sampleDone() *Exercise {
	return &Exercise{
		ID: "01", Slug: "01-persist-events", Title: "Persist events", Dir: "exercises/01-persist-events",
		Concepts: []string{"producing"}, Tasks: tasks("1.1", "durable producer"),
		Stubs:  []string{"exercises/01-persist-events/submit.go"},
		Status: Done, Counted: true, HintsUsed: 3,
		Integrity: workshop.Integrity{Status: workshop.IntegrityOK},
		Tests: []Test{
			{Name: "TestDurable", Task: "1.1", Status: TestPass, Points: 2, MaxPoints: 2},
			{Name: "TestKey", Task: "1.1", Status: TestPass, Points: 2, MaxPoints: 2, Output: "sent order 7"},
		},
		Passed: 2, Total: 2, Score: 4, MaxScore: 4,
	}
}

func sampleModified() *Exercise {
	e := sampleDone()
	e.ID, e.Slug, e.Dir, e.Title = "04", "04-filter-branch", "exercises/04-filter-branch", "Filter and branch"
	e.Stubs = []string{"exercises/04-filter-branch/fraud.go"}
	e.Counted, e.Score, e.HintsUsed = false, 0, 0
	e.Integrity = workshop.Integrity{Status: workshop.IntegrityModified, Modified: []string{"exercises/04-filter-branch/fraud_test.go"}}
	return e
}

func sampleNotStarted() *Exercise {
	return &Exercise{
		ID: "05", Slug: "05-stateful", Title: "Stateful aggregation", Dir: "exercises/05-stateful",
		Stubs: []string{"exercises/05-stateful/aggregator.go"}, Status: NotStarted, Counted: true,
		Tests: []Test{{Name: "TestCount", Status: TestNotRun, MaxPoints: 3, Message: "not started: the stub is untouched"}},
		Total: 1, MaxScore: 3,
	}
}

func sampleAll() []*Exercise {
	return []*Exercise{sampleDone(), sampleBuild(), sampleFailing(), sampleModified(), sampleNotStarted()}
}

// sampleRoster is sampleAll on a checkout that lacks the roster's last
// exercise, with concepts long enough to wrap.
func sampleRoster() []*Exercise {
	exs := sampleAll()
	exs[4].Concepts = []string{"aggregations are per key: grouping", "session windows and their merges",
		"counting with an aggregate", "joining an aggregate back to the event it is about"}
	return append(exs, AbsentExercise("07", "07-sql-enrichment", "Enrichment with SQL"))
}

func sampleGrade() *Grade {
	ws := []workshop.Exercise{
		{ID: "01", Slug: "01-persist-events", Title: "Persist events"},
		{ID: "02", Slug: "02-event-driven", Title: "Event-driven applications"},
		{ID: "03", Slug: "03-joins", Title: "Enriching streams with joins"},
	}
	timedOut := sampleFailing()
	timedOut.Status = TimedOut
	timedOut.Message = "The suite was stopped after 30s: TestRoute did not finish."
	return &Grade{
		Workshop: "github.com/streamworkshop/workshop@0123456789ab", GoVersion: "go1.26.8",
		GeneratedAt: time.Date(2026, 11, 24, 9, 30, 0, 0, time.UTC),
		Exercises:   ws,
		Learners: []*Learner{
			{ID: "alice", Path: "/class/alice", Commit: "aaaaaaaaaaaa", Exercises: []*Exercise{sampleDone(), sampleBuild(), sampleFailing()}},
			{ID: "bob", Path: "/class/bob", Commit: "bbbbbbbbbbbb", Exercises: []*Exercise{func() *Exercise {
				e := sampleModified()
				e.ID, e.Slug = "01", "01-persist-events"
				return e
			}(), sampleNotStartedAs("02", "02-event-driven"), timedOut}},
			{ID: "carol", Path: "/class/carol", Error: "no exercises folder"},
		},
	}
}

func sampleNotStartedAs(id, slug string) *Exercise {
	e := sampleNotStarted()
	e.ID, e.Slug = id, slug
	return e
}

func TestWriteCheck(t *testing.T) {
	next := &Exercise{ID: "02", Slug: "02-event-driven"}
	tests := []struct {
		name    string
		e       *Exercise
		next    *Exercise
		color   bool
		verbose bool
	}{
		{name: "check_failing", e: sampleFailing()},
		{name: "check_failing_color", e: sampleFailing(), color: true},
		{name: "check_failing_verbose", e: sampleFailing(), verbose: true},
		{name: "check_build", e: sampleBuild()},
		{name: "check_done", e: sampleDone(), next: next},
		{name: "check_done_last", e: sampleDone()},
		{name: "check_modified", e: sampleModified()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			o := Options{Style: Style{Color: tt.color}, Verbose: tt.verbose}
			require.NoError(t, WriteCheck(&b, tt.e, tt.next, o))
			golden(t, tt.name+".golden", b.Bytes())
		})
	}
}

func TestWriteCheckOfAnUntouchedStub(t *testing.T) {
	e := sampleNotStarted()
	e.Tests = append(e.Tests, Test{Name: "TestNothingWritten", Status: TestPass, MaxPoints: 1})
	e.Passed, e.Total, e.MaxScore = 1, 2, 4
	var b bytes.Buffer
	require.NoError(t, WriteCheck(&b, e, nil, Options{}))
	require.Contains(t, b.String(), "1/2 tests pass · 0/4 points\n(the stub is untouched: points count from your first change)")
}

func TestWriteCheckSaysARepeatedMessageOnce(t *testing.T) {
	e := sampleFailing()
	msg := "x_test.go:25: Store() = nil\n    TODO 3.1: return the store's builder\ndid not run: TestStore failed before reaching this case"
	e.Tests = []Test{{Name: "TestStore/name", Task: "3.1", Status: TestFail, Message: msg}, {Name: "TestStore/logged", Task: "3.1", Status: TestFail, Message: msg}}
	var b bytes.Buffer
	require.NoError(t, WriteCheck(&b, e, nil, Options{}))
	require.Equal(t, 1, bytes.Count(b.Bytes(), []byte("TODO 3.1: return the store's builder")))
	require.Contains(t, b.String(), "  FAIL    TestStore/logged\n      (the same message as above)\n")
}

func TestWriteCheckTruncatesLongMessages(t *testing.T) {
	e := sampleFailing()
	long := ""
	for i := 0; i < 40; i++ {
		long += "line\n"
	}
	e.Tests[1].Message = long
	e.Tests[1].Output = ""
	var b bytes.Buffer
	require.NoError(t, WriteCheck(&b, e, nil, Options{MaxLines: 5}))
	require.Contains(t, b.String(), "… 35 more lines (add -v to see them)")
}

func TestWriteStatusAndList(t *testing.T) {
	for _, color := range []bool{false, true} {
		suffix := ""
		if color {
			suffix = "_color"
		}
		o := Options{Style: Style{Color: color}}
		var b bytes.Buffer
		require.NoError(t, WriteStatus(&b, sampleRoster(), o))
		golden(t, "status"+suffix+".golden", b.Bytes())
		b.Reset()
		require.NoError(t, WriteList(&b, sampleRoster(), o))
		golden(t, "list"+suffix+".golden", b.Bytes())
	}
}

func TestWriteStatusAllDone(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteStatus(&b, []*Exercise{sampleDone()}, Options{}))
	require.Contains(t, b.String(), "Every exercise is done")
	require.Contains(t, b.String(), "[############################]  1/1 exercises · 4/4 points")

	b.Reset()
	require.NoError(t, WriteStatus(&b, []*Exercise{sampleDone(), AbsentExercise("02", "02-more", "More")}, Options{}))
	require.Contains(t, b.String(), "1/1 exercises · 4/4 points", "an exercise the checkout lacks is not counted")
	require.Contains(t, b.String(), "Every exercise of this checkout is done. The others come with git pull.")
}

func TestGradeFormats(t *testing.T) {
	g := sampleGrade()
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"grade_table.golden", func(b *bytes.Buffer) error { return WriteGradeTable(b, g, Options{}) }},
		{"grade.json.golden", func(b *bytes.Buffer) error { return WriteJSON(b, ToGradeReport(g)) }},
		{"grade.csv.golden", func(b *bytes.Buffer) error { return WriteCSV(b, g) }},
		{"grade_long.csv.golden", func(b *bytes.Buffer) error { return WriteCSVLong(b, g) }},
		{"grade.md.golden", func(b *bytes.Buffer) error { return WriteMarkdown(b, g) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tt.write(&b))
			golden(t, tt.name, b.Bytes())
		})
	}
}

func TestResultsJSON(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, ToResults(sampleFailing())))
	golden(t, "results_failing.json.golden", b.Bytes())
	b.Reset()
	require.NoError(t, WriteJSON(&b, ToResults(sampleBuild())))
	golden(t, "results_build.json.golden", b.Bytes())
	b.Reset()
	require.NoError(t, WriteJSON(&b, ToSummary(sampleRoster())))
	golden(t, "summary.json.golden", b.Bytes())
}

func TestResultsFollowExercism(t *testing.T) {
	tests := []struct {
		e          *Exercise
		wantStatus string
		wantMsg    bool
	}{
		{sampleDone(), "pass", false},
		{sampleFailing(), "fail", false},
		{sampleBuild(), "error", true}, // no test ran: error, with the compiler's message
		{sampleNotStarted(), "fail", false},
	}
	for _, tt := range tests {
		r := ToResults(tt.e)
		require.Equal(t, 3, r.Version)
		require.Equal(t, tt.wantStatus, r.Status, tt.e.Slug)
		require.Equal(t, tt.wantMsg, r.Message != nil, tt.e.Slug)
		for _, rt := range r.Tests {
			require.Contains(t, []string{"pass", "fail", "error"}, rt.Status)
			require.Equal(t, rt.Status != "pass", rt.Message != nil, "message is required for fail and error")
			if rt.Output != nil {
				require.LessOrEqual(t, len(*rt.Output), maxOutput)
			}
		}
	}
}

func TestOutputIsCutAt500(t *testing.T) {
	e := sampleFailing()
	e.Tests[1].Output = string(bytes.Repeat([]byte("é"), 400)) // 800 bytes
	r := ToResults(e)
	out := *r.Tests[1].Output
	require.LessOrEqual(t, len(out), maxOutput)
	require.Contains(t, out, "Output was truncated. Please limit to 500 chars")
	require.True(t, bytes.Equal([]byte(out), bytes.ToValidUTF8([]byte(out), nil)), "cut on a rune boundary")
}

func TestBar(t *testing.T) {
	tests := []struct {
		done, total, width int
		want               string
	}{
		{0, 7, 10, "[>---------]"},
		{3, 7, 10, "[####>-----]"},
		{7, 7, 10, "[##########]"},
		{0, 0, 4, "[----]"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Bar(tt.done, tt.total, tt.width))
	}
}
