package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/grader/internal/report"
)

// fixture copies the fake workshop in testdata/workshop to a temporary
// folder and, when git is available, makes it a clone with one commit (for
// reset, which restores files from git objects).
func fixture(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "workshop")
	copyDir(t, filepath.Join("testdata", "workshop"), dst, nil)
	if _, err := exec.LookPath("git"); err == nil {
		git(t, dst, "init", "-q")
		git(t, dst, "add", "-A")
		git(t, dst, "commit", "-qm", "workshop")
	}
	return dst
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// copyDir copies src to dst, skipping top-level names in skip.
func copyDir(t *testing.T, src, dst string, skip map[string]bool) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if top, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); skip[top] {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	require.NoError(t, err)
}

func cp(t *testing.T, root, from, to string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(from)))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(to)), b, 0o644))
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte(content), 0o644))
}

func appendTo(t *testing.T, root, rel, content string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	require.NoError(t, err)
	write(t, root, rel, string(b)+content)
}

// grader runs the command in-process.
func grader(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, stdio{in: strings.NewReader(input), out: &out, err: &errOut})
	return code, out.String(), errOut.String()
}

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
}

func TestUsage(t *testing.T) {
	code, _, stderr := grader(t, "", "frobnicate")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, `unknown command "frobnicate"`)

	code, out, _ := grader(t, "", "help")
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "verify")

	code, _, stderr = grader(t, "", "status", "-C", t.TempDir())
	require.Equal(t, exitEnv, code)
	require.Contains(t, stderr, "not a workshop checkout")

	root := fixture(t)
	code, _, stderr = grader(t, "", "check", "42", "-C", root)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "unknown exercise")
}

func TestStatusOnAFreshCheckout(t *testing.T) {
	root := fixture(t)
	// Every stub is pristine: status takes their results from the manifest
	// and runs nothing, so this is fast even on a cold cache.
	code, out, _ := grader(t, "", "-C", root)
	require.Equal(t, exitOK, code, "nothing done yet is no error")
	for _, want := range []string{
		"01  Adding numbers       not started    0/4     0/6",
		"04  A first query        not started    0/1     0/5",
		"0/4 exercises · 0/17 points",
		"Next: 01-sum (Adding numbers): start it.",
		"go run ./grader check 01",
	} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, "\x1b[", "no colours when the output is not a terminal")
}

func TestCheck(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	tests := []struct {
		name  string
		setup func()
		args  []string
		code  int
		want  []string
	}{
		{
			name: "failing stub: each test with the suite's message",
			args: []string{"check", "01"}, code: exitFailing,
			want: []string{"Task 1.1  add the numbers  0/2", "FAIL    TestSum/one_number",
				"sum_test.go:18: Sum([4]) = 0, TODO 1.1: add up the numbers; want 4, nil",
				"PASS    TestMean/empty", "Next: make TestSum/one_number pass (task 1.1)."},
		},
		{
			name: "a panic is reported with the test's name and the learner's line",
			args: []string{"check", "2"}, code: exitFailing,
			want: []string{"PANIC   TestCount/one_word", "panic: TODO 2.1: count the words",
				"at exercises/02-words/words.go:9", "NOT RUN TestLongest",
				"did not run: the test binary stopped at the panic in TestCount/one_word"},
		},
		{
			name: "a hanging test is stopped at the timeout",
			args: []string{"check", "03", "-timeout", "1s"}, code: exitFailing,
			want: []string{"TIMEOUT TestFirst", "timed out: still running after 1s", "It was at exercises/03-wait/wait.go:8.",
				"The suite was stopped after 1s: TestFirst did not finish."},
		},
		{
			name: "a compile error is shown with file:line",
			setup: func() {
				write(t, root, "exercises/01-sum/sum.go", "package sum\n\nfunc Sum(nums []int) (int, error) { return total, nil }\n")
			},
			args: []string{"check", "01"}, code: exitFailing,
			want: []string{"The code does not compile, so no test ran:",
				"exercises/01-sum/sum.go:3:44: undefined: total", "Fix the first error above"},
		},
		{
			name:  "solved",
			setup: func() { cp(t, root, "solutions/sum/sum.go", "exercises/01-sum/sum.go") },
			args:  []string{"check", "01"}, code: exitOK,
			want: []string{"4/4 tests pass · 6/6 points", "01-sum is done! Next: 02-words — go run ./grader check 02"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			code, out, stderr := grader(t, "", append(tt.args, "-C", root)...)
			require.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			for _, w := range tt.want {
				require.Contains(t, out, w)
			}
		})
	}
}

