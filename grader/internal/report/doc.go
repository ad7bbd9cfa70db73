// Package report grades one exercise run and renders results: the learner's
// check and status screens, the instructor's grade table, and the JSON, CSV
// and Markdown reports.
//
// Score turns a suite run (or, for an untouched stub, the manifest) into an
// Exercise: one Test per leaf of the suite's test tree, in suite order, each
// with its status, the test's own message, and its points.
//
//	e := report.Score(report.Input{
//		Exercise: ex, Run: run, Expected: entry.Tests,
//		Points: ws.Points, Root: ws.Root, Integrity: integ,
//	})
//	report.WriteCheck(os.Stdout, e, nil, report.Options{Style: report.Style{Color: true}})
//	report.WriteJSON(os.Stdout, report.ToResults(e)) // Exercism results.json v3
//
// The JSON keeps Exercism's results.json (version 3) keys so tools written
// for it can read the grader's output; the grader's own keys (score,
// outcome, points, ...) come after them. See grader/README.md for the
// mapping.
package report
