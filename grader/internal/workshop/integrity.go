package workshop

import (
	"fmt"
	"os"
	"path/filepath"
)

// IntegrityStatus says whether a suite is the one the workshop ships.
type IntegrityStatus string

// The integrity states. Unknown means there was nothing to compare against
// (the manifest has no entry for the exercise).
const (
	IntegrityOK       IntegrityStatus = "ok"
	IntegrityModified IntegrityStatus = "modified"
	IntegrityUnknown  IntegrityStatus = "unknown"
)

// Integrity is the result of comparing a checkout's suite files with the
// pristine ones.
type Integrity struct {
	Status IntegrityStatus `json:"status"`
	// Modified lists suite files whose content differs, or that are gone.
	Modified []string `json:"modified,omitempty"`
	// Extra lists suite files (tests, testdata) that the pristine suite
	// does not have.
	Extra []string `json:"extra,omitempty"`
}

// Files returns every file the integrity check objects to.
func (i Integrity) Files() []string { return append(append([]string{}, i.Modified...), i.Extra...) }

// SuiteIntegrity compares the exercise's suite files with the manifest.
func (w *Workshop) SuiteIntegrity(ex *Exercise) (Integrity, error) {
	e := w.Manifest.Entry(ex)
	if e == nil {
		return Integrity{Status: IntegrityUnknown}, nil
	}
	return checkSuite(w.Root, ex, e.Suite)
}

// SuiteIntegrityAgainst compares the suite of the same exercise in another
// checkout (a learner's) with this workshop's files, which are taken as
// pristine.
func (w *Workshop) SuiteIntegrityAgainst(other string, ex *Exercise) (Integrity, error) {
	files, err := w.SuiteFiles(ex)
	if err != nil {
		return Integrity{}, err
	}
	want, err := HashFiles(w.Root, files)
	if err != nil {
		return Integrity{}, err
	}
	return checkSuite(other, ex, want)
}

func checkSuite(root string, ex *Exercise, want map[string]string) (Integrity, error) {
	if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(ex.Dir()))); err != nil {
		return Integrity{}, fmt.Errorf("checking the suite of %s: %w", ex.Slug, err)
	}
	have, err := suiteFiles(root, ex)
	if err != nil {
		return Integrity{}, err
	}
	mod, extra, err := Compare(root, want, have)
	if err != nil {
		return Integrity{}, fmt.Errorf("checking the suite of %s: %w", ex.Slug, err)
	}
	in := Integrity{Status: IntegrityOK, Modified: mod, Extra: extra}
	if len(mod)+len(extra) > 0 {
		in.Status = IntegrityModified
	}
	return in, nil
}

// StubsPristine reports whether every stub of the exercise in the checkout
// at root is byte-for-byte the pristine stub: per the manifest when it has
// an entry (root == w.Root), else compared with w's own files.
func (w *Workshop) StubsPristine(root string, ex *Exercise) (bool, error) {
	var want map[string]string
	if e := w.Manifest.Entry(ex); e != nil && len(e.Stubs) > 0 {
		want = e.Stubs
	} else {
		if root == w.Root {
			return false, nil // nothing to compare with
		}
		var stubs []string
		for _, f := range ex.Files {
			stubs = append(stubs, f.Stub)
		}
		h, err := HashFiles(w.Root, stubs)
		if err != nil {
			return false, err
		}
		want = h
	}
	var have []string
	for rel := range want {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err == nil {
			have = append(have, rel)
		}
	}
	mod, _, err := Compare(root, want, have)
	if err != nil {
		return false, err
	}
	return len(mod) == 0, nil
}
