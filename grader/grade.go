package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

const gradeTimeout = 60 * time.Second

func gradeCmd() *command {
	var format, output, logDir string
	var failUnder float64
	return &command{
		name: "grade", args: "DIR... [-format f] [-o file]", summary: "grade learners' checkouts against this workshop's pristine suites",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", "table", "report format: table, json, csv, csv-long or markdown")
			fs.StringVar(&output, "o", "", "write the report to this `file` (default: standard output)")
			fs.StringVar(&logDir, "log-dir", "", "write each suite's raw go test -json stream to this `dir`ectory")
			fs.Float64Var(&failUnder, "fail-under", 0, "exit 1 if any learner scores below this `percent`")
		},
		run: func(ctx context.Context, a *app, args []string) int {
			if a.opts.json {
				format = "json"
			}
			switch format {
			case "table", "json", "csv", "csv-long", "markdown":
			default:
				a.errorf("unknown -format %q (table, json, csv, csv-long, markdown)", format)
				return exitUsage
			}
			if len(args) == 0 {
				a.errorf("usage: grade DIR...  (each DIR a learner's checkout, or a folder of them)")
				return exitUsage
			}
			dirs, err := expandCheckouts(args)
			if err != nil {
				a.errorf("%v", err)
				return exitUsage
			}
			g, err := a.grade(ctx, dirs, logDir)
			if err != nil {
				return a.envError(err)
			}
			w := a.io.out
			if output != "" {
				f, err := os.Create(output)
				if err != nil {
					return a.envError(fmt.Errorf("writing the report: %w", err))
				}
				defer f.Close()
				w = f
			}
			if err := writeGrade(w, g, format, a.textOptions()); err != nil {
				return a.envError(err)
			}
			if output != "" {
				fmt.Fprintf(a.io.err, "grader: wrote %s (%d learners)\n", output, len(g.Learners))
			}
			if failUnder > 0 {
				for _, l := range g.Learners {
					s, m := l.Score()
					if m == 0 || 100*float64(s)/float64(m) < failUnder {
						return exitFailing
					}
				}
			}
			return exitOK
		},
	}
}

func writeGrade(w io.Writer, g *report.Grade, format string, o report.Options) error {
	switch format {
	case "json":
		return report.WriteJSON(w, report.ToGradeReport(g))
	case "csv":
		return report.WriteCSV(w, g)
	case "csv-long":
		return report.WriteCSVLong(w, g)
	case "markdown":
		return report.WriteMarkdown(w, g)
	default:
		if f, ok := w.(*os.File); !ok || !isTerminal(f) {
			o.Style.Color = false
		}
		return report.WriteGradeTable(w, g, o)
	}
}

// expandCheckouts turns the arguments into checkout folders: a folder with
// an exercises/ subfolder is a checkout; any other folder is searched one
// level deep for checkouts; a file lists one folder per line.
func expandCheckouts(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("learner checkout %s: %w", arg, err)
		}
		if !st.IsDir() {
			lines, err := readLines(arg)
			if err != nil {
				return nil, err
			}
			out = append(out, lines...)
			continue
		}
		if isCheckout(arg) {
			out = append(out, arg)
			continue
		}
		entries, err := os.ReadDir(arg)
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", arg, err)
		}
		found := 0
		for _, e := range entries {
			if p := filepath.Join(arg, e.Name()); e.IsDir() && isCheckout(p) {
				out = append(out, p)
				found++
			}
		}
		if found == 0 {
			return nil, fmt.Errorf("%s is not a workshop checkout and holds none (a checkout has an exercises/ folder)", arg)
		}
	}
	return out, nil
}

func isCheckout(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "exercises"))
	return err == nil && st.IsDir()
}

