package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/gotest"
	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// suiteBudget is how long a suite may take on the reference solution
// before verify warns (DESIGN: a suite is fast, under 5 s).
const suiteBudget = 5 * time.Second

func verifyCmd() *command {
	var update bool
	return &command{
		name: "verify", args: "[NN...] [-update]", summary: "check every exercise: stub fails, solution passes, suite unchanged",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&update, "update", false, "rewrite "+workshop.ManifestPath+" from this checkout (after the other checks pass)")
		},
		run: func(ctx context.Context, a *app, args []string) int {
			exs := a.ws.Exercises
			if len(args) > 0 {
				exs = nil
				for _, arg := range args {
					ex, err := a.ws.Find(arg)
					if err != nil {
						a.errorf("%v", err)
						return exitUsage
					}
					exs = append(exs, ex)
				}
			}
			return a.verify(ctx, exs, len(args) == 0, update)
		},
	}
}

// check is one verify finding.
type check struct {
	Name   string `json:"name"`
	Status string `json:"status"` // pass | fail | warn
	Detail string `json:"detail,omitempty"`
}

type verification struct {
	ex     *workshop.Exercise
	checks []check
	entry  *workshop.ExerciseManifest // what the manifest should say
}

func (v *verification) add(name string, ok bool, detail string, args ...any) {
	st := "pass"
	if !ok {
		st = "fail"
	}
	v.checks = append(v.checks, check{Name: name, Status: st, Detail: fmt.Sprintf(detail, args...)})
}

func (v *verification) warn(name, detail string, args ...any) {
	v.checks = append(v.checks, check{Name: name, Status: "warn", Detail: fmt.Sprintf(detail, args...)})
}

func (v *verification) failed(ignoreManifest bool) bool {
	for _, c := range v.checks {
		if c.Status == "fail" && !(ignoreManifest && c.Name == "manifest") {
			return true
		}
	}
	return false
}

func (a *app) verify(ctx context.Context, exs []*workshop.Exercise, whole, update bool) int {
	if len(a.ws.Exercises) == 0 {
		fmt.Fprintln(a.io.out, "verify: no exercises yet (exercises/NN-slug/exercise.json), nothing to check.")
		return exitOK
	}
	vs := make([]*verification, len(exs))
	sem := make(chan struct{}, a.jobs())
	var wg sync.WaitGroup
	var envErr error
	var mu sync.Mutex
	for i, ex := range exs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			v, err := a.verifyExercise(ctx, ex)
			if err != nil {
				mu.Lock()
				envErr = err
				mu.Unlock()
				return
			}
			vs[i] = v
		}()
	}
	wg.Wait()
	if envErr != nil {
		return a.envError(envErr)
	}

	global := &verification{}
	a.checkPointsConfig(global, vs)
	a.checkRoster(global)
	if whole {
		a.checkManifestExtras(global)
	}

	if update {
		if code := a.updateManifest(vs, whole); code != exitOK {
			return code
		}
		for _, v := range vs {
			if !v.failed(true) {
				for i := range v.checks {
					if v.checks[i].Name == "manifest" && v.checks[i].Status != "pass" {
						v.checks[i] = check{Name: "manifest", Status: "pass", Detail: "updated"}
					}
				}
			}
		}
		global.checks = filterOut(global.checks, "manifest")
	}

	bad := 0
	for _, v := range vs {
		if v.failed(false) {
			bad++
		}
	}
	if global.failed(false) {
		bad++
	}
	if a.opts.json {
		if err := report.WriteJSON(a.io.out, verifyJSON(vs, global, bad)); err != nil {
			return a.envError(err)
		}
	} else {
		a.writeVerify(vs, global, bad)
	}
	if bad > 0 {
		return exitFailing
	}
	return exitOK
}

func filterOut(cs []check, name string) []check {
	var out []check
	for _, c := range cs {
		if c.Name != name {
			out = append(out, c)
		}
	}
	return out
}

