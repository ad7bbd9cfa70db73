package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/gotest"
)

// ErrNoGo is returned when the go command cannot be found.
var ErrNoGo = errors.New("the go command was not found on PATH")

// DefaultBuildBudget is how long a run may take beyond its test timeout
// before the whole go command is killed.
const DefaultBuildBudget = 5 * time.Minute

// Spec describes one run.
type Spec struct {
	// Root is the checkout to run in (its go.work is used).
	Root string
	// Package is the pattern passed to go test, relative to Root
	// ("./exercises/03-joins/").
	Package string
	// Timeout is the test binary's -timeout; zero leaves go's default.
	Timeout time.Duration
	// BuildBudget is added to Timeout for the outer deadline; zero means
	// DefaultBuildBudget.
	BuildBudget time.Duration
	// Replace maps root-relative slash paths to absolute files whose
	// content stands in for them during the run. An empty value removes
	// the path.
	Replace map[string]string
	// ReportAsReplaced rewrites the paths of the replacing files in the
	// output to the paths they replace: a learner's file is reported as
	// exercises/…/stub.go, not as its path in the learner's checkout.
	ReportAsReplaced bool
	// Log, if set, receives the raw go test -json stream.
	Log io.Writer
	// Env is appended to the environment.
	Env []string
}

// Run is the outcome of one go test invocation.
type Run struct {
	// Result is the parsed stream.
	Result *gotest.Result
	// Stderr is what the go command printed on stderr (module downloads,
	// go.mod problems), trimmed.
	Stderr string
	// ExitCode is go test's exit code (-1 if it was killed).
	ExitCode int
	// Killed is set when the outer deadline killed go test.
	Killed bool
	// Copied is set when the run happened in a temporary copy.
	Copied bool
	// Dir is the folder go test ran in: Root, or the temporary copy
	// (removed by the time Test returns).
	Dir string
	// Duration is the wall time of the run, compile included.
	Duration time.Duration
}

// Test runs the spec. It returns an error only when the run could not
// happen at all; failing, panicking or hanging tests, and code that does
// not compile, are reported in Run.Result.
func Test(ctx context.Context, spec Spec) (*Run, error) {
	goBin, err := findGo()
	if err != nil {
		return nil, err
	}
	dir := spec.Root
	args := []string{"test", "-json"}
	if spec.Timeout > 0 {
		args = append(args, "-timeout", spec.Timeout.String())
	}
	tmp, err := os.MkdirTemp("", "grader-run-")
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", spec.Package, err)
	}
	defer os.RemoveAll(tmp)

	copied := false
	if len(spec.Replace) > 0 {
		if allGo(spec.Replace) {
			ov, err := writeOverlay(tmp, spec.Root, spec.Replace)
			if err != nil {
				return nil, fmt.Errorf("running %s: %w", spec.Package, err)
			}
			args = append(args, "-overlay", ov)
		} else {
			var release func()
			if dir, release, err = copySlot(spec.Root); err != nil {
				return nil, fmt.Errorf("running %s: %w", spec.Package, err)
			}
			defer release()
			if err := copyTree(spec.Root, dir); err != nil {
				return nil, fmt.Errorf("running %s: copying the checkout: %w", spec.Package, err)
			}
			if err := applyReplace(dir, spec.Replace); err != nil {
				return nil, fmt.Errorf("running %s: %w", spec.Package, err)
			}
			copied = true
		}
	}
	args = append(args, spec.Package)

	budget := spec.BuildBudget
	if budget == 0 {
		budget = DefaultBuildBudget
	}
	runCtx := ctx
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, spec.Timeout+budget)
		defer cancel()
	}

	cmd := exec.CommandContext(runCtx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), spec.Env...)
	setProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, n: 64 << 10}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("running %s: %w", spec.Package, err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("running %s: starting go test: %w", spec.Package, err)
	}
	p := gotest.NewParser()
	rewrite := pathRewriter(dir, spec, spec.ReportAsReplaced)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := rewrite(sc.Bytes())
		if spec.Log != nil {
			spec.Log.Write(line)
			spec.Log.Write([]byte{'\n'})
		}
		p.Line(line)
	}
	if sc.Err() != nil {
		io.Copy(io.Discard, stdout) // keep the child from blocking on a full pipe
	}
	waitErr := cmd.Wait()
	run := &Run{
		Result:   p.Result(),
		Stderr:   strings.TrimSpace(string(rewrite(stderr.Bytes()))),
		Duration: time.Since(start),
		Copied:   copied,
		Dir:      dir,
	}
	run.ExitCode = cmd.ProcessState.ExitCode()
	if runCtx.Err() != nil && ctx.Err() == nil {
		run.Killed = true
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("running %s: %w", spec.Package, ctx.Err())
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !run.Killed {
		return nil, fmt.Errorf("running %s: %w", spec.Package, waitErr)
	}
	return run, nil
}

