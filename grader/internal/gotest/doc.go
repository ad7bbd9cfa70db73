// Package gotest reads the event stream of `go test -json` for one package
// and turns it into a result a grader can reason about: which tests ran,
// which passed, failed, were skipped, panicked or hung, and what the compiler
// said when the package did not build.
//
// The stream has three shapes of trouble that a plain reader gets wrong:
//
//   - A build failure arrives as "build-output" events keyed by ImportPath,
//     not as test events, and no test runs at all.
//   - A panic ends the test binary. The panicking test gets a "fail" event
//     (the stack sits in its output, or in its parent's output when the panic
//     happened in a subtest), and every later test gets no event whatsoever.
//   - A timeout (`-timeout`) ends the binary too; the running tests never get
//     a terminal event, and the output lists them under "running tests:".
//
// Parse handles all three:
//
//	res, err := gotest.Parse(strings.NewReader(jsonLines))
//	if err != nil { ... }
//	if res.BuildFailed {
//		fmt.Println(strings.Join(res.BuildErrors, "\n"))
//	}
//	for _, t := range res.Leaves() {
//		fmt.Println(t.Name, t.Status, t.Attrs["task"])
//	}
//
// Tests keep the order in which they started, which for a suite without
// t.Parallel is the order of the source file.
package gotest