func TestCheckJSONIsExercismResults(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	code, out, _ := grader(t, "", "check", "02", "-json", "-C", root)
	require.Equal(t, exitFailing, code)
	var r struct {
		Version int     `json:"version"`
		Status  string  `json:"status"`
		Message *string `json:"message"`
		Tests   []struct {
			Name    string  `json:"name"`
			Status  string  `json:"status"`
			Message *string `json:"message"`
			TaskID  int     `json:"task_id"`
			Outcome string  `json:"outcome"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	require.Equal(t, 3, r.Version)
	require.Equal(t, "fail", r.Status)
	require.Nil(t, r.Message)
	require.Len(t, r.Tests, 3)
	require.Equal(t, "TestCount/one_word", r.Tests[0].Name)
	require.Equal(t, "error", r.Tests[0].Status)
	require.Equal(t, "panic", r.Tests[0].Outcome)
	require.Equal(t, 1, r.Tests[0].TaskID)
	require.Equal(t, 2, r.Tests[2].TaskID, "task 2.2 is the exercise's second task")
	require.Contains(t, *r.Tests[0].Message, "TODO 2.1")
}

// TestSolveTwo is the end-to-end test on the fixture: solve two exercises
// with their solution files, and status and grade must report exactly those.
func TestSolveTwo(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	learner := filepath.Join(t.TempDir(), "learners", "ada")
	copyDir(t, root, learner, map[string]bool{".git": true})
	cp(t, learner, "solutions/sum/sum.go", "exercises/01-sum/sum.go")
	cp(t, learner, "solutions/query/answer.sql", "exercises/04-query/answer.sql")

	code, out, stderr := grader(t, "", "status", "-json", "-C", learner, "-timeout", "2s")
	require.Equal(t, exitOK, code, stderr)
	var s report.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, map[string]report.Status{
		"01-sum": report.Done, "02-words": report.NotStarted, "03-wait": report.NotStarted, "04-query": report.Done,
	}, outcomes(s.Exercises))
	require.Equal(t, 2, s.Done)
	require.Equal(t, "02", s.Next)

	// The instructor grades the learner (and a learner who did nothing)
	// from the pristine workshop.
	idle := filepath.Join(t.TempDir(), "learners", "bo")
	copyDir(t, root, idle, map[string]bool{".git": true})
	code, out, stderr = grader(t, "", "grade", learner, idle, "-json", "-C", root, "-timeout", "2s")
	require.Equal(t, exitOK, code, stderr)
	var g report.GradeReport
	require.NoError(t, json.Unmarshal([]byte(out), &g))
	require.Len(t, g.Learners, 2)
	ada, bo := g.Learners[0], g.Learners[1]
	require.Equal(t, "ada", ada.ID)
	require.Equal(t, map[string]report.Status{
		"01-sum": report.Done, "02-words": report.NotStarted, "03-wait": report.NotStarted, "04-query": report.Done,
	}, outcomes(ada.Exercises))
	require.Equal(t, 6+5, ada.Score, "01: 6 points, 04: 5 points; untouched stubs earn nothing")
	require.Equal(t, 17, ada.MaxScore)
	require.Equal(t, 0, outcomeCount(bo.Exercises, report.Done))
	require.Equal(t, 0, bo.Score, "untouched stubs earn nothing, even where a test passes on them")
}

func outcomes(rs []report.Results) map[string]report.Status {
	out := map[string]report.Status{}
	for _, r := range rs {
		out[r.Exercise] = r.Outcome
	}
	return out
}

func outcomeCount(rs []report.Results, st report.Status) int {
	n := 0
	for _, r := range rs {
		if r.Outcome == st {
			n++
		}
	}
	return n
}

func TestEditedTestsDoNotCount(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	learner := filepath.Join(t.TempDir(), "cheat")
	copyDir(t, root, learner, map[string]bool{".git": true})
	// The learner "solves" 01 by deleting the failing assertions.
	write(t, learner, "exercises/01-sum/sum_test.go", "package sum\n\nimport \"testing\"\n\nfunc TestSum(t *testing.T) {}\n")

	code, out, _ := grader(t, "", "status", "-C", learner)
	require.Equal(t, exitIntegrity, code)
	require.Contains(t, out, "tests edited")
	require.Contains(t, out, "⚠ 01-sum: its test files were changed (exercises/01-sum/sum_test.go)")
	require.Contains(t, out, "0/4 exercises")

	code, out, _ = grader(t, "", "check", "01", "-C", learner)
	require.Equal(t, exitIntegrity, code)
	require.Contains(t, out, "go run ./grader reset 01 --tests")

	// Grading ignores the edit: the pristine suite runs on the learner's stub.
	code, out, _ = grader(t, "", "grade", learner, "-format", "csv", "-C", root)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "modified:exercises/01-sum/sum_test.go")
	require.Contains(t, out, ",modified,0,")
}

func TestGradeAFolderOfCheckoutsWithABuildError(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	class := t.TempDir()
	for _, name := range []string{"ann", "ben"} {
		copyDir(t, root, filepath.Join(class, name), map[string]bool{".git": true})
	}
	ben := filepath.Join(class, "ben")
	// Ben's 02 does not compile, he solved 03, and he broke a file outside
	// the exercises, which grading ignores.
	write(t, ben, "exercises/02-words/words.go", "package words\n\nfunc Count(s string) map[string]int { return nil + 1 }\n")
	cp(t, ben, "solutions/wait/wait.go", "exercises/03-wait/wait.go")
	write(t, ben, "text/text.go", "package text\n\nfunc Fields(s string) []string { broken }\n")

	out := filepath.Join(t.TempDir(), "grades.md")
	code, _, stderr := grader(t, "", "grade", class, "-format", "markdown", "-o", out, "-C", root, "-timeout", "2s", "-j", "2")
	require.Equal(t, exitOK, code, stderr)
	md, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Contains(t, string(md), "| ann | · 0/6 | · 0/3 | · 0/3 | · 0/5 | **0/17** | 0 |")
	require.Contains(t, string(md), "| ben | · 0/6 | 🛠 0/3 | ✅ 3/3 | · 0/5 | **3/17** | 18 |")
	require.Contains(t, string(md), "02-words: does not compile: `exercises/02-words/words.go:3:")

	code, _, _ = grader(t, "", "grade", class, "-C", root, "-fail-under", "50")
	require.Equal(t, exitFailing, code, "-fail-under turns low scores into a failing exit")

	code, _, stderr = grader(t, "", "grade", class, "-format", "yaml", "-C", root)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "unknown -format")
}

func TestHint(t *testing.T) {
	root := fixture(t)
	code, out, _ := grader(t, "", "hint", "01", "-C", root)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "Hint 1 of 3 for 01-sum — where to start")
	require.Contains(t, out, "Look at the loop you need.")
	require.Contains(t, out, "shows hint 2")

	_, out, _ = grader(t, "", "hint", "01", "-C", root)
	require.Contains(t, out, "Hint 2 of 3 for 01-sum — the shape")

	_, out, _ = grader(t, "", "hint", "1", "3", "-C", root)
	require.Contains(t, out, "Hint 3 of 3")
	require.Contains(t, out, "That was the last one")

	b, err := os.ReadFile(filepath.Join(root, ".grader", "state.json"))
	require.NoError(t, err)
	require.JSONEq(t, `{"hints":{"01":[1,2,3]}}`, string(b))

	_, out, _ = grader(t, "", "hint", "-C", root)
	require.Contains(t, out, "Hint 3 of 3 for 01-sum", "no number: the first unfinished exercise")

	code, _, stderr := grader(t, "", "hint", "01", "4", "-C", root)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "has hints 1 to 3, not 4")
}

