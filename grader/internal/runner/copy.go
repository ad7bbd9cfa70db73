package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// maxSlots bounds the copy folders of one checkout that can be in use at
// once; beyond it a run takes a fresh random folder.
const maxSlots = 64

// staleSlot is how old a copy folder must be before a run may take it over:
// a run that was killed leaves its folder behind. No run lasts this long
// (its limit is the test timeout plus DefaultBuildBudget).
const staleSlot = 6 * time.Hour

// copySlot returns an empty folder to copy the checkout at root into, and a
// function that removes it. The go command's build cache keys each compiled
// package by the folder it is in, so a fresh random folder per run would
// compile the whole workspace again (about six times as long as a cached
// run); the folder is therefore one of a few fixed paths per checkout,
// tmp/grader-copy-<hash of root>-<n>, each held by one run at a time
// (os.Mkdir is the lock). Removing it after the run keeps the cache entries
// valid, since they name the path, not the files.
func copySlot(root string) (string, func(), error) {
	sum := sha256.Sum256([]byte(root))
	base := filepath.Join(os.TempDir(), "grader-copy-"+hex.EncodeToString(sum[:6]))
	for i := 0; i < maxSlots; i++ {
		dir := fmt.Sprintf("%s-%d", base, i)
		err := os.Mkdir(dir, 0o755)
		if errors.Is(err, fs.ErrExist) {
			if st, serr := os.Stat(dir); serr == nil && time.Since(st.ModTime()) > staleSlot && os.RemoveAll(dir) == nil {
				err = os.Mkdir(dir, 0o755)
			}
		}
		if err == nil {
			return dir, func() { os.RemoveAll(dir) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", nil, fmt.Errorf("making a folder for a copy of the checkout: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "grader-copy-")
	if err != nil {
		return "", nil, fmt.Errorf("making a folder for a copy of the checkout: %w", err)
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// copyTree copies the checkout at src to dst, leaving out top-level entries
// whose names start with a dot (.git, .grader and the like): the go command
// ignores them and they can be large.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if rel != "." && !strings.Contains(rel, string(filepath.Separator)) && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s: %w", src, err)
	}
	return out.Close()
}
