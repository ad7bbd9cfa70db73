package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNotWorkshop is returned when a directory is not a workshop checkout.
var ErrNotWorkshop = errors.New("not a workshop checkout (no go.work with an exercises/ folder)")

// ErrUnknownExercise is returned by Find for a name that matches nothing.
var ErrUnknownExercise = errors.New("unknown exercise")

// Workshop is one checkout of the workshop repository.
type Workshop struct {
	// Root is the absolute path of the checkout.
	Root string
	// Exercises are sorted by ID.
	Exercises []*Exercise
	// Points is the points table (grader/points.json); never nil.
	Points *Points
	// Manifest is grader/manifest.json; never nil, possibly empty.
	Manifest *Manifest
	// Roster is grader/workshop.json, nil when the file does not exist.
	Roster *Roster
}

// Exercise is one exercises/NN-slug folder, as described by its
// exercise.json.
type Exercise struct {
	// ID is the two-digit number, "03".
	ID string `json:"id"`
	// Slug is the folder name, "03-joins".
	Slug string `json:"slug"`
	// Title is a short human title.
	Title string `json:"title"`
	// Concepts lists what the exercise teaches.
	Concepts []string `json:"concepts"`
	// NeedsBroker is set when the suite starts the embedded Kafka broker.
	NeedsBroker bool `json:"needs_broker"`
	// Files pairs each stub with its reference solution.
	Files []FilePair `json:"files"`
	// TaskTitles maps task IDs ("3.2") to what the task asks.
	TaskTitles map[string]string `json:"tasks"`
}

// FilePair is a stub and the reference solution that replaces it; both paths
// are relative to the repository root, with forward slashes.
type FilePair struct {
	Stub     string `json:"stub"`
	Solution string `json:"solution"`
}

// Task is one numbered task of an exercise.
type Task struct {
	ID    string
	Title string
}

// Dir returns the exercise folder relative to the root ("exercises/03-joins").
func (e *Exercise) Dir() string { return "exercises/" + e.Slug }

// Package returns the package pattern to pass to go test from the root.
func (e *Exercise) Package() string { return "./exercises/" + e.Slug + "/" }

// Tasks returns the tasks in natural order (3.2 before 3.10).
func (e *Exercise) Tasks() []Task {
	out := make([]Task, 0, len(e.TaskTitles))
	for id, title := range e.TaskTitles {
		out = append(out, Task{ID: id, Title: title})
	}
	sort.Slice(out, func(i, j int) bool { return TaskLess(out[i].ID, out[j].ID) })
	return out
}

// TaskIndex returns the 1-based position of a task in Tasks, or 0.
func (e *Exercise) TaskIndex(id string) int {
	for i, t := range e.Tasks() {
		if t.ID == id {
			return i + 1
		}
	}
	return 0
}

// TaskLess orders task IDs numerically, part by part ("3.2" < "3.10").
func TaskLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil && na != nb:
			return na < nb
		case (ea != nil || eb != nil) && pa[i] != pb[i]:
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}

// FindRoot walks up from dir to the first directory that has a go.work file
// and an exercises folder.
func FindRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding the workshop root from %s: %w", dir, err)
	}
	for d := abs; ; {
		if isRoot(d) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s: %w", abs, ErrNotWorkshop)
		}
		d = parent
	}
}

func isRoot(d string) bool {
	if _, err := os.Stat(filepath.Join(d, "go.work")); err != nil {
		return false
	}
	st, err := os.Stat(filepath.Join(d, "exercises"))
	return err == nil && st.IsDir()
}

// Open reads the workshop at root: every exercises/*/exercise.json, the
// points table and the manifest. Missing points or manifest files give
// empty defaults; malformed ones are errors.
func Open(root string) (*Workshop, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("opening workshop %s: %w", root, err)
	}
	if !isRoot(abs) {
		return nil, fmt.Errorf("%s: %w", abs, ErrNotWorkshop)
	}
	ws := &Workshop{Root: abs}
	matches, err := filepath.Glob(filepath.Join(abs, "exercises", "*", "exercise.json"))
	if err != nil {
		return nil, fmt.Errorf("listing exercises: %w", err)
	}
	for _, m := range matches {
		ex, err := readExercise(m)
		if err != nil {
			return nil, err
		}
		ws.Exercises = append(ws.Exercises, ex)
	}
	sort.Slice(ws.Exercises, func(i, j int) bool { return ws.Exercises[i].ID < ws.Exercises[j].ID })
	if ws.Points, err = LoadPoints(filepath.Join(abs, "grader", "points.json")); err != nil {
		return nil, err
	}
	if ws.Manifest, err = LoadManifest(filepath.Join(abs, ManifestPath)); err != nil {
		return nil, err
	}
	if ws.Roster, err = LoadRoster(filepath.Join(abs, RosterPath)); err != nil {
		return nil, err
	}
	return ws, nil
}

