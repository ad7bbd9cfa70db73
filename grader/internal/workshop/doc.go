// Package workshop models a checkout of the workshop repository as the
// grader sees it: the exercises and their files, hints, the points table,
// the manifest of pristine suite and stub files, and the learner's state.
//
// The layout it reads (paths relative to the repository root):
//
//	go.work                         uses . and ./exercises
//	exercises/NN-slug/exercise.json the exercise's metadata (see Exercise)
//	exercises/NN-slug/HINTS.md      "## Hint 1 …", "## Hint 2 …", "## Hint 3 …"
//	exercises/NN-slug/*_test.go     the suite; tests tag themselves with t.Attr("task", "N.M")
//	grader/points.json              points per test (see Points)
//	grader/manifest.json            git blob ids of suites and stubs, expected tests (see Manifest)
//	grader/workshop.json            every exercise of the workshop, present or not (see Roster)
//	.grader/state.json              hints shown, current exercise (see State)
//
// A typical use:
//
//	ws, err := workshop.Open(root)
//	if err != nil { ... }
//	ex, err := ws.Find("3") // "03", "03-joins" and "joins" work too
//	if err != nil { ... }
//	integ, err := ws.SuiteIntegrity(ex)
//	hints, err := ws.Hints(ex)
//
// Files are compared by git blob id (the SHA-1 git gives a file's content),
// so the manifest can both check a file and, in a clone, restore it with
// `git cat-file blob ID` even after the learner committed over it.
package workshop
