package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Points is the points table, grader/points.json:
//
//	{
//	  "default": 1,
//	  "exercises": {
//	    "03": {
//	      "default": 2,
//	      "tasks": {"3.3": 4},
//	      "tests": {"TestEnrich/gold_customer": 5, "TestRouting": 3}
//	    }
//	  }
//	}
//
// A scored test (a leaf: a test with no subtests) is worth, from the most
// specific rule to the least: its own entry in "tests", or the entry of its
// nearest parent test there (so "TestRouting" gives 3 to each of its
// subtests); its task's entry in "tasks"; the exercise's "default"; the
// top-level "default"; 1. Exercise keys may be the ID ("03") or the slug.
type Points struct {
	// Comment tells a reader why the points are what they are.
	Comment   string                     `json:"comment,omitempty"`
	Default   int                        `json:"default,omitempty"`
	Exercises map[string]*ExercisePoints `json:"exercises,omitempty"`
}

// ExercisePoints are the overrides for one exercise.
type ExercisePoints struct {
	Default int            `json:"default,omitempty"`
	Tasks   map[string]int `json:"tasks,omitempty"`
	Tests   map[string]int `json:"tests,omitempty"`
}

// LoadPoints reads a points table; a missing file gives the default table
// (1 point per test).
func LoadPoints(file string) (*Points, error) {
	p := &Points{}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading points: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	return p, nil
}

// For returns the points a passing leaf test is worth.
func (p *Points) For(ex *Exercise, test, task string) int {
	ep := p.Exercises[ex.ID]
	if ep == nil {
		ep = p.Exercises[ex.Slug]
	}
	if ep != nil {
		for name := test; name != ""; {
			if v, ok := ep.Tests[name]; ok {
				return v
			}
			i := strings.LastIndexByte(name, '/')
			if i < 0 {
				break
			}
			name = name[:i]
		}
		if v, ok := ep.Tasks[task]; ok {
			return v
		}
		if ep.Default > 0 {
			return ep.Default
		}
	}
	if p.Default > 0 {
		return p.Default
	}
	return 1
}
