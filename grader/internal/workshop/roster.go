package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// RosterPath is where the roster lives, relative to the root.
const RosterPath = "grader/workshop.json"

// ErrNotInCheckout is returned by Find for an exercise the roster names but
// whose folder this checkout does not have (a clone older than the
// exercise).
var ErrNotInCheckout = errors.New("not in this checkout")

// Roster is grader/workshop.json: every exercise of the workshop, in order,
// whether or not this checkout has its folder yet.
//
//	{"exercises": [
//	  {"id": "01", "slug": "01-persist-events", "title": "Persist events"},
//	  {"id": "07", "slug": "07-sql-enrichment", "title": "Enrichment with SQL"}
//	]}
//
// With it, status can show a learner on an older clone the exercises still
// to come; verify checks that every exercise folder is on it. Without the
// file, the exercise folders are the roster.
type Roster struct {
	// Comment tells a reader what the file is for.
	Comment string `json:"comment,omitempty"`
	// Exercises are the workshop's exercises.
	Exercises []RosterEntry `json:"exercises"`
}

// RosterEntry is one exercise of the roster.
type RosterEntry struct {
	ID    string `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// LoadRoster reads a roster; a missing file gives nil.
func LoadRoster(file string) (*Roster, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the roster: %w", err)
	}
	var r Roster
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	seen := map[string]bool{}
	for i, e := range r.Exercises {
		if e.ID == "" || e.Slug == "" || !strings.HasPrefix(e.Slug, e.ID+"-") {
			return nil, fmt.Errorf("%s: exercise %d: want an id and a slug that starts with it (\"07\", \"07-sql-enrichment\"), got %q, %q",
				file, i+1, e.ID, e.Slug)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("%s: exercise %s is listed twice", file, e.ID)
		}
		seen[e.ID] = true
	}
	sort.Slice(r.Exercises, func(i, j int) bool { return r.Exercises[i].ID < r.Exercises[j].ID })
	return &r, nil
}

// Absent returns the roster's exercises that have no folder in this
// checkout, in order; none without a roster.
func (w *Workshop) Absent() []RosterEntry {
	if w.Roster == nil {
		return nil
	}
	var out []RosterEntry
	for _, e := range w.Roster.Exercises {
		if w.bySlug(e.Slug) == nil {
			out = append(out, e)
		}
	}
	return out
}

// Unlisted returns the exercise folders the roster does not name (or names
// with another slug); none without a roster.
func (w *Workshop) Unlisted() []*Exercise {
	if w.Roster == nil {
		return nil
	}
	listed := map[string]bool{}
	for _, e := range w.Roster.Exercises {
		listed[e.Slug] = true
	}
	var out []*Exercise
	for _, ex := range w.Exercises {
		if !listed[ex.Slug] {
			out = append(out, ex)
		}
	}
	return out
}

func (w *Workshop) bySlug(slug string) *Exercise {
	for _, ex := range w.Exercises {
		if ex.Slug == slug {
			return ex
		}
	}
	return nil
}
