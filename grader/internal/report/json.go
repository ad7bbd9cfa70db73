package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// Limits from Exercism's test-runner interface.
const (
	maxOutput  = 500
	maxMessage = 65535
	truncated  = "\n... Output was truncated. Please limit to 500 chars."
)

// Results is one exercise in Exercism's results.json format, version 3,
// with the grader's extensions after the standard keys. Readers that know
// only Exercism's keys can ignore the rest.
type Results struct {
	// Exercism keys.
	Version int           `json:"version"`
	Status  string        `json:"status"` // pass | fail | error
	Message *string       `json:"message"`
	Tests   []ResultsTest `json:"tests"`

	// Grader extensions.
	Exercise   string              `json:"exercise"` // slug
	ID         string              `json:"id"`
	Title      string              `json:"title"`
	Outcome    Status              `json:"outcome"`
	Score      int                 `json:"score"`
	MaxScore   int                 `json:"max_score"`
	Passed     int                 `json:"passed"`
	Total      int                 `json:"total"`
	Counted    bool                `json:"counted"`
	Integrity  *workshop.Integrity `json:"integrity,omitempty"`
	HintsUsed  int                 `json:"hints_used"`
	DurationMS int64               `json:"duration_ms"`
}

// ResultsTest is one test of a Results document.
type ResultsTest struct {
	// Exercism keys.
	Name     string  `json:"name"`
	TestCode string  `json:"test_code,omitempty"`
	Status   string  `json:"status"` // pass | fail | error
	Message  *string `json:"message"`
	Output   *string `json:"output"`
	TaskID   int     `json:"task_id,omitempty"`

	// Grader extensions.
	Task      string     `json:"task,omitempty"` // "3.2"
	Outcome   TestStatus `json:"outcome"`
	Points    int        `json:"points"`
	MaxPoints int        `json:"max_points"`
	Location  string     `json:"location,omitempty"`
	ElapsedMS int64      `json:"elapsed_ms"`
}

// ExercismStatus maps a test outcome to Exercism's three statuses: panics,
// timeouts, tests that never ran or never finished are "error" (the test
// did not return a result); a skipped test is "fail" (it earned nothing).
func ExercismStatus(st TestStatus) string {
	switch st {
	case TestPass:
		return "pass"
	case TestFail, TestSkip:
		return "fail"
	default:
		return "error"
	}
}

// ToResults converts an exercise result to its results.json form.
func ToResults(e *Exercise) Results {
	r := Results{
		Version: 3, Exercise: e.Slug, ID: e.ID, Title: e.Title, Outcome: e.Status,
		Score: e.Score, MaxScore: e.MaxScore, Passed: e.Passed, Total: e.Total,
		Counted: e.Counted, HintsUsed: e.HintsUsed, DurationMS: e.Duration.Milliseconds(),
		Tests: []ResultsTest{},
	}
	if e.Integrity.Status != "" {
		in := e.Integrity
		r.Integrity = &in
	}
	switch {
	case e.Status == Done:
		r.Status = "pass"
	case e.Status == BuildError || e.Status == Errored:
		r.Status = "error"
	default:
		r.Status = "fail"
	}
	if e.Message != "" {
		r.Message = ptr(cut(e.Message, maxMessage, ""))
	}
	taskIdx := map[string]int{}
	for i, t := range e.Tasks {
		taskIdx[t.ID] = i + 1
	}
	for _, t := range e.Tests {
		rt := ResultsTest{
			Name: t.Name, TestCode: t.Code, Status: ExercismStatus(t.Status),
			TaskID: taskIdx[t.Task], Task: t.Task, Outcome: t.Status,
			Points: t.Points, MaxPoints: t.MaxPoints, Location: t.Location,
			ElapsedMS: t.Elapsed.Milliseconds(),
		}
		if t.Status != TestPass {
			rt.Message = ptr(cut(t.Message, maxMessage, ""))
		}
		if t.Output != "" {
			rt.Output = ptr(cut(t.Output, maxOutput, truncated))
		}
		r.Tests = append(r.Tests, rt)
	}
	return r
}