func TestReset(t *testing.T) {
	requireGit(t)
	root := fixture(t)
	stub := filepath.Join(root, "exercises", "01-sum", "sum.go")
	orig, err := os.ReadFile(stub)
	require.NoError(t, err)
	write(t, root, "exercises/01-sum/sum.go", "package sum // my work\n")

	code, out, _ := grader(t, "n\n", "reset", "01", "-C", root)
	require.Equal(t, exitFailing, code)
	require.Contains(t, out, "restore exercises/01-sum/sum.go")
	require.Contains(t, out, "Nothing changed.")

	code, _, _ = grader(t, "y\n", "reset", "01", "-C", root)
	require.Equal(t, exitOK, code)
	got, _ := os.ReadFile(stub)
	require.Equal(t, string(orig), string(got))
	backups, _ := filepath.Glob(filepath.Join(root, ".grader", "backup", "*", "exercises", "01-sum", "sum.go"))
	require.Len(t, backups, 1)
	kept, _ := os.ReadFile(backups[0])
	require.Equal(t, "package sum // my work\n", string(kept))

	// Committed work is no obstacle: the manifest's blob id finds the stub.
	write(t, root, "exercises/01-sum/sum.go", "package sum // committed work\n")
	git(t, root, "commit", "-qam", "my work")
	code, _, _ = grader(t, "", "reset", "01", "-yes", "-C", root)
	require.Equal(t, exitOK, code)
	got, _ = os.ReadFile(stub)
	require.Equal(t, string(orig), string(got))

	code, out, _ = grader(t, "", "reset", "01", "-yes", "-C", root)
	require.Equal(t, exitOK, code)
	require.Contains(t, out, "already the originals")

	// -tests puts an edited suite back and removes added test files.
	appendTo(t, root, "exercises/01-sum/sum_test.go", "\n// edited\n")
	write(t, root, "exercises/01-sum/extra_test.go", "package sum\n")
	code, out, _ = grader(t, "", "reset", "01", "-tests", "-yes", "-C", root)
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "removed exercises/01-sum/extra_test.go")
	code, _, _ = grader(t, "", "status", "-C", root)
	require.Equal(t, exitOK, code, "the suite is pristine again (0, not 4)")

	// -json says what it did, for editors and scripts; it cannot ask.
	write(t, root, "exercises/01-sum/sum.go", "package sum // again\n")
	code, _, stderr := grader(t, "", "reset", "01", "-json", "-C", root)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "add -yes")
	code, out, _ = grader(t, "", "reset", "01", "-json", "-yes", "-C", root)
	require.Equal(t, exitOK, code, out)
	var did struct {
		Restored, Removed []string
		Backup            *string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &did), out)
	require.Equal(t, []string{"exercises/01-sum/sum.go"}, did.Restored)
	require.Empty(t, did.Removed)
	require.NotNil(t, did.Backup)
	kept, err = os.ReadFile(filepath.Join(root, filepath.FromSlash(*did.Backup), "exercises", "01-sum", "sum.go"))
	require.NoError(t, err)
	require.Equal(t, "package sum // again\n", string(kept))
	_, out, _ = grader(t, "", "reset", "01", "-json", "-yes", "-C", root)
	require.JSONEq(t, `{"restored": [], "removed": [], "backup": null}`, out)
}