func (a *app) verifyExercise(ctx context.Context, ex *workshop.Exercise) (*verification, error) {
	v := &verification{ex: ex}
	timeout := a.timeout(learnerTimeout)

	// Files: every stub and solution exists; Go solutions keep the stub's
	// package clause, so an overlay can swap them.
	replace := map[string]string{}
	filesOK := len(ex.Files) > 0
	var problems []string
	if len(ex.Files) == 0 {
		problems = append(problems, "exercise.json lists no files")
	}
	for _, f := range ex.Files {
		if _, err := os.Stat(a.ws.Abs(f.Stub)); err != nil {
			problems = append(problems, "stub "+f.Stub+" is missing")
			filesOK = false
			continue
		}
		if f.Solution == "" {
			problems = append(problems, "stub "+f.Stub+" has no solution")
			filesOK = false
			continue
		}
		if _, err := os.Stat(a.ws.Abs(f.Solution)); err != nil {
			problems = append(problems, "solution "+f.Solution+" is missing")
			filesOK = false
			continue
		}
		if strings.HasSuffix(f.Stub, ".go") {
			ps, pe := packageName(a.ws.Abs(f.Stub)), packageName(a.ws.Abs(f.Solution))
			if ps != pe {
				problems = append(problems, fmt.Sprintf("%s is package %q but its solution %s is package %q", f.Stub, ps, f.Solution, pe))
				filesOK = false
			}
		}
		if b, err := os.ReadFile(a.ws.Abs(f.Stub)); err == nil && !bytes.Contains(b, []byte("TODO")) {
			v.warn("todo", "%s has no TODO marker: learners look for \"TODO %s.1\"-style markers", f.Stub, strings.TrimLeft(ex.ID, "0"))
		}
		replace[f.Stub] = a.ws.Abs(f.Solution)
	}
	if filesOK {
		v.add("files", true, "%d stub file(s), each with a solution", len(ex.Files))
	} else {
		v.add("files", false, "%s", strings.Join(problems, "; "))
	}

	// Hints: levels 1, 2 and 3, each with a body.
	if hints, err := a.ws.Hints(ex); err != nil {
		v.add("hints", false, "%v", err)
	} else {
		var levels []string
		ok := len(hints) == 3
		for i, h := range hints {
			levels = append(levels, fmt.Sprint(h.Level))
			if h.Level != i+1 || h.Body == "" {
				ok = false
			}
		}
		v.add("hints", ok, "levels %s (want 1, 2, 3, each with text)", strings.Join(levels, ", "))
	}

	// The files the README and the hints send the learner to exist: a hint
	// that names a file renamed since gives nothing.
	if missing := a.missingDocFiles(ex); len(missing) > 0 {
		v.add("doc links", false, "README.md or HINTS.md names files that do not exist: %s", strings.Join(missing, ", "))
	}

	// The stub: compiles, and the suite fails on it.
	stubRun, err := runner.Test(ctx, runner.Spec{Root: a.ws.Root, Package: ex.Package(), Timeout: timeout})
	if err != nil {
		return nil, err
	}
	sr := stubRun.Result
	switch {
	case sr.BuildFailed:
		v.add("stub fails", false, "the stub does not compile; stubs must compile so one TODO never hides the others:\n%s",
			strings.Join(sr.BuildErrors, "\n"))
	case sr.Passed:
		v.add("stub fails", false, "the suite PASSES on the untouched stub")
	default:
		v.add("stub fails", true, "%s", describeStub(sr.Leaves(), nil))
		if sr.TimedOut() {
			v.warn("stub is fast", "the suite hangs on the stub until the %s limit; a stub should fail fast (return an error naming the TODO)", timeout)
		}
	}
	stubCheck := len(v.checks) - 1
	if sr.TimedOut() {
		stubCheck--
	}

	if !filesOK {
		return v, nil
	}
	// The reference solution: every test passes.
	solRun, err := runner.Test(ctx, runner.Spec{Root: a.ws.Root, Package: ex.Package(), Timeout: timeout, Replace: replace})
	if err != nil {
		return nil, err
	}
	res := solRun.Result
	var failing, skipped []string
	for _, t := range res.Leaves() {
		switch t.Status {
		case gotest.StatusPass:
		case gotest.StatusSkip:
			skipped = append(skipped, t.Name)
		default:
			failing = append(failing, t.Name)
		}
	}
	leaves := res.Leaves()
	switch {
	case res.BuildFailed:
		v.add("solution passes", false, "the solution does not compile:\n%s", strings.Join(res.BuildErrors, "\n"))
	case !res.Passed || len(failing) > 0:
		detail := "the suite fails on the solution"
		if len(failing) > 0 {
			detail += ": " + strings.Join(failing, ", ")
		}
		if len(res.Tests) == 0 {
			detail += "\n" + strings.Join(append(res.Output, solRun.Stderr), "\n")
		}
		v.add("solution passes", false, "%s", detail)
	case len(leaves) == 0:
		v.add("solution passes", false, "the suite has no tests")
	default:
		took := fmt.Sprintf("in %.2fs", res.Elapsed.Seconds())
		if res.Cached {
			took = "(cached result)"
		}
		v.add("solution passes", true, "%d/%d tests %s", len(leaves), len(leaves), took)
	}
	if len(skipped) > 0 {
		v.add("no skips", false, "tests skip on the solution and so can never earn points: %s", strings.Join(skipped, ", "))
	}
	if res.Elapsed > suiteBudget {
		v.warn("fast suite", "the suite took %.1fs on the solution (budget %s)", res.Elapsed.Seconds(), suiteBudget)
	}

	// Tasks: every test has a declared task, every task has a test.
	tested := map[string]int{}
	var untagged []string
	for _, t := range leaves {
		tk := inheritedTask(res, t.Name)
		if tk == "" {
			untagged = append(untagged, t.Name)
			continue
		}
		tested[tk]++
	}
	var undeclared, untested []string
	for tk := range tested {
		if _, ok := ex.TaskTitles[tk]; !ok {
			undeclared = append(undeclared, tk)
		}
	}
	for _, tk := range ex.Tasks() {
		if tested[tk.ID] == 0 {
			untested = append(untested, tk.ID)
		}
	}
	sort.Strings(undeclared)
	if len(untested) > 0 {
		// Not fatal: a task can be checked through the tests of a later one
		// (subscribing is checked by every test that reads the output), but
		// the learner then gets no per-task feedback on it.
		v.warn("tasks", "no test is tagged with task %s (t.Attr(\"task\", …)), so the report cannot show progress on it",
			strings.Join(untested, ", "))
	}
	switch {
	case len(undeclared) > 0:
		v.add("tasks", false, "tests are tagged with tasks that exercise.json does not declare: %s", strings.Join(undeclared, ", "))
	case len(leaves) > 0:
		var ids []string
		for _, tk := range ex.Tasks() {
			if tested[tk.ID] > 0 {
				ids = append(ids, fmt.Sprintf("%s (%d)", tk.ID, tested[tk.ID]))
			}
		}
		v.add("tasks", true, "tests per task: %s", strings.Join(ids, ", "))
	}
	if len(untagged) > 0 {
		v.warn("tasks", "tests without a task: %s", strings.Join(untagged, ", "))
	}

	// The manifest entry this checkout implies.
	entry, err := a.manifestEntry(ex, solRun, stubRun)
	if err != nil {
		return nil, err
	}
	v.entry = entry
	if c := &v.checks[stubCheck]; c.Name == "stub fails" && c.Status == "pass" {
		c.Detail = describeStub(nil, entry.Tests)
	}
	cur := a.ws.Manifest.Entry(ex)
	switch {
	case cur == nil:
		v.add("manifest", false, "%s has no entry for %s: run `%s verify -update`", workshop.ManifestPath, ex.Slug, a.cmdName)
	case !sameJSON(cur, entry):
		v.add("manifest", false, "%s is out of date for %s (%s): run `%s verify -update` and commit it",
			workshop.ManifestPath, ex.Slug, manifestDiff(cur, entry), a.cmdName)
	default:
		v.add("manifest", true, "suite and stub match %s", workshop.ManifestPath)
	}
	return v, nil
}

