package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

const learnerTimeout = 30 * time.Second

// evalMode says whether an untouched stub is run or taken from the manifest.
type evalMode int

const (
	// runAlways runs the suite even on a pristine stub: check and watch,
	// where the learner wants the suite's own messages.
	runAlways evalMode = iota
	// skipPristine takes a pristine stub's result from the manifest:
	// status and list, which only need the counts.
	skipPristine
)

// evaluate grades one exercise of the learner's own checkout, in place.
func (a *app) evaluate(ctx context.Context, ex *workshop.Exercise, st *workshop.State, mode evalMode) (*report.Exercise, error) {
	integ, err := a.ws.SuiteIntegrity(ex)
	if err != nil {
		return nil, err
	}
	pristine, err := a.ws.StubsPristine(a.ws.Root, ex)
	if err != nil {
		return nil, err
	}
	funcs, err := workshop.TestFuncs(a.ws.Root, ex)
	if err != nil {
		return nil, err
	}
	in := report.Input{
		Exercise: ex, NotStarted: pristine, Funcs: funcs, Points: a.ws.Points,
		Root: a.ws.Root, Integrity: integ, HintsUsed: st.HintsShown(ex.ID),
		Timeout: a.timeout(learnerTimeout),
	}
	entry := a.ws.Manifest.Entry(ex)
	if entry != nil {
		in.Expected = entry.Tests
	}
	if mode == skipPristine && pristine && entry != nil && integ.Status == workshop.IntegrityOK {
		return report.Score(in), nil
	}
	run, err := runner.Test(ctx, runner.Spec{Root: a.ws.Root, Package: ex.Package(), Timeout: in.Timeout})
	if err != nil {
		return nil, err
	}
	in.Run = run
	return report.Score(in), nil
}

// evaluateAll grades every exercise, a.jobs() at a time, keeping order.
func (a *app) evaluateAll(ctx context.Context, exs []*workshop.Exercise, st *workshop.State, mode evalMode) ([]*report.Exercise, error) {
	out := make([]*report.Exercise, len(exs))
	errs := make([]error, len(exs))
	sem := make(chan struct{}, a.jobs())
	var wg sync.WaitGroup
	for i, ex := range exs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out[i], errs[i] = a.evaluate(ctx, ex, st, mode)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", exs[i].Slug, err)
		}
	}
	return out, nil
}

// withAbsent adds the roster's exercises that the checkout lacks to exs, in
// ID order, so that status and list show the whole workshop.
func (a *app) withAbsent(exs []*report.Exercise) []*report.Exercise {
	absent := a.ws.Absent()
	if len(absent) == 0 {
		return exs
	}
	out := append([]*report.Exercise{}, exs...)
	for _, e := range absent {
		out = append(out, report.AbsentExercise(e.ID, e.Slug, e.Title))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// allDone is what a command says when no exercise is left to do, with what
// follows (after a colon), and the git pull that brings the roster's
// exercises this checkout lacks.
func (a *app) allDone(then string) string {
	msg := "Every exercise is done"
	if len(a.ws.Absent()) > 0 {
		msg = "Every exercise of this checkout is done"
	}
	if then != "" {
		msg += ": " + then
	} else {
		msg += "."
	}
	if len(a.ws.Absent()) > 0 {
		msg += " The others come with git pull."
	}
	return msg
}

func (a *app) loadState() (*workshop.State, error) { return workshop.LoadState(a.ws.Root) }

// hintLevels returns how many hints an exercise has (3 when unreadable).
func (a *app) hintLevels(ex *workshop.Exercise) int {
	hs, err := a.ws.Hints(ex)
	if err != nil || len(hs) == 0 {
		return 3
	}
	return len(hs)
}

// statusExit is status's exit code: 4 when a suite was edited, 0 otherwise.
// Unfinished exercises are no error: they are where a learner is, and the
// first thing a newcomer runs should not end in "exit status 1". A script
// that needs "all done" as an exit code runs check, or reads status -json.
func statusExit(exs []*report.Exercise) int {
	for _, e := range exs {
		if !e.Counted {
			return exitIntegrity
		}
	}
	return exitOK
}

// exitFor is the exit code for learner results: 4 when a suite was edited,
// 1 when not everything passes, 0 otherwise.
func exitFor(exs []*report.Exercise) int {
	code := exitOK
	for _, e := range exs {
		if !e.Counted {
			return exitIntegrity
		}
		if e.Status != report.Done {
			code = exitFailing
		}
	}
	return code
}
