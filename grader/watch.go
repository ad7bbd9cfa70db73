package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

func watchCmd() *command {
	var poll bool
	return &command{
		name: "watch", args: "[NN] [-poll]", summary: "re-run the current exercise on every save; move on when it is green",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&poll, "poll", false, "poll for changes instead of file-system events (for WSL /mnt, VMs, network drives)")
		},
		run: func(ctx context.Context, a *app, args []string) int {
			if len(args) > 1 {
				a.errorf("usage: watch [NN]")
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
				fmt.Fprintln(a.io.out, a.allDone("nothing to watch. Well done!"))
				return exitOK
			}
			if !poll && needsPolling(a.ws.Root) {
				poll = true
				fmt.Fprintln(a.io.err, "grader: this folder is on a Windows drive under WSL, where file events are unreliable: polling instead.")
			}
			w := &watchLoop{
				a:     a,
				lines: inputLines(a.io.in),
				watch: func(ctx context.Context, dirs []string) (<-chan string, error) {
					return watchDirs(ctx, dirs, poll, a.io.err)
				},
			}
			return w.run(ctx, ex)
		},
	}
}

// watchLoop is the state of watch. Its inputs come through channels so
// tests can drive it: lines typed by the learner, and changed files from
// the watcher that watch starts for each exercise.
type watchLoop struct {
	a     *app
	lines <-chan string // closed at end of input
	watch func(ctx context.Context, dirs []string) (<-chan string, error)
}

func (w *watchLoop) run(ctx context.Context, ex *workshop.Exercise) int {
	a := w.a
	for ex != nil {
		next, code, stop := w.exercise(ctx, ex)
		if stop {
			return code
		}
		ex = next
	}
	if !a.opts.json {
		fmt.Fprintln(a.io.out, a.style.Green("✓ Every exercise is done. Congratulations!"))
	}
	return exitOK
}

// exercise watches one exercise until the learner moves on (returns the
// next exercise) or quits (stop).
func (w *watchLoop) exercise(ctx context.Context, ex *workshop.Exercise) (next *workshop.Exercise, code int, stop bool) {
	a := w.a
	wctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops this exercise's watcher
	changes, err := w.watch(wctx, a.watchDirs(ex))
	if err != nil {
		return nil, a.envError(err), true
	}
	st, err := a.loadState()
	if err != nil {
		return nil, a.envError(err), true
	}
	st.Current = ex.ID
	if err := st.Save(a.ws.Root); err != nil {
		return nil, a.envError(err), true
	}
	rerun := true
	var e *report.Exercise
	for {
		if rerun {
			if !a.opts.json { // -json: one results.json document per run, nothing else
				a.clearScreen()
				fmt.Fprintf(a.io.out, "%s\n", a.style.Dim("running "+ex.Package()+" …"))
			}
			if st, err = a.loadState(); err != nil {
				return nil, a.envError(err), true
			}
			if e, err = a.evaluate(ctx, ex, st, runAlways); err != nil {
				if ctx.Err() != nil {
					return nil, exitOK, true
				}
				return nil, a.envError(err), true
			}
			if a.isTTY() && !a.opts.json {
				a.clearScreen() // drop the "running" line
			}
			a.showCheck(ctx, e, st)
			w.footer(ex, e)
			rerun = false
		}
		done := e.Status == report.Done && e.Counted
		select {
		case <-ctx.Done():
			return nil, exitOK, true
		case _, ok := <-changes:
			if !ok {
				return nil, a.envError(fmt.Errorf("watching %s stopped", ex.Dir())), true
			}
			rerun = true
		case line, ok := <-w.lines:
			if !ok {
				w.lines = nil // no more input: keep watching files until interrupted
				continue
			}
			switch strings.ToLower(strings.TrimSpace(line)) {
			case "q", "quit", "exit":
				return nil, exitFor([]*report.Exercise{e}), true
			case "h", "hint":
				if !a.opts.json {
					fmt.Fprintln(a.io.out)
				}
				a.hint(a.io.out, ex, 0)
			case "l", "list", "s", "status":
				if !a.opts.json {
					fmt.Fprintln(a.io.out)
				}
				a.statusInline(ctx)
			case "n", "next":
				if nx := a.after(ex.ID); nx != nil {
					return nx, exitOK, false
				}
				fmt.Fprintln(a.io.out, "This is the last exercise.")
			case "", "r", "run":
				if done {
					if nx := a.after(ex.ID); nx != nil {
						return nx, exitOK, false
					}
					return nil, exitOK, false
				}
				rerun = true
			default:
				if !a.opts.json {
					fmt.Fprintf(a.io.out, "Unknown command %q. ", line)
				}
				w.footer(ex, e)
			}
		}
	}
}

func (w *watchLoop) footer(ex *workshop.Exercise, e *report.Exercise) {
	a := w.a
	if a.opts.json {
		return
	}
	s := a.style
	fmt.Fprintln(a.io.out)
	if e.Status == report.Done && e.Counted {
		if nx := a.after(ex.ID); nx != nil {
			fmt.Fprintf(a.io.out, "%s Press Enter to move on to %s, or keep editing; q quits.\n", s.Green("Green!"), s.Bold(nx.Slug))
		} else {
			fmt.Fprintf(a.io.out, "%s That was the last exercise. Press Enter to finish.\n", s.Green("Green!"))
		}
		return
	}
	fmt.Fprintf(a.io.out, "%s %s\n", s.Dim("Watching "+ex.Dir()+"/ — save a file to re-run."),
		s.Dim("Type + Enter: (Enter) re-run · h hint · l list · n next exercise · q quit"))
}

func (a *app) statusInline(ctx context.Context) {
	st, err := a.loadState()
	if err != nil {
		a.envError(err)
		return
	}
	exs, err := a.evaluateAll(ctx, a.ws.Exercises, st, skipPristine)
	if err != nil {
		a.envError(err)
		return
	}
	if a.opts.json {
		report.WriteJSON(a.io.out, report.ToSummary(a.withAbsent(exs)))
		return
	}
	report.WriteList(a.io.out, a.withAbsent(exs), a.textOptions())
}

func (a *app) isTTY() bool {
	f, ok := a.io.out.(*os.File)
	return ok && isTerminal(f)
}

// watchDirs returns the folders holding an exercise's files.
func (a *app) watchDirs(ex *workshop.Exercise) []string {
	dirs := []string{a.ws.Abs(ex.Dir())}
	for _, f := range ex.Files {
		d := a.ws.Abs(f.Stub[:max(0, strings.LastIndexByte(f.Stub, '/'))])
		if !contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// clearScreen clears the visible screen on a terminal (keeping the
// scroll-back, so a long error stays reachable), or prints a separator.
func (a *app) clearScreen() {
	if a.isTTY() {
		fmt.Fprint(a.io.out, "\x1b[H\x1b[2J")
		return
	}
	fmt.Fprintf(a.io.out, "\n──── %s ────\n", time.Now().Format("15:04:05"))
}

// inputLines delivers the lines of r on a channel that is closed at the end
// of input. Its goroutine ends with the input; a terminal's input ends when
// the process does.
func inputLines(r io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// needsPolling reports whether root is a Windows drive mounted into WSL,
// where inotify does not see changes made by Windows editors.
func needsPolling(root string) bool {
	if !strings.HasPrefix(root, "/mnt/") {
		return false
	}
	b, err := os.ReadFile("/proc/version")
	return err == nil && strings.Contains(strings.ToLower(string(b)), "microsoft")
}