// docFile matches a file name in backquotes, the way the exercises' docs
// name the files a learner should open ("`streamlib/join.go`").
var docFile = regexp.MustCompile("`([A-Za-z0-9_.\\-/]+\\.(?:go|sql|md|json))`")

// missingDocFiles returns the files named in ex's README.md and HINTS.md
// that exist neither in the exercise folder nor from the root.
func (a *app) missingDocFiles(ex *workshop.Exercise) []string {
	var missing []string
	seen := map[string]bool{}
	for _, doc := range []string{"README.md", "HINTS.md"} {
		b, err := os.ReadFile(a.ws.Abs(ex.Dir() + "/" + doc))
		if err != nil {
			continue // a missing HINTS.md is the hints check's to report
		}
		for _, m := range docFile.FindAllStringSubmatch(string(b), -1) {
			f := m[1]
			if seen[f] {
				continue
			}
			seen[f] = true
			_, errHere := os.Stat(a.ws.Abs(ex.Dir() + "/" + f))
			_, errRoot := os.Stat(a.ws.Abs(f))
			if errHere != nil && errRoot != nil {
				missing = append(missing, doc+": "+f)
			}
		}
	}
	return missing
}

// describeStub summarizes how the suite fares on the stub, from the run's
// leaves or, better, from the manifest entry (which counts the tests a
// panic or timeout kept from running).
func describeStub(leaves []*gotest.Test, expected []workshop.ExpectedTest) string {
	total := 0
	var passes []string
	for _, t := range leaves {
		total++
		if t.Status == gotest.StatusPass {
			passes = append(passes, t.Name)
		}
	}
	for _, t := range expected {
		if !t.Leaf {
			continue
		}
		total++
		if t.Stub == string(report.TestPass) {
			passes = append(passes, t.Name)
		}
	}
	if len(passes) == 0 {
		return fmt.Sprintf("all %d tests fail on the stub", total)
	}
	shown := passes
	if len(shown) > 5 {
		shown = append(shown[:5:5], "…")
	}
	return fmt.Sprintf("%d of %d tests fail on the stub; %d pass already (%s)",
		total-len(passes), total, len(passes), strings.Join(shown, ", "))
}

