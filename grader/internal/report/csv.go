package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteCSV writes one row per learner: identity, integrity, totals, then a
// status and a score column per exercise, then when and with which Go the
// grading ran. Spreadsheet-friendly: no nested data.
func WriteCSV(w io.Writer, g *Grade) error {
	cw := csv.NewWriter(w)
	head := []string{"id", "path", "commit", "integrity", "score", "max_score", "percent", "hints_used"}
	for _, e := range g.Exercises {
		head = append(head, e.ID+"_status", e.ID+"_score")
	}
	head = append(head, "error", "graded_at", "go_version")
	if err := cw.Write(head); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	at := g.GeneratedAt.UTC().Format(time.RFC3339)
	for _, l := range g.Learners {
		score, maxScore := l.Score()
		integ := "ok"
		if len(l.Modified()) > 0 {
			integ = "modified:" + strings.Join(l.Modified(), " ")
		}
		row := []string{l.ID, l.Path, l.Commit, integ, fmt.Sprint(score), fmt.Sprint(maxScore),
			percent(score, maxScore), fmt.Sprint(l.HintsUsed())}
		byID := map[string]*Exercise{}
		for _, e := range l.Exercises {
			byID[e.ID] = e
		}
		for _, ge := range g.Exercises {
			e := byID[ge.ID]
			if e == nil {
				row = append(row, "", "")
				continue
			}
			st := string(e.Status)
			if !e.Counted {
				st = "modified"
			}
			row = append(row, st, fmt.Sprint(e.Score))
		}
		row = append(row, l.Error, at, g.GoVersion)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}

// WriteCSVLong writes one row per learner, exercise and test, for pivot
// tables: who passed what, and which tasks trouble the group.
func WriteCSVLong(w io.Writer, g *Grade) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"learner", "exercise", "test", "task", "status", "points", "max_points", "counted"}); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	for _, l := range g.Learners {
		for _, e := range l.Exercises {
			for _, t := range e.Tests {
				pts := t.Points
				if !e.Counted {
					pts = 0
				}
				row := []string{l.ID, e.Slug, t.Name, t.Task, string(t.Status), fmt.Sprint(pts), fmt.Sprint(t.MaxPoints), fmt.Sprint(e.Counted)}
				if err := cw.Write(row); err != nil {
					return fmt.Errorf("writing CSV: %w", err)
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing CSV: %w", err)
	}
	return nil
}
