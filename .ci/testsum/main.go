// Command testsum turns the JSON stream of `go test -json` into a short,
// readable log and a count of tests.
//
// It prints one line per package (ok, FAIL, no test files), the full
// output of every failed test, package or build, the reason of every
// skipped test (subtests too), and finally
//
//	tests: 120 passed, 0 failed, 3 skipped
//
// It exits 1 if anything failed, 2 on unreadable input, 3 if no test ran.
// Use it as
//
//	go test -json ./... | go run ./.ci/testsum
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action      string
	Package     string
	ImportPath  string // build events only
	Test        string
	Output      string
	FailedBuild string // set on a package's fail when it or a dependency did not build
}

type key struct{ pkg, test string }

type summary struct {
	out                     io.Writer
	passed, failed, skipped int
	buildFailed             []string // packages that did not build
	pkgFailed               []string // packages that failed beyond their tests (timeouts, panics, TestMain)
	buf                     map[key][]string
}

func main() {
	s := &summary{out: os.Stdout, buf: map[key][]string{}}
	if err := s.read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testsum:", err)
		os.Exit(2)
	}
	os.Exit(s.finish())
}

func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil || e.Action == "" {
			// Not an event (go vet or linker noise): pass it through.
			fmt.Fprintln(s.out, string(line))
			continue
		}
		s.handle(e)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read go test -json stream: %w", err)
	}
	return nil
}

func (s *summary) handle(e event) {
	k := key{e.Package, e.Test}
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
	case "build-fail":
		if !slices.Contains(s.buildFailed, e.ImportPath) {
			s.buildFailed = append(s.buildFailed, e.ImportPath)
		}
	case "output":
		if e.Test == "" && (strings.HasPrefix(e.Output, "ok  ") || strings.HasPrefix(e.Output, "?   ")) {
			fmt.Fprint(s.out, e.Output)
			return
		}
		s.buf[k] = append(s.buf[k], e.Output)
	case "pass":
		if e.Test != "" {
			s.passed++
		}
		delete(s.buf, k)
	case "skip":
		if e.Test != "" {
			s.skipped++
			// Subtests too: CI prints the reason of every skip.
			s.print(k, "SKIP ")
		}
		delete(s.buf, k)
	case "fail":
		if e.Test != "" {
			s.failed++
			s.print(k, "")
			delete(s.buf, k)
			return
		}
		switch {
		case e.FailedBuild != "" || len(s.buf[k]) == 0:
			if !slices.Contains(s.buildFailed, e.Package) {
				s.buildFailed = append(s.buildFailed, e.Package)
			}
		default:
			s.pkgFailed = append(s.pkgFailed, e.Package)
		}
		// Tests cut short (a timeout, a panic) never report; show them.
		for tk := range s.buf {
			if tk.pkg == e.Package && tk.test != "" {
				s.print(tk, "")
				delete(s.buf, tk)
			}
		}
		s.print(k, "")
		delete(s.buf, k)
	}
}

func (s *summary) print(k key, prefix string) {
	for _, line := range s.buf[k] {
		fmt.Fprint(s.out, prefix+line)
	}
}

// finish prints the count and returns the exit code.
func (s *summary) finish() int {
	if len(s.buildFailed) > 0 {
		fmt.Fprintf(s.out, "did not build: %s\n", strings.Join(s.buildFailed, " "))
	}
	if len(s.pkgFailed) > 0 {
		fmt.Fprintf(s.out, "failed packages: %s\n", strings.Join(s.pkgFailed, " "))
	}
	fmt.Fprintf(s.out, "tests: %d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
	switch {
	case s.failed > 0 || len(s.buildFailed) > 0 || len(s.pkgFailed) > 0:
		return 1
	case s.passed+s.skipped == 0:
		fmt.Fprintln(s.out, "testsum: no test ran")
		return 3
	}
	return 0
}