func readLines(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("reading the list of checkouts: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

// grade grades every (learner, exercise) pair, a.jobs() suites at a time.
func (a *app) grade(ctx context.Context, dirs []string, logDir string) (*report.Grade, error) {
	g := &report.Grade{
		Workshop:  a.workshopID(ctx),
		GoVersion: goVersion(ctx),
	}
	for _, ex := range a.ws.Exercises {
		g.Exercises = append(g.Exercises, *ex)
	}
	type job struct {
		l  *report.Learner
		i  int
		ex *workshop.Exercise
		st *workshop.State
	}
	var jobs []job
	ids := map[string]int{}
	for _, dir := range dirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("learner checkout %s: %w", dir, err)
		}
		l := &report.Learner{ID: filepath.Base(abs), Path: dir, Commit: gitHead(ctx, abs)}
		if n := ids[l.ID]; n > 0 {
			l.ID = fmt.Sprintf("%s~%d", l.ID, n+1)
		}
		ids[filepath.Base(abs)]++
		g.Learners = append(g.Learners, l)
		st, err := workshop.LoadState(abs)
		if err != nil {
			st = &workshop.State{} // a broken state file costs the learner nothing
		}
		l.Path = abs
		l.Exercises = make([]*report.Exercise, len(a.ws.Exercises))
		for i, ex := range a.ws.Exercises {
			jobs = append(jobs, job{l: l, i: i, ex: ex, st: st})
		}
	}
	if logDir != "" {
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			return nil, fmt.Errorf("creating the log folder: %w", err)
		}
	}
	sem := make(chan struct{}, a.jobs())
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	done := 0
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			e, err := a.gradeOne(ctx, j.l.Path, j.l.ID, j.ex, j.st, logDir)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			j.l.Exercises[j.i] = e
			done++
			if f, ok := a.io.err.(*os.File); ok && isTerminal(f) {
				fmt.Fprintf(a.io.err, "\rgraded %d/%d suites", done, len(jobs))
			}
		}()
	}
	wg.Wait()
	if f, ok := a.io.err.(*os.File); ok && isTerminal(f) && len(jobs) > 0 {
		fmt.Fprintln(a.io.err)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if firstErr != nil {
		return nil, firstErr
	}
	g.GeneratedAt = time.Now()
	return g, nil
}

// gradeOne grades one exercise of one learner: the learner's own files of
// the exercise folder, put over this workshop's pristine tree, so that
// edited tests, or edits elsewhere in the checkout, change nothing.
func (a *app) gradeOne(ctx context.Context, learnerRoot, learnerID string, ex *workshop.Exercise, st *workshop.State, logDir string) (*report.Exercise, error) {
	timeout := a.timeout(gradeTimeout)
	funcs, err := workshop.TestFuncs(a.ws.Root, ex)
	if err != nil {
		return nil, err
	}
	in := report.Input{
		Exercise: ex, Funcs: funcs, Points: a.ws.Points, Root: a.ws.Root,
		HintsUsed: st.HintsShown(ex.ID), Timeout: timeout,
	}
	if entry := a.ws.Manifest.Entry(ex); entry != nil {
		in.Expected = entry.Tests
	}
	if _, err := os.Stat(filepath.Join(learnerRoot, filepath.FromSlash(ex.Dir()))); err != nil {
		e := report.Score(in)
		e.Status = report.Errored
		e.Message = "the checkout has no " + ex.Dir() + " folder"
		return e, nil
	}
	if in.Integrity, err = a.ws.SuiteIntegrityAgainst(learnerRoot, ex); err != nil {
		return nil, err
	}
	if in.NotStarted, err = a.ws.StubsPristine(learnerRoot, ex); err != nil {
		return nil, err
	}
	if in.NotStarted && in.Expected != nil {
		return report.Score(in), nil
	}
	replace, err := learnerFiles(a.ws.Root, learnerRoot, ex)
	if err != nil {
		return nil, err
	}
	spec := runner.Spec{Root: a.ws.Root, Package: ex.Package(), Timeout: timeout, Replace: replace, ReportAsReplaced: true}
	if logDir != "" {
		f, err := os.Create(filepath.Join(logDir, learnerID+"-"+ex.Slug+".jsonl"))
		if err != nil {
			return nil, fmt.Errorf("creating the log: %w", err)
		}
		defer f.Close()
		spec.Log = f
	}
	run, err := runner.Test(ctx, spec)
	if err != nil {
		return nil, err
	}
	in.Run = run
	return report.Score(in), nil
}

// learnerFiles maps each of the exercise's learner-owned files of the
// pristine tree to the learner's version: the learner's file when it exists,
// deleted when it does not, and the learner's extra files added.
func learnerFiles(pristine, learner string, ex *workshop.Exercise) (map[string]string, error) {
	mine, err := workshop.OwnFiles(pristine, ex)
	if err != nil {
		return nil, err
	}
	theirs, err := workshop.OwnFiles(learner, ex)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, rel := range mine {
		out[rel] = "" // deleted unless the learner has it
	}
	for _, rel := range theirs {
		abs := filepath.Join(learner, filepath.FromSlash(rel))
		if _, err := os.Stat(abs); err == nil {
			out[rel] = abs
		}
	}
	return out, nil
}

func (a *app) workshopID(ctx context.Context) string {
	mod := "workshop"
	if b, err := os.ReadFile(filepath.Join(a.ws.Root, "go.mod")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if m, ok := strings.CutPrefix(strings.TrimSpace(l), "module "); ok {
				mod = strings.TrimSpace(m)
				break
			}
		}
	}
	if c := gitHead(ctx, a.ws.Root); c != "" {
		return mod + "@" + c
	}
	return mod
}

func gitHead(ctx context.Context, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		return ""
	}
	cmd := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func goVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