// roster is a grader/workshop.json for the fixture that names an exercise
// the fixture does not have, as a clone older than exercise 05 would.
const roster = `{"exercises": [
	{"id": "01", "slug": "01-sum", "title": "Adding numbers"},
	{"id": "02", "slug": "02-words", "title": "Counting words"},
	{"id": "03", "slug": "03-wait", "title": "Waiting"},
	{"id": "04", "slug": "04-query", "title": "A first query"},
	{"id": "05", "slug": "05-stream", "title": "A stream"}
]}`

func TestAnExerciseNotInTheCheckout(t *testing.T) {
	root := fixture(t)
	write(t, root, "grader/workshop.json", roster)

	code, out, _ := grader(t, "", "status", "-C", root)
	require.Equal(t, exitOK, code, out)
	for _, want := range []string{
		"04  A first query        not started             0/1     0/5",
		"05  A stream             not in this checkout      -       -",
		"05-stream is not in this checkout yet: pull the workshop's latest version (git pull) to get it.",
		"0/4 exercises · 0/17 points",
		"Next: 01-sum (Adding numbers): start it.",
	} {
		require.Contains(t, out, want)
	}

	code, out, _ = grader(t, "", "status", "-json", "-C", root)
	require.Equal(t, exitOK, code)
	var s report.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, 4, s.Count)
	require.Len(t, s.Exercises, 4)
	require.Equal(t, []string{"05-stream"}, s.Absent)

	_, out, _ = grader(t, "", "list", "-C", root)
	require.Contains(t, out, "05  A stream             not in this checkout")

	code, _, stderr := grader(t, "", "check", "05", "-C", root)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "05-stream (A stream) is not in this checkout yet")
}