func inheritedTask(res *gotest.Result, name string) string { return res.InheritedTask(name) }

// manifestEntry computes what the manifest should record for ex.
func (a *app) manifestEntry(ex *workshop.Exercise, sol, stub *runner.Run) (*workshop.ExerciseManifest, error) {
	suite, err := a.ws.SuiteFiles(ex)
	if err != nil {
		return nil, err
	}
	e := &workshop.ExerciseManifest{}
	if e.Suite, err = workshop.HashFiles(a.ws.Root, suite); err != nil {
		return nil, err
	}
	var stubs []string
	for _, f := range ex.Files {
		stubs = append(stubs, f.Stub)
	}
	if e.Stubs, err = workshop.HashFiles(a.ws.Root, stubs); err != nil {
		return nil, err
	}
	var leaves []workshop.ExpectedTest
	for _, t := range sol.Result.Tests {
		et := workshop.ExpectedTest{Name: t.Name, Task: inheritedTask(sol.Result, t.Name), Leaf: t.IsLeaf()}
		e.Tests = append(e.Tests, et)
		if et.Leaf {
			leaves = append(leaves, et)
		}
	}
	// How each test fares on the stub, scored the way status scores it.
	onStub := report.Score(report.Input{
		Exercise: ex, Run: stub, Expected: leaves, Points: a.ws.Points, Root: a.ws.Root,
	})
	stubStatus := map[string]string{}
	for _, t := range onStub.Tests {
		stubStatus[t.Name] = string(t.Status)
	}
	for i := range e.Tests {
		e.Tests[i].Stub = stubStatus[e.Tests[i].Name]
	}
	return e, nil
}

func sameJSON(x, y any) bool {
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return bytes.Equal(bx, by)
}

// manifestDiff names what differs between two manifest entries.
func manifestDiff(cur, want *workshop.ExerciseManifest) string {
	var parts []string
	if !sameJSON(cur.Suite, want.Suite) {
		parts = append(parts, "suite files changed")
	}
	if !sameJSON(cur.Stubs, want.Stubs) {
		parts = append(parts, "stubs changed")
	}
	if !sameJSON(cur.Tests, want.Tests) {
		parts = append(parts, "test list changed")
	}
	return strings.Join(parts, ", ")
}

