package workshop

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// ManifestPath is where the manifest lives, relative to the root.
const ManifestPath = "grader/manifest.json"

// Manifest records, per exercise, what the pristine workshop looks like:
// the git blob id of every suite file and stub, and the tests the suite
// runs (from a run on the reference solution) with how each fares on the
// stub. `grader verify` checks it is current; `grader verify -update`
// rewrites it.
type Manifest struct {
	// Comment tells a reader where the file comes from.
	Comment string `json:"comment,omitempty"`
	// Exercises is keyed by slug.
	Exercises map[string]*ExerciseManifest `json:"exercises"`
}

// ExerciseManifest is the manifest entry of one exercise.
type ExerciseManifest struct {
	// Suite maps each suite file to its git blob id.
	Suite map[string]string `json:"suite"`
	// Stubs maps each stub file to its git blob id.
	Stubs map[string]string `json:"stubs"`
	// Tests lists the tests of a full run, in the order they ran.
	Tests []ExpectedTest `json:"tests"`
}

// ExpectedTest is one test of a suite as the manifest records it.
type ExpectedTest struct {
	// Name is the full test name.
	Name string `json:"name"`
	// Task is the task the test is tagged with, if any.
	Task string `json:"task,omitempty"`
	// Leaf is set for tests that run no subtests; only leaves are scored.
	Leaf bool `json:"leaf,omitempty"`
	// Stub is the test's status on the pristine stub ("fail", "pass",
	// "panic", "not_run", ...).
	Stub string `json:"stub,omitempty"`
}

// LoadManifest reads a manifest; a missing file gives an empty manifest.
func LoadManifest(file string) (*Manifest, error) {
	m := &Manifest{Exercises: map[string]*ExerciseManifest{}}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", file, err)
	}
	if m.Exercises == nil {
		m.Exercises = map[string]*ExerciseManifest{}
	}
	return m, nil
}

// Marshal renders the manifest as stable, indented JSON.
func (m *Manifest) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// Save writes the manifest atomically.
func (m *Manifest) Save(file string) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	return writeFileAtomic(file, b)
}

// Entry returns the manifest entry of an exercise, or nil.
func (m *Manifest) Entry(ex *Exercise) *ExerciseManifest { return m.Exercises[ex.Slug] }

// BlobID returns the git blob id of content: the hex SHA-1 of
// "blob <len>\x00<content>", the id `git hash-object` prints.
func BlobID(content []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// FileBlobIDs returns the blob ids a file matches: its own, and, when it has
// CRLF line endings (a Windows checkout with core.autocrlf), the id of its
// LF form, which is what git stores.
func FileBlobIDs(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	ids := []string{BlobID(b)}
	if bytes.Contains(b, []byte("\r\n")) {
		ids = append(ids, BlobID(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))))
	}
	return ids, nil
}

// HashFiles returns the blob id of each root-relative file.
func HashFiles(root string, rels []string) (map[string]string, error) {
	out := make(map[string]string, len(rels))
	for _, rel := range rels {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, fmt.Errorf("hashing %s: %w", rel, err)
		}
		out[rel] = BlobID(b)
	}
	return out, nil
}

// Compare checks the files of root against want (path to blob id) and the
// set of files actually present (have). It returns the files whose content
// differs or that are missing, and the files present but not wanted.
func Compare(root string, want map[string]string, have []string) (modified, extra []string, err error) {
	present := map[string]bool{}
	for _, h := range have {
		present[h] = true
		if _, ok := want[h]; !ok {
			extra = append(extra, h)
		}
	}
	for rel, id := range want {
		if !present[rel] {
			modified = append(modified, rel)
			continue
		}
		ids, err := FileBlobIDs(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			return nil, nil, fmt.Errorf("checking %s: %w", rel, err)
		}
		if !contains(ids, id) {
			modified = append(modified, rel)
		}
	}
	sort.Strings(modified)
	sort.Strings(extra)
	return modified, extra, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeFileAtomic(file string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".tmp-"+filepath.Base(file)+"-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	return nil
}
