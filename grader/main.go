package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/runner"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// Exit codes (see doc.go).
const (
	exitOK        = 0
	exitFailing   = 1
	exitUsage     = 2
	exitEnv       = 3
	exitIntegrity = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr})
	stop()
	os.Exit(code)
}

// stdio is the command's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// options are the flags every command accepts.
type options struct {
	dir     string
	json    bool
	noColor bool
	verbose bool
	timeout time.Duration
	jobs    int
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.dir, "C", ".", "run in this `dir`ectory (the workshop root or below)")
	fs.BoolVar(&o.json, "json", false, "print Exercism-style results.json (version 3) instead of text")
	fs.BoolVar(&o.noColor, "no-color", false, "no colours (also: NO_COLOR=1)")
	fs.BoolVar(&o.verbose, "v", false, "show every line of every message, and passing tests' output")
	fs.DurationVar(&o.timeout, "timeout", 0, "time limit per suite (default 30s; grade: 60s)")
	fs.IntVar(&o.jobs, "j", runtime.GOMAXPROCS(0), "suites to run at once")
}

// command is one subcommand.
type command struct {
	name, args, summary string
	flags               func(fs *flag.FlagSet) // extra flags
	run                 func(ctx context.Context, a *app, args []string) int
	noWorkshop          bool // runs without opening the workshop
}

func commands() []*command {
	return []*command{
		statusCmd(), checkCmd(), watchCmd(), hintCmd(), resetCmd(), listCmd(),
		verifyCmd(), gradeCmd(), helpCmd(),
	}
}

func run(ctx context.Context, args []string, io stdio) int {
	name := "status"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = c
		}
	}
	if cmd == nil {
		fmt.Fprintf(io.err, "grader: unknown command %q\n\n", name)
		usage(io.err)
		return exitUsage
	}
	fs := flag.NewFlagSet("grader "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	var opts options
	opts.register(fs)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(io.err, "usage: grader %s %s\n\n%s\n\nflags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	a := &app{io: io, opts: opts, cmdName: cmdName()}
	a.style = report.Style{Color: useColor(io.out, opts.noColor)}
	if !cmd.noWorkshop {
		if code := a.open(); code != exitOK {
			return code
		}
	}
	return cmd.run(ctx, a, pos)
}

// parseInterspersed parses flags that may come before, between or after
// positional arguments ("check 03 -v").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// cmdName is how the learner runs the grader, for the commands it prints:
// "go run ./grader" under go run, the binary's name otherwise.
func cmdName() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, "go-build") || strings.HasSuffix(exe, ".test") {
		return "go run ./grader"
	}
	return "grader"
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: go run ./grader <command> [flags]   (no command = status)\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %-22s %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintf(w, "\nflags for every command: -C dir, -json, -no-color, -v, -timeout d, -j n\n")
	fmt.Fprintf(w, "exit codes: 0 all good, 1 not all passing, 2 usage, 3 environment, 4 tests edited\n")
}

func helpCmd() *command {
	return &command{
		name: "help", args: "", summary: "show this help",
		noWorkshop: true,
		run: func(_ context.Context, a *app, _ []string) int {
			usage(a.io.out)
			return exitOK
		},
	}
}

// app carries what every command needs.
type app struct {
	io      stdio
	opts    options
	style   report.Style
	ws      *workshop.Workshop
	cmdName string
}

func (a *app) open() int {
	root, err := workshop.FindRoot(a.opts.dir)
	if err != nil {
		a.errorf("%v\nRun the grader from the workshop folder (where go.work is), or pass -C <folder>.", err)
		return exitEnv
	}
	ws, err := workshop.Open(root)
	if err != nil {
		a.errorf("%v", err)
		return exitEnv
	}
	a.ws = ws
	return exitOK
}

func (a *app) errorf(format string, args ...any) {
	fmt.Fprintf(a.io.err, "grader: "+format+"\n", args...)
}

func (a *app) textOptions() report.Options {
	return report.Options{Style: a.style, Cmd: a.cmdName, Verbose: a.opts.verbose}
}

func (a *app) timeout(def time.Duration) time.Duration {
	if a.opts.timeout > 0 {
		return a.opts.timeout
	}
	return def
}

func (a *app) jobs() int { return max(1, a.opts.jobs) }

// envError reports a failure to run anything and returns its exit code.
func (a *app) envError(err error) int {
	if errors.Is(err, runner.ErrNoGo) {
		a.errorf("%v: install Go 1.26 or newer (https://go.dev/dl/)", err)
	} else {
		a.errorf("%v", err)
	}
	return exitEnv
}

// useColor reports whether to colour output written to w: only on a
// terminal, and never when NO_COLOR is set to anything (no-color.org),
// TERM is "dumb", or -no-color was given.
func useColor(w io.Writer, noColor bool) bool {
	if noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// isTerminal reports whether f is a terminal. Asking the terminal driver
// (as x/term does) tells a terminal from other character devices such as
// /dev/null, which a mode check alone would take for one.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
