// Package runner runs one exercise suite with `go test -json` and returns the
// parsed result. It is the only place the grader starts processes.
//
// A run can put other files in place of the checkout's own, which is how the
// grader tries a reference solution (verify) or a learner's files against the
// pristine suite (grade): Spec.Replace maps root-relative paths to the files
// that should stand in for them. When every replaced path is a Go file the
// run uses `go test -overlay` and the checkout stays untouched; otherwise
// (exercise 07's stub is a .sql file, read by the suite at run time, which
// overlays cannot reach) the checkout is copied to a temporary folder first.
//
//	run, err := runner.Test(ctx, runner.Spec{
//		Root:    "/home/ada/workshop",
//		Package: "./exercises/03-joins/",
//		Timeout: 30 * time.Second,
//		Replace: map[string]string{"exercises/03-joins/email.go": "/home/ada/workshop/solutions/email/email.go"},
//	})
//	if err != nil { ... } // go is missing, or the copy failed
//	fmt.Println(run.Result.Passed)
//
// The test binary gets Spec.Timeout as its -timeout, so a hanging test is
// reported by the testing package itself, with the names of the tests that
// were running. The whole `go test` process group is killed if it outlives
// that by Spec.BuildBudget (compiling can take a while on a cold cache).
package runner
