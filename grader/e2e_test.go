package main

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

// TestRealWorkshop copies this repository to a temporary folder, solves two
// exercises there with their reference solutions, and checks that status
// (in the copy) and grade (of the copy, from this repository) report exactly
// those two as done.
func TestRealWorkshop(t *testing.T) {
	skipShort(t)
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	ws, err := workshop.Open(root)
	require.NoError(t, err)
	if len(ws.Exercises) < 2 {
		t.Skipf("the real exercises are not there yet (%d exercises/*/exercise.json); the fixture tests cover the grader meanwhile", len(ws.Exercises))
	}

	learner := filepath.Join(t.TempDir(), "learner")
	copyDir(t, root, learner, map[string]bool{".git": true, ".grader": true, ".data": true})
	solved := ws.Exercises[:2]
	want := map[string]report.Status{}
	for _, ex := range ws.Exercises {
		want[ex.Slug] = report.NotStarted
	}
	for _, ex := range solved {
		for _, f := range ex.Files {
			cp(t, learner, f.Solution, f.Stub)
		}
		want[ex.Slug] = report.Done
	}

	code, out, stderr := grader(t, "", "status", "-json", "-C", learner)
	var s report.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &s), "stderr: %s", stderr)
	require.Equal(t, doneSet(want), doneSet(outcomes(s.Exercises)), "status in the solved copy")
	require.Equal(t, exitOK, code)

	code, out, stderr = grader(t, "", "grade", learner, "-json", "-C", root)
	require.Equal(t, exitOK, code, stderr)
	var g report.GradeReport
	require.NoError(t, json.Unmarshal([]byte(out), &g))
	require.Len(t, g.Learners, 1)
	require.Equal(t, doneSet(want), doneSet(outcomes(g.Learners[0].Exercises)), "grade of the solved copy")
	for _, r := range g.Learners[0].Exercises {
		if r.Outcome == report.Done {
			require.Equal(t, r.MaxScore, r.Score, r.Exercise)
		}
	}
}

// doneSet lists the exercises that are done, sorted.
func doneSet(m map[string]report.Status) []string {
	var out []string
	for slug, st := range m {
		if st == report.Done {
			out = append(out, slug)
		}
	}
	sort.Strings(out)
	return out
}