func readExercise(file string) (*Exercise, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading exercise: %w", err)
	}
	var ex Exercise
	if err := json.Unmarshal(b, &ex); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	folder := filepath.Base(filepath.Dir(file))
	if ex.Slug == "" {
		ex.Slug = folder
	}
	if ex.Slug != folder {
		return nil, fmt.Errorf("%s: slug %q does not match its folder %q", file, ex.Slug, folder)
	}
	if ex.ID == "" {
		ex.ID, _, _ = strings.Cut(ex.Slug, "-")
	}
	if ex.Title == "" {
		ex.Title = ex.Slug
	}
	for i, f := range ex.Files {
		ex.Files[i].Stub = path.Clean(filepath.ToSlash(f.Stub))
		if f.Solution != "" {
			ex.Files[i].Solution = path.Clean(filepath.ToSlash(f.Solution))
		}
	}
	return &ex, nil
}

// Find returns the exercise named by id ("3" or "03"), slug ("03-joins") or
// the slug without its number ("joins").
func (w *Workshop) Find(name string) (*Exercise, error) {
	name = strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(name), "exercises/"), "/")
	if n, err := strconv.Atoi(name); err == nil {
		name = fmt.Sprintf("%02d", n)
	}
	for _, ex := range w.Exercises {
		_, bare, _ := strings.Cut(ex.Slug, "-")
		if name == ex.ID || name == ex.Slug || name == bare {
			return ex, nil
		}
	}
	for _, e := range w.Absent() {
		_, bare, _ := strings.Cut(e.Slug, "-")
		if name == e.ID || name == e.Slug || name == bare {
			return nil, fmt.Errorf("%s (%s) is %w yet: pull the workshop's latest version (git pull) to get it", e.Slug, e.Title, ErrNotInCheckout)
		}
	}
	return nil, fmt.Errorf("%q: %w (have %s)", name, ErrUnknownExercise, w.ids())
}

func (w *Workshop) ids() string {
	var ids []string
	for _, ex := range w.Exercises {
		ids = append(ids, ex.ID)
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// Abs returns the absolute path of a root-relative slash path.
func (w *Workshop) Abs(rel string) string { return filepath.Join(w.Root, filepath.FromSlash(rel)) }

// SuiteFiles lists the exercise's suite files, relative to the root: every
// *_test.go file in its folder and every file under its testdata folder.
func (w *Workshop) SuiteFiles(ex *Exercise) ([]string, error) {
	return suiteFiles(w.Root, ex)
}

func suiteFiles(root string, ex *Exercise) ([]string, error) {
	dir := filepath.Join(root, filepath.FromSlash(ex.Dir()))
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && rel != "testdata" && !strings.HasPrefix(rel, "testdata/") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(rel, "testdata/") || strings.HasSuffix(rel, "_test.go") {
			out = append(out, ex.Dir()+"/"+rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing the suite of %s: %w", ex.Slug, err)
	}
	sort.Strings(out)
	return out, nil
}

// OwnFiles lists the files of the exercise folder that belong to the
// learner: everything that is not part of the suite and not the folder's
// documentation (README.md, HINTS.md, exercise.json). Paths are relative
// to root, which may be another checkout of the same workshop.
func OwnFiles(root string, ex *Exercise) ([]string, error) {
	dir := filepath.Join(root, filepath.FromSlash(ex.Dir()))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", ex.Dir(), err)
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasSuffix(n, "_test.go") || n == "README.md" || n == "HINTS.md" || n == "exercise.json" {
			continue
		}
		out = append(out, ex.Dir()+"/"+n)
	}
	for _, f := range ex.Files { // a stub may live outside the folder
		if !strings.HasPrefix(f.Stub, ex.Dir()+"/") {
			out = append(out, f.Stub)
		}
	}
	sort.Strings(out)
	return out, nil
}