func (a *app) checkPointsConfig(g *verification, vs []*verification) {
	known := map[string]*verification{}
	for _, v := range vs {
		known[v.ex.ID], known[v.ex.Slug] = v, v
	}
	var problems []string
	for key, ep := range a.ws.Points.Exercises {
		if _, err := a.ws.Find(key); err != nil {
			problems = append(problems, fmt.Sprintf("exercise %q does not exist", key))
			continue
		}
		v := known[key]
		if v == nil || v.entry == nil {
			continue // not verified in this run
		}
		for name := range ep.Tests {
			if !hasTest(v.entry, name) {
				problems = append(problems, fmt.Sprintf("%s: no test %q", v.ex.Slug, name))
			}
		}
		for tk := range ep.Tasks {
			if _, ok := v.ex.TaskTitles[tk]; !ok {
				problems = append(problems, fmt.Sprintf("%s: no task %q", v.ex.Slug, tk))
			}
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		g.add("points.json", false, "%s", strings.Join(problems, "; "))
	}
}

func hasTest(e *workshop.ExerciseManifest, name string) bool {
	for _, t := range e.Tests {
		if t.Name == name {
			return true
		}
	}
	return false
}

func (a *app) checkManifestExtras(g *verification) {
	var stale []string
	for slug := range a.ws.Manifest.Exercises {
		if _, err := a.ws.Find(slug); err != nil {
			stale = append(stale, slug)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		g.add("manifest", false, "%s lists exercises that no longer exist: %s (run `%s verify -update`)",
			workshop.ManifestPath, strings.Join(stale, ", "), a.cmdName)
	}
}

// checkRoster checks grader/workshop.json, when there is one, against the
// exercise folders: every folder must be on it (or status would not show
// the exercise in its place); an exercise on it without a folder is only a
// warning, since it may be on its way (another branch, a later release).
func (a *app) checkRoster(g *verification) {
	if a.ws.Roster == nil {
		return
	}
	var unlisted []string
	for _, ex := range a.ws.Unlisted() {
		unlisted = append(unlisted, ex.Slug)
	}
	if len(unlisted) > 0 {
		g.add("roster", false, "%s does not list %s: add {\"id\", \"slug\", \"title\"} for each",
			workshop.RosterPath, strings.Join(unlisted, ", "))
	}
	for _, e := range a.ws.Absent() {
		g.warn("roster", "%s lists %s, which has no folder here: status shows it as not in this checkout", workshop.RosterPath, e.Slug)
	}
}

// updateManifest writes the entries of the exercises that verified (apart
// from the manifest check itself), keeping the others as they were.
func (a *app) updateManifest(vs []*verification, whole bool) int {
	m := a.ws.Manifest
	m.Comment = fmt.Sprintf("Generated by `%s verify -update`: git blob ids of each exercise's suite and stubs, and its tests. Do not edit by hand.", "go run ./grader")
	if whole {
		for slug := range m.Exercises {
			if _, err := a.ws.Find(slug); err != nil {
				delete(m.Exercises, slug)
			}
		}
	}
	var skipped []string
	for _, v := range vs {
		if v.failed(true) || v.entry == nil {
			skipped = append(skipped, v.ex.Slug)
			continue
		}
		m.Exercises[v.ex.Slug] = v.entry
	}
	if err := m.Save(a.ws.Abs(workshop.ManifestPath)); err != nil {
		return a.envError(err)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(a.io.err, "grader: %s not updated for %s: fix the failures below first\n", workshop.ManifestPath, strings.Join(skipped, ", "))
	}
	return exitOK
}

func (a *app) writeVerify(vs []*verification, global *verification, bad int) {
	s := a.style
	mark := func(st string) string {
		switch st {
		case "pass":
			return s.Green("ok  ")
		case "warn":
			return s.Yellow("warn")
		default:
			return s.Red("FAIL")
		}
	}
	for _, v := range vs {
		head := v.ex.Slug
		if v.failed(false) {
			head = s.Red(head)
		} else {
			head = s.Green(head)
		}
		fmt.Fprintln(a.io.out, s.Bold(head))
		for _, c := range v.checks {
			lines := strings.Split(c.Detail, "\n")
			fmt.Fprintf(a.io.out, "  %s %-16s %s\n", mark(c.Status), c.Name, lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(a.io.out, "  %s %-16s   %s\n", "    ", "", l)
			}
		}
	}
	for _, c := range global.checks {
		fmt.Fprintf(a.io.out, "%s %s: %s\n", mark(c.Status), c.Name, c.Detail)
	}
	if bad == 0 {
		fmt.Fprintln(a.io.out, s.Green(fmt.Sprintf("verify: all %d exercise(s) good: every stub fails, every solution passes, suites match the manifest.", len(vs))))
	} else {
		fmt.Fprintln(a.io.out, s.Red(fmt.Sprintf("verify: %d problem(s) above.", bad)))
	}
}

// verifyJSON renders verify in results.json shape: one test per check.
func verifyJSON(vs []*verification, global *verification, bad int) report.Summary {
	out := report.Summary{Version: 3, Status: "pass", Tests: []report.ResultsTest{}, Exercises: []report.Results{}, Count: len(vs)}
	if bad > 0 {
		out.Status = "fail"
	}
	add := func(prefix string, c check) {
		t := report.ResultsTest{Name: prefix + c.Name, Status: "pass", Outcome: report.TestPass}
		msg := c.Detail
		switch c.Status {
		case "fail":
			t.Status, t.Outcome = "fail", report.TestFail
		case "warn":
			msg = "warning: " + msg
		}
		t.Message = &msg
		out.Tests = append(out.Tests, t)
	}
	for _, v := range vs {
		for _, c := range v.checks {
			add(v.ex.Slug+": ", c)
		}
		if !v.failed(false) {
			out.Done++
		}
	}
	for _, c := range global.checks {
		add("", c)
	}
	return out
}

func packageName(file string) string {
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.PackageClauseOnly)
	if err != nil {
		return ""
	}
	return f.Name.Name
}