// Summary is the JSON of a command that covers several exercises (status,
// list): a results.json v3 document whose tests are all the exercises'
// tests (named "slug: Test"), with each exercise's own document in
// Exercises.
type Summary struct {
	Version int           `json:"version"`
	Status  string        `json:"status"`
	Message *string       `json:"message"`
	Tests   []ResultsTest `json:"tests"`

	Score     int       `json:"score"`
	MaxScore  int       `json:"max_score"`
	Done      int       `json:"done"`
	Count     int       `json:"exercise_count"`
	Next      string    `json:"next,omitempty"`
	Exercises []Results `json:"exercises"`
	// Absent lists the slugs of the workshop's exercises that the checkout
	// does not have yet; they are in neither Tests nor Exercises.
	Absent []string `json:"absent,omitempty"`
}

// ToSummary builds the multi-exercise document.
func ToSummary(all []*Exercise) Summary {
	exs := Present(all)
	s := Summary{Version: 3, Tests: []ResultsTest{}, Exercises: []Results{}, Count: len(exs), Done: DoneCount(exs)}
	s.Score, s.MaxScore = Totals(exs)
	errs := 0
	for _, e := range exs {
		r := ToResults(e)
		if r.Status == "error" {
			errs++
		}
		for _, t := range r.Tests {
			t.Name = e.Slug + ": " + t.Name
			s.Tests = append(s.Tests, t)
		}
		s.Exercises = append(s.Exercises, r)
	}
	switch {
	case len(exs) > 0 && s.Done == len(exs):
		s.Status = "pass"
	case len(exs) > 0 && errs == len(exs):
		s.Status = "error"
		s.Message = ptr("no exercise could run its tests; see each exercise's message")
	default:
		s.Status = "fail"
	}
	if n := Next(exs); n != nil {
		s.Next = n.ID
	}
	for _, e := range all {
		if e.Status == Absent {
			s.Absent = append(s.Absent, e.Slug)
		}
	}
	return s
}

// GradeReport is the JSON of grade (schema "grader-report/v1").
type GradeReport struct {
	Schema      string          `json:"schema"`
	Workshop    string          `json:"workshop"`
	GoVersion   string          `json:"go"`
	GeneratedAt string          `json:"generated_at"`
	Exercises   []GradeExercise `json:"exercises"`
	Learners    []GradeLearner  `json:"learners"`
}

// GradeExercise names one exercise of the workshop.
type GradeExercise struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// GradeLearner is one learner of a GradeReport.
type GradeLearner struct {
	ID        string    `json:"id"`
	Path      string    `json:"path"`
	Commit    string    `json:"commit,omitempty"`
	Error     string    `json:"error,omitempty"`
	Integrity string    `json:"integrity"` // ok | modified
	Modified  []string  `json:"modified,omitempty"`
	Score     int       `json:"score"`
	MaxScore  int       `json:"max_score"`
	Percent   float64   `json:"percent"`
	HintsUsed int       `json:"hints_used"`
	Exercises []Results `json:"exercises"`
}

// ToGradeReport builds the grade JSON document.
func ToGradeReport(g *Grade) GradeReport {
	r := GradeReport{
		Schema: "grader-report/v1", Workshop: g.Workshop, GoVersion: g.GoVersion,
		GeneratedAt: g.GeneratedAt.UTC().Format(time.RFC3339),
		Exercises:   []GradeExercise{}, Learners: []GradeLearner{},
	}
	for _, e := range g.Exercises {
		r.Exercises = append(r.Exercises, GradeExercise{ID: e.ID, Slug: e.Slug, Title: e.Title})
	}
	for _, l := range g.Learners {
		gl := GradeLearner{ID: l.ID, Path: l.Path, Commit: l.Commit, Error: l.Error,
			Integrity: "ok", Modified: l.Modified(), HintsUsed: l.HintsUsed(), Exercises: []Results{}}
		if len(gl.Modified) > 0 {
			gl.Integrity = "modified"
		}
		gl.Score, gl.MaxScore = l.Score()
		if gl.MaxScore > 0 {
			gl.Percent = float64(int(1000*float64(gl.Score)/float64(gl.MaxScore)+0.5)) / 10
		}
		for _, e := range l.Exercises {
			gl.Exercises = append(gl.Exercises, ToResults(e))
		}
		r.Learners = append(r.Learners, gl)
	}
	return r
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func ptr(s string) *string { return &s }

// cut shortens s to at most n bytes (on a rune boundary), ending with note.
func cut(s string, n int, note string) string {
	if len(s) <= n {
		return s
	}
	keep := n - len(note)
	if keep < 0 {
		keep = 0
	}
	for keep > 0 && keep < len(s) && s[keep]&0xC0 == 0x80 {
		keep--
	}
	return s[:keep] + note
}
