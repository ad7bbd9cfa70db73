package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/grader/internal/report"
	"github.com/streamworkshop/workshop/grader/internal/workshop"
)

func resetCmd() *command {
	var yes, tests, all bool
	return &command{
		name: "reset", args: "NN [-yes] [-tests] | -all", summary: "restore an exercise's stub (asks first, keeps a backup)",
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&yes, "yes", false, "do not ask for confirmation")
			fs.BoolVar(&tests, "tests", false, "restore the exercise's test files instead of its stub")
			fs.BoolVar(&all, "all", false, "reset every exercise")
		},
		run: func(ctx context.Context, a *app, args []string) int {
			var exs []*workshop.Exercise
			switch {
			case all && len(args) == 0:
				exs = a.ws.Exercises
			case !all && len(args) == 1:
				ex, err := a.ws.Find(args[0])
				if err != nil {
					a.errorf("%v", err)
					return exitUsage
				}
				exs = []*workshop.Exercise{ex}
			default:
				a.errorf("usage: reset NN [-yes] [-tests], or reset -all [-yes]")
				return exitUsage
			}
			if a.opts.json && !yes {
				a.errorf("reset -json cannot ask for confirmation: add -yes")
				return exitUsage
			}
			return a.reset(ctx, exs, tests, yes)
		},
	}
}

// restore is one file to put back: its pristine content comes from git.
type restore struct {
	rel    string
	blob   string // git blob id, "" to use HEAD's version
	remove bool   // an extra test file: back it up and delete it
}

func (a *app) reset(ctx context.Context, exs []*workshop.Exercise, tests, yes bool) int {
	var todo []restore
	for _, ex := range exs {
		rs, err := a.toRestore(ex, tests)
		if err != nil {
			return a.envError(err)
		}
		todo = append(todo, rs...)
	}
	what := "stub"
	if tests {
		what = "test"
	}
	if len(todo) == 0 {
		if a.opts.json {
			return a.resetJSON(nil, "")
		}
		fmt.Fprintf(a.io.out, "Nothing to reset: the %s files are already the originals.\n", what)
		return exitOK
	}
	stamp := time.Now().Format("20060102-150405")
	for i := 2; ; i++ { // never overwrite an earlier backup
		if _, err := os.Stat(filepath.Join(a.ws.Root, ".grader", "backup", stamp)); err != nil {
			break
		}
		stamp = time.Now().Format("20060102-150405") + fmt.Sprintf("-%d", i)
	}
	backupRel := filepath.ToSlash(filepath.Join(".grader", "backup", stamp))
	if !a.opts.json {
		fmt.Fprintf(a.io.out, "This restores the original %s files:\n", what)
		for _, r := range todo {
			verb := "restore"
			if r.remove {
				verb = "remove "
			}
			fmt.Fprintf(a.io.out, "  %s %s\n", verb, r.rel)
		}
		fmt.Fprintf(a.io.out, "Your versions are kept in %s/.\n", backupRel)
	}
	if !yes && !a.confirm("Go ahead? [y/N] ") {
		fmt.Fprintln(a.io.out, "Nothing changed.")
		return exitFailing
	}
	backup := filepath.Join(a.ws.Root, ".grader", "backup", stamp)
	for _, r := range todo {
		if err := a.restoreFile(ctx, r, backup); err != nil {
			return a.envError(err)
		}
		if a.opts.json {
			continue
		}
		verb := "restored"
		if r.remove {
			verb = "removed"
		}
		fmt.Fprintf(a.io.out, "%s %s\n", a.style.Green(verb), r.rel)
	}
	if a.opts.json {
		return a.resetJSON(todo, backupRel)
	}
	return exitOK
}

// resetJSON prints what reset did: the files restored from the original
// and the added test files removed (root-relative), and the backup folder
// that holds the learner's versions ("" when nothing changed).
func (a *app) resetJSON(done []restore, backup string) int {
	out := struct {
		Restored []string `json:"restored"`
		Removed  []string `json:"removed"`
		Backup   *string  `json:"backup"`
	}{Restored: []string{}, Removed: []string{}}
	for _, r := range done {
		if r.remove {
			out.Removed = append(out.Removed, r.rel)
		} else {
			out.Restored = append(out.Restored, r.rel)
		}
	}
	if backup != "" {
		out.Backup = &backup
	}
	if err := report.WriteJSON(a.io.out, out); err != nil {
		return a.envError(err)
	}
	return exitOK
}

// toRestore lists the files of ex that differ from the pristine workshop.
func (a *app) toRestore(ex *workshop.Exercise, tests bool) ([]restore, error) {
	entry := a.ws.Manifest.Entry(ex)
	if tests {
		integ, err := a.ws.SuiteIntegrity(ex)
		if err != nil {
			return nil, err
		}
		if integ.Status == workshop.IntegrityUnknown {
			return nil, fmt.Errorf("%s is not in %s, so its original tests are unknown", ex.Slug, workshop.ManifestPath)
		}
		var out []restore
		for _, rel := range integ.Modified {
			out = append(out, restore{rel: rel, blob: entry.Suite[rel]})
		}
		for _, rel := range integ.Extra {
			out = append(out, restore{rel: rel, remove: true})
		}
		return out, nil
	}
	var out []restore
	for _, f := range ex.Files {
		blob := ""
		if entry != nil {
			blob = entry.Stubs[f.Stub]
		}
		if blob != "" {
			ids, err := workshop.FileBlobIDs(a.ws.Abs(f.Stub))
			if err == nil && contains(ids, blob) {
				continue
			}
		}
		out = append(out, restore{rel: f.Stub, blob: blob})
	}
	return out, nil
}

func (a *app) confirm(prompt string) bool {
	fmt.Fprint(a.io.out, prompt)
	line, err := bufio.NewReader(a.io.in).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(a.io.out)
		return false
	}
	ans := strings.ToLower(strings.TrimSpace(line))
	return ans == "y" || ans == "yes"
}

func (a *app) restoreFile(ctx context.Context, r restore, backupDir string) error {
	abs := a.ws.Abs(r.rel)
	var content []byte
	if !r.remove {
		var err error
		if content, err = a.pristine(ctx, r); err != nil {
			return err
		}
	}
	if cur, err := os.ReadFile(abs); err == nil {
		dst := filepath.Join(backupDir, filepath.FromSlash(r.rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("backing up %s: %w", r.rel, err)
		}
		if err := os.WriteFile(dst, cur, 0o644); err != nil {
			return fmt.Errorf("backing up %s: %w", r.rel, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backing up %s: %w", r.rel, err)
	}
	if r.remove {
		if err := os.Remove(abs); err != nil {
			return fmt.Errorf("removing %s: %w", r.rel, err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return fmt.Errorf("restoring %s: %w", r.rel, err)
	}
	if err := os.WriteFile(abs, content, 0o644); err != nil {
		return fmt.Errorf("restoring %s: %w", r.rel, err)
	}
	return nil
}

// pristine fetches a file's original content from the clone's git objects:
// by blob id when the manifest has one (this works even after the learner
// committed over the file), else the version at HEAD.
func (a *app) pristine(ctx context.Context, r restore) ([]byte, error) {
	args := []string{"show", "HEAD:" + r.rel}
	if r.blob != "" {
		args = []string{"cat-file", "blob", r.blob}
	}
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = a.ws.Root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("getting the original %s from git (git %s): %w: %s",
			r.rel, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	if r.blob != "" && workshop.BlobID(out) != r.blob {
		return nil, fmt.Errorf("git returned content for %s that does not match blob %s", r.rel, r.blob)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
