// Command grader runs the workshop's exercises for learners and instructors:
// progress, checks, a watch mode and hints for the learner; verification of
// every exercise for CI; batch grading of many checkouts for the instructor.
//
// Run it from the workshop root (or pass -C dir):
//
//	go run ./grader                 # = status: a table of every exercise and what to do next
//	go run ./grader check 03        # run exercise 03's suite, test by test, grouped by task
//	go run ./grader watch           # re-run the current exercise on every save
//	go run ./grader hint 03         # the next hint: 1 nudge, 2 direction, 3 nearly the answer
//	go run ./grader reset 03        # put the stub back (asks first, keeps a backup)
//	go run ./grader list            # exercises, concepts, status, hints seen
//	go run ./grader verify          # CI: every stub fails, every solution passes, suites unchanged
//	go run ./grader grade alice/ bob/ -format csv -o grades.csv
//
// Every command takes -json, which prints Exercism's results.json (version
// 3) with the grader's extra keys; see README.md in this folder for the
// mapping, the exercise contract and the points file.
//
// Exit codes: 0 everything asked for passed (status, list and grade: the
// report was written); 1 not everything passes (check, or verify found a
// problem); 2 usage error;
// 3 environment error (no go command, not in a workshop, a git failure);
// 4 a suite's test files were edited (learner commands).
//
// How a suite is run: `go test -json -timeout T ./exercises/NN-slug/` from
// the root, through the go.work workspace. The stream is parsed by
// internal/gotest, which tells build failures, panics (naming the test) and
// timeouts (naming the tests that hung) apart from plain failures; tests a
// panic kept from running are listed as not run, using the manifest's list
// of tests.
package main
