package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

func hintCmd() *command {
	return &command{
		name: "hint", args: "[NN [level]]", summary: "the next hint (1 nudge, 2 direction, 3 nearly the answer)",
		run: func(ctx context.Context, a *app, args []string) int {
			if len(args) > 2 {
				a.errorf("usage: hint [NN [level]]")
				return exitUsage
			}
			if len(args) == 0 { // the exercise watch is on, or the first unfinished one
				st, err := a.loadState()
				if err != nil {
					return a.envError(err)
				}
				ex := a.exercise(st.Current)
				if ex == nil {
					if ex, err = a.current(ctx, st); err != nil {
						return a.envError(err)
					}
				}
				if ex == nil {
					fmt.Fprintln(a.io.out, a.allDone("no hint needed."))
					return exitOK
				}
				return a.hint(a.io.out, ex, 0)
			}
			ex, err := a.ws.Find(args[0])
			if err != nil {
				a.errorf("%v", err)
				return exitUsage
			}
			level := 0
			if len(args) == 2 {
				if level, err = strconv.Atoi(strings.TrimPrefix(args[1], "--level=")); err != nil {
					a.errorf("hint level must be a number, got %q", args[1])
					return exitUsage
				}
			}
			return a.hint(a.io.out, ex, level)
		},
	}
}

// hint shows a hint level of ex (the next unseen one when level is 0) and
// records it.
func (a *app) hint(w io.Writer, ex *workshop.Exercise, level int) int {
	hints, err := a.ws.Hints(ex)
	if err != nil {
		return a.envError(err)
	}
	if len(hints) == 0 {
		a.errorf("%s/HINTS.md has no \"## Hint N\" sections", ex.Dir())
		return exitEnv
	}
	st, err := a.loadState()
	if err != nil {
		return a.envError(err)
	}
	if level == 0 {
		level = st.NextHint(ex.ID, len(hints))
	}
	var h *workshop.Hint
	for i := range hints {
		if hints[i].Level == level {
			h = &hints[i]
		}
	}
	if h == nil {
		a.errorf("%s has hints 1 to %d, not %d", ex.Slug, len(hints), level)
		return exitUsage
	}
	st.ShowHint(ex.ID, level)
	if err := st.Save(a.ws.Root); err != nil {
		return a.envError(err)
	}
	if a.opts.json {
		err := report.WriteJSON(w, map[string]any{
			"exercise": ex.Slug, "level": h.Level, "of": len(hints), "title": h.Title, "hint": h.Body,
			"shown": st.Hints[ex.ID],
		})
		if err != nil {
			return a.envError(err)
		}
		return exitOK
	}
	s := a.style
	kind := map[int]string{1: "a nudge", 2: "a direction", 3: "nearly the answer"}[level]
	head := fmt.Sprintf("Hint %d of %d for %s", level, len(hints), ex.Slug)
	if h.Title != "" {
		head += " — " + h.Title
	}
	fmt.Fprintf(w, "%s\n%s\n\n%s\n\n", s.Bold(head), s.Dim("("+kind+")"), h.Body)
	shown := st.Hints[ex.ID]
	line := fmt.Sprintf("You have seen %d of %d hints for %s.", len(shown), len(hints), ex.Slug)
	if len(shown) < len(hints) {
		line += fmt.Sprintf(" Still stuck? %s shows hint %d.", s.Cyan(a.cmdName+" hint "+ex.ID), st.NextHint(ex.ID, len(hints)))
	} else {
		line += " That was the last one: the README and the failing test's message are your best friends now."
	}
	fmt.Fprintln(w, line)
	return exitOK
}
