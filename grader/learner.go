package main

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

func statusCmd() *command {
	return &command{
		name: "status", args: "", summary: "progress over every exercise, and what to do next",
		run: func(ctx context.Context, a *app, args []string) int {
			if len(args) > 0 {
				a.errorf("status takes no arguments (did you mean: check %s?)", args[0])
				return exitUsage
			}
			st, err := a.loadState()
			if err != nil {
				return a.envError(err)
			}
			if len(a.ws.Exercises) == 0 {
				fmt.Fprintln(a.io.out, "No exercises yet: exercises/NN-slug/exercise.json is missing.")
				return exitOK
			}
			exs, err := a.evaluateAll(ctx, a.ws.Exercises, st, skipPristine)
			if err != nil {
				return a.envError(err)
			}
			exs = a.withAbsent(exs)
			if a.opts.json {
				if err := report.WriteJSON(a.io.out, report.ToSummary(exs)); err != nil {
					return a.envError(err)
				}
				return statusExit(exs)
			}
			o := a.textOptions()
			if n := report.Next(exs); n != nil {
				o.HintLevels = a.hintLevels(a.exercise(n.ID))
			}
			if err := report.WriteStatus(a.io.out, exs, o); err != nil {
				return a.envError(err)
			}
			return statusExit(exs)
		},
	}
}

func listCmd() *command {
	return &command{
		name: "list", args: "", summary: "the exercises, their concepts and status",
		run: func(ctx context.Context, a *app, _ []string) int {
			st, err := a.loadState()
			if err != nil {
				return a.envError(err)
			}
			exs, err := a.evaluateAll(ctx, a.ws.Exercises, st, skipPristine)
			if err != nil {
				return a.envError(err)
			}
			exs = a.withAbsent(exs)
			if a.opts.json {
				if err := report.WriteJSON(a.io.out, report.ToSummary(exs)); err != nil {
					return a.envError(err)
				}
				return exitOK
			}
			if err := report.WriteList(a.io.out, exs, a.textOptions()); err != nil {
				return a.envError(err)
			}
			return exitOK
		},
	}
}

func checkCmd() *command {
	return &command{
		name: "check", args: "[NN]", summary: "run one exercise's tests (default: the first unfinished)",
		run: func(ctx context.Context, a *app, args []string) int {
			if len(args) > 1 {
				a.errorf("check takes one exercise, got %v", args)
				return exitUsage
			}
			st, err := a.loadState()
			if err != nil {
				return a.envError(err)
			}
			var ex *workshop.Exercise
			if len(args) == 1 {
				if ex, err = a.ws.Find(args[0]); err != nil {
					a.errorf("%v", err)
					return exitUsage
				}
			} else if ex, err = a.current(ctx, st); err != nil {
				return a.envError(err)
			} else if ex == nil {
				fmt.Fprintln(a.io.out, a.allDone(""))
				return exitOK
			}
			e, err := a.evaluate(ctx, ex, st, runAlways)
			if err != nil {
				return a.envError(err)
			}
			return a.showCheck(ctx, e, st)
		},
	}
}

// showCheck prints a check result and returns its exit code.
func (a *app) showCheck(ctx context.Context, e *report.Exercise, st *workshop.State) int {
	if a.opts.json {
		if err := report.WriteJSON(a.io.out, report.ToResults(e)); err != nil {
			return a.envError(err)
		}
		return exitFor([]*report.Exercise{e})
	}
	var next *report.Exercise
	if e.Status == report.Done {
		if nx := a.after(e.ID); nx != nil {
			next = &report.Exercise{ID: nx.ID, Slug: nx.Slug}
		}
	}
	o := a.textOptions()
	o.HintLevels = a.hintLevels(a.exercise(e.ID))
	if err := report.WriteCheck(a.io.out, e, next, o); err != nil {
		return a.envError(err)
	}
	return exitFor([]*report.Exercise{e})
}

// exercise returns the exercise with the given ID.
func (a *app) exercise(id string) *workshop.Exercise {
	for _, ex := range a.ws.Exercises {
		if ex.ID == id {
			return ex
		}
	}
	return nil
}

// after returns the exercise after id, or nil.
func (a *app) after(id string) *workshop.Exercise {
	for i, ex := range a.ws.Exercises {
		if ex.ID == id && i+1 < len(a.ws.Exercises) {
			return a.ws.Exercises[i+1]
		}
	}
	return nil
}

// current returns the first exercise that is not done, or nil when all are.
// Pristine stubs are taken from the manifest, so this is cheap when the
// learner is early in the workshop.
func (a *app) current(ctx context.Context, st *workshop.State) (*workshop.Exercise, error) {
	for _, ex := range a.ws.Exercises {
		e, err := a.evaluate(ctx, ex, st, skipPristine)
		if err != nil {
			return nil, err
		}
		if e.Status != report.Done || !e.Counted {
			return ex, nil
		}
	}
	return nil, nil
}