func TestVerify(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	write(t, root, "grader/workshop.json", roster)
	// 1s: the hanging stub of 03 costs its time limit on every full verify.
	code, out, _ := grader(t, "", "verify", "-C", root, "-timeout", "1s")
	require.Equal(t, exitOK, code, out)
	require.Contains(t, out, "verify: all 4 exercise(s) good")
	require.Contains(t, out, "warn roster: grader/workshop.json lists 05-stream, which has no folder here")
	require.Contains(t, out, "3 of 4 tests fail on the stub; 1 pass already (TestMean/empty)")
	require.Contains(t, out, "warn stub is fast")

	tests := []struct {
		name  string
		setup func(root string)
		want  string
	}{
		{"a stub that already passes", func(r string) { cp(t, r, "solutions/sum/sum.go", "exercises/01-sum/sum.go") },
			"the suite PASSES on the untouched stub"},
		{"a broken solution", func(r string) {
			write(t, r, "solutions/sum/sum.go", "package sum\n\nfunc Sum([]int) (int, error) { return 0, nil }\nfunc Mean([]int) (float64, error) { return 0, nil }\n")
		},
			"the suite fails on the solution: TestSum/one_number, TestSum/three_numbers, TestMean/two_numbers, TestMean/empty"},
		{"a solution in another package", func(r string) {
			write(t, r, "solutions/sum/sum.go", strings.Replace(string(must(os.ReadFile(filepath.Join(r, "solutions/sum/sum.go")))), "package sum", "package total", 1))
		}, `is package "sum" but its solution solutions/sum/sum.go is package "total"`},
		{"an edited suite", func(r string) { appendTo(t, r, "exercises/01-sum/sum_test.go", "\n// changed\n") },
			"grader/manifest.json is out of date for 01-sum (suite files changed)"},
		{"a missing hint", func(r string) { write(t, r, "exercises/01-sum/HINTS.md", "## Hint 1\nx\n## Hint 3\ny\n") },
			"levels 1, 3 (want 1, 2, 3, each with text)"},
		{"a test tagged with an undeclared task", func(r string) {
			appendTo(t, r, "exercises/01-sum/sum_test.go", "\nfunc TestMore(t *testing.T) { t.Attr(\"task\", \"1.9\") }\n")
		}, "tests are tagged with tasks that exercise.json does not declare: 1.9"},
		{"a hint that names a file that does not exist", func(r string) {
			write(t, r, "exercises/01-sum/HINTS.md", "## Hint 1\nOpen `sum.go`, then `text/text.go`.\n## Hint 2\nSee `text/gone.go`.\n## Hint 3\nx\n")
		}, "README.md or HINTS.md names files that do not exist: HINTS.md: text/gone.go\n"},
		{"an exercise missing from the roster", func(r string) {
			write(t, r, "grader/workshop.json", `{"exercises": [{"id": "01", "slug": "01-sum", "title": "Adding numbers"}]}`)
		}, "grader/workshop.json does not list 02-words, 03-wait, 04-query"},
		{"a points override for a test that does not exist", func(r string) {
			write(t, r, "grader/points.json", `{"exercises": {"01": {"tests": {"TestSume": 3}}}}`)
		}, `01-sum: no test "TestSume"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := filepath.Join(t.TempDir(), "ws")
			copyDir(t, root, r, map[string]bool{".git": true})
			tt.setup(r)
			code, out, _ := grader(t, "", "verify", "01", "-C", r, "-timeout", "2s")
			require.Equal(t, exitFailing, code, out)
			require.Contains(t, out, tt.want)
		})
	}
}

func TestVerifyUpdateWritesTheManifest(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	file := filepath.Join(root, "grader", "manifest.json")
	want, err := os.ReadFile(file)
	require.NoError(t, err)
	require.NoError(t, os.Remove(file))

	code, out, _ := grader(t, "", "verify", "01", "-C", root)
	require.Equal(t, exitFailing, code, "no manifest: verify fails")
	require.Contains(t, out, "grader/manifest.json has no entry for 01-sum")
	code, out, _ = grader(t, "", "verify", "-update", "-C", root, "-timeout", "1s")
	require.Equal(t, exitOK, code, out)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "the committed fixture manifest is what -update writes")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// syncBuffer is a bytes.Buffer safe for one writer and one poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls out until it contains want after the given offset, and
// returns the offset just past it.
func waitFor(t *testing.T, out *syncBuffer, from int, want string) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		s := out.String()
		if i := strings.Index(s[from:], want); i >= 0 {
			return from + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("output never contained %q after offset %d; output:\n%s", want, from, out.String()[from:])
	return 0
}

func TestWatch(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	out := &syncBuffer{}
	a := &app{io: stdio{in: strings.NewReader(""), out: out, err: out}, opts: options{dir: root, jobs: 2}, cmdName: "go run ./grader"}
	require.Equal(t, exitOK, a.open())
	changes := make(chan string)
	lines := make(chan string)
	var watched [][]string
	w := &watchLoop{a: a, lines: lines, watch: func(_ context.Context, dirs []string) (<-chan string, error) {
		watched = append(watched, dirs)
		return changes, nil
	}}
	ex, err := a.ws.Find("01")
	require.NoError(t, err)
	done := make(chan int)
	go func() { done <- w.run(context.Background(), ex) }()

	at := waitFor(t, out, 0, "TODO 1.1: add up the numbers")
	at = waitFor(t, out, at, "Watching exercises/01-sum/")
	cp(t, root, "solutions/sum/sum.go", "exercises/01-sum/sum.go")
	changes <- filepath.Join(root, "exercises", "01-sum", "sum.go")
	at = waitFor(t, out, at, "01-sum is done!")
	at = waitFor(t, out, at, "Press Enter to move on to 02-words")
	lines <- "" // move on
	at = waitFor(t, out, at, "panic: TODO 2.1: count the words")
	lines <- "h"
	at = waitFor(t, out, at, "Hint 1 of 3 for 02-words")
	lines <- "q"
	require.Equal(t, exitFailing, <-done)
	_ = at

	require.Equal(t, [][]string{{filepath.Join(root, "exercises", "01-sum")}, {filepath.Join(root, "exercises", "02-words")}}, watched)
	st, err := a.loadState()
	require.NoError(t, err)
	require.Equal(t, "02", st.Current)
	require.Equal(t, []int{1}, st.Hints["02"])
}

func TestWatchJSON(t *testing.T) {
	skipShort(t)
	root := fixture(t)
	out := &syncBuffer{}
	a := &app{io: stdio{in: strings.NewReader(""), out: out, err: io.Discard}, opts: options{dir: root, jobs: 2, json: true}, cmdName: "go run ./grader"}
	require.Equal(t, exitOK, a.open())
	changes := make(chan string)
	lines := make(chan string)
	w := &watchLoop{a: a, lines: lines, watch: func(context.Context, []string) (<-chan string, error) { return changes, nil }}
	ex, err := a.ws.Find("01")
	require.NoError(t, err)
	done := make(chan int)
	go func() { done <- w.run(context.Background(), ex) }()

	at := waitFor(t, out, 0, `"exercise": "01-sum"`)
	cp(t, root, "solutions/sum/sum.go", "exercises/01-sum/sum.go")
	changes <- filepath.Join(root, "exercises", "01-sum", "sum.go")
	waitFor(t, out, at, `"exercise": "01-sum"`)
	lines <- "q"
	require.Equal(t, exitOK, <-done)

	// The output is nothing but results.json documents, one per run.
	dec := json.NewDecoder(strings.NewReader(out.String()))
	var statuses []string
	for dec.More() {
		var r report.Results
		require.NoError(t, dec.Decode(&r), out.String())
		require.Equal(t, 3, r.Version)
		statuses = append(statuses, r.Status)
	}
	require.Equal(t, []string{"fail", "pass"}, statuses)
}

func TestWatchDirsReportsChanges(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, poll := range []bool{false, true} {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		var warn bytes.Buffer
		ch, err := watchDirs(ctx, []string{dir}, poll, &warn)
		require.NoError(t, err)
		// Editors' scratch files are ignored; the real file is reported once
		// per burst of writes.
		require.NoError(t, os.WriteFile(filepath.Join(dir, ".sum.go.swp"), []byte("x"), 0o644))
		for i := 0; i < 3; i++ {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "sum.go"), []byte(strings.Repeat("x", i+1)), 0o644))
		}
		select {
		case name := <-ch:
			require.Equal(t, filepath.Join(dir, "sum.go"), name, "poll=%v", poll)
		case <-time.After(10 * time.Second):
			t.Fatalf("no change reported (poll=%v)", poll)
		}
		cancel()
		for range ch { // the channel closes once the watcher has stopped
		}
	}
}