func findGo() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", ErrNoGo
}

func allGo(replace map[string]string) bool {
	for rel := range replace {
		if !strings.HasSuffix(rel, ".go") {
			return false
		}
	}
	return true
}

func writeOverlay(tmp, root string, replace map[string]string) (string, error) {
	ov := struct{ Replace map[string]string }{Replace: map[string]string{}}
	for rel, src := range replace {
		ov.Replace[filepath.Join(root, filepath.FromSlash(rel))] = src
	}
	b, err := json.Marshal(ov)
	if err != nil {
		return "", fmt.Errorf("writing the overlay: %w", err)
	}
	file := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return "", fmt.Errorf("writing the overlay: %w", err)
	}
	return file, nil
}

func applyReplace(dir string, replace map[string]string) error {
	for rel, src := range replace {
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if src == "" {
			if err := os.Remove(dst); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("removing %s: %w", rel, err)
			}
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("replacing %s: %w", rel, err)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("replacing %s: %w", rel, err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return fmt.Errorf("replacing %s: %w", rel, err)
		}
	}
	return nil
}

// pathRewriter maps paths inside a temporary copy back to the checkout, and
// (with rewriteReplaced) the files standing in for others back to the paths
// they replace, so that messages point at files the reader knows.
func pathRewriter(dir string, spec Spec, rewriteReplaced bool) func([]byte) []byte {
	var pairs [][2]string
	if rewriteReplaced {
		for rel, src := range spec.Replace {
			if src == "" {
				continue
			}
			target := filepath.Join(spec.Root, filepath.FromSlash(rel))
			pairs = append(pairs, [2]string{src, target})
			if r, err := filepath.Rel(dir, src); err == nil {
				pairs = append(pairs, [2]string{r, filepath.FromSlash(rel)})
			}
		}
	}
	if dir != spec.Root {
		pairs = append(pairs, [2]string{dir, spec.Root})
	}
	// Longer paths first, so a path is not half-rewritten by a shorter one.
	sort.Slice(pairs, func(i, j int) bool { return len(pairs[i][0]) > len(pairs[j][0]) })
	var bs [][2][]byte
	for _, p := range pairs {
		bs = append(bs, [2][]byte{[]byte(p[0]), []byte(p[1])})
		ef, _ := json.Marshal(p[0])
		et, _ := json.Marshal(p[1])
		if inner := ef[1 : len(ef)-1]; !bytes.Equal(inner, []byte(p[0])) {
			bs = append(bs, [2][]byte{inner, et[1 : len(et)-1]})
		}
	}
	return func(b []byte) []byte {
		for _, p := range bs {
			b = bytes.ReplaceAll(b, p[0], p[1])
		}
		return b
	}
}

// limitWriter keeps the first n bytes and drops the rest.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n <= 0 {
		return len(p), nil
	}
	q := p
	if len(q) > l.n {
		q = q[:l.n]
	}
	l.n -= len(q)
	if _, err := l.w.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}
