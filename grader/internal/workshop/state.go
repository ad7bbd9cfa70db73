package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// StatePath is where the learner's state lives, relative to the root. The
// folder is git-ignored.
const StatePath = ".grader/state.json"

// State is what the grader remembers between runs. It only caches: progress
// itself is always recomputed from the suites.
type State struct {
	// Current is the ID of the exercise watch last worked on.
	Current string `json:"current,omitempty"`
	// Hints maps an exercise ID to the hint levels shown, ascending.
	Hints map[string][]int `json:"hints,omitempty"`
}

// LoadState reads the state file at root; a missing file is an empty state.
func LoadState(root string) (*State, error) {
	s := &State{}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(StatePath)))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading grader state: %w", err)
	}
	if err := json.Unmarshal(b, s); err != nil {
		return nil, fmt.Errorf("parsing %s: %w (delete it to start afresh)", StatePath, err)
	}
	return s, nil
}

// Save writes the state file at root.
func (s *State) Save(root string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding grader state: %w", err)
	}
	return writeFileAtomic(filepath.Join(root, filepath.FromSlash(StatePath)), append(b, '\n'))
}

// ShowHint records that a hint level was shown.
func (s *State) ShowHint(id string, level int) {
	if s.Hints == nil {
		s.Hints = map[string][]int{}
	}
	for _, l := range s.Hints[id] {
		if l == level {
			return
		}
	}
	s.Hints[id] = append(s.Hints[id], level)
	sort.Ints(s.Hints[id])
}

// HintsShown returns how many distinct hint levels of an exercise were shown.
func (s *State) HintsShown(id string) int { return len(s.Hints[id]) }

// NextHint returns the lowest level in 1..max not yet shown, or max when all
// were shown.
func (s *State) NextHint(id string, maxLevel int) int {
	seen := map[int]bool{}
	for _, l := range s.Hints[id] {
		seen[l] = true
	}
	for l := 1; l <= maxLevel; l++ {
		if !seen[l] {
			return l
		}
	}
	return maxLevel
}
