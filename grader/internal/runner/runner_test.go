package runner

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/grader/internal/gotest"
)

// fixture copies the grader's fake workshop to a temporary folder.
func fixture(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "workshop")
	dst := t.TempDir()
	require.NoError(t, copyTree(src, dst))
	return dst
}

func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	}))
	return out
}

func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
	root := fixture(t)
	abs := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	before := snapshot(t, root)
	tests := []struct {
		name       string
		spec       Spec
		wantPassed bool
		wantCopied bool
		check      func(t *testing.T, r *gotest.Result)
	}{
		{
			name: "the stub fails",
			spec: Spec{Package: "./exercises/01-sum/"},
			check: func(t *testing.T, r *gotest.Result) {
				require.Equal(t, gotest.StatusFail, r.Test("TestSum/one_number").Status)
				require.Equal(t, gotest.StatusPass, r.Test("TestMean/empty").Status)
			},
		},
		{
			name:       "a Go solution goes in through an overlay",
			spec:       Spec{Package: "./exercises/01-sum/", Replace: map[string]string{"exercises/01-sum/sum.go": abs("solutions/sum/sum.go")}},
			wantPassed: true,
		},
		{
			name:       "a non-Go stub needs a copy of the checkout",
			spec:       Spec{Package: "./exercises/04-query/", Replace: map[string]string{"exercises/04-query/answer.sql": abs("solutions/query/answer.sql")}},
			wantPassed: true, wantCopied: true,
		},
		{
			name: "an empty replacement deletes the file",
			spec: Spec{Package: "./exercises/04-query/", Replace: map[string]string{"exercises/04-query/query.go": ""}},
			check: func(t *testing.T, r *gotest.Result) {
				require.True(t, r.BuildFailed)
				require.Contains(t, strings.Join(r.BuildErrors, "\n"), "undefined: Answer")
			},
		},
		{
			name: "a hanging test is stopped at the timeout",
			spec: Spec{Package: "./exercises/03-wait/", Timeout: time.Second},
			check: func(t *testing.T, r *gotest.Result) {
				require.True(t, r.TimedOut())
				require.Equal(t, gotest.StatusTimeout, r.Test("TestFirst").Status)
				require.Equal(t, gotest.StatusPass, r.Test("TestChannelMade").Status)
				require.Nil(t, r.Test("TestFirstAgain"), "never started")
			},
		},
		{
			name: "a panic names its test",
			spec: Spec{Package: "./exercises/02-words/"},
			check: func(t *testing.T, r *gotest.Result) {
				require.Equal(t, gotest.StatusPanic, r.Test("TestCount/one_word").Status)
				require.Equal(t, "TODO 2.1: count the words", r.Panic.Value)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.spec.Root = root
			run, err := Test(context.Background(), tt.spec)
			require.NoError(t, err)
			require.Equal(t, tt.wantPassed, run.Result.Passed, "stderr: %s", run.Stderr)
			require.Equal(t, tt.wantCopied, run.Copied)
			require.False(t, run.Killed)
			if tt.check != nil {
				tt.check(t, run.Result)
			}
		})
	}
	require.Equal(t, before, snapshot(t, root), "runs must leave the checkout as it was")

	// Copies go to the same folder run after run (the build cache keys
	// packages by folder), which is gone once the run is over.
	spec := Spec{Root: root, Package: "./exercises/04-query/", Replace: map[string]string{"exercises/04-query/answer.sql": abs("solutions/query/answer.sql")}}
	first, err := Test(context.Background(), spec)
	require.NoError(t, err)
	second, err := Test(context.Background(), spec)
	require.NoError(t, err)
	require.Equal(t, first.Dir, second.Dir)
	require.NoDirExists(t, first.Dir)
}

func TestCopySlots(t *testing.T) {
	root := t.TempDir()
	a, releaseA, err := copySlot(root)
	require.NoError(t, err)
	b, releaseB, err := copySlot(root)
	require.NoError(t, err)
	require.NotEqual(t, a, b, "a folder in use is not handed out again")
	releaseA()
	require.NoDirExists(t, a)
	c, releaseC, err := copySlot(root)
	require.NoError(t, err)
	require.Equal(t, a, c, "the same path comes back once free, so the build cache still holds its packages")
	releaseB()
	releaseC()

	other, release, err := copySlot(t.TempDir())
	require.NoError(t, err)
	release()
	require.NotEqual(t, strings.TrimSuffix(a, "-0"), strings.TrimSuffix(other, "-0"), "another checkout has slots of its own")

	// A folder a killed run left behind is taken over once it is old.
	left, _, err := copySlot(root)
	require.NoError(t, err)
	old := time.Now().Add(-staleSlot - time.Minute)
	require.NoError(t, os.Chtimes(left, old, old))
	again, release, err := copySlot(root)
	require.NoError(t, err)
	require.Equal(t, left, again)
	release()
}

func TestRunReportsReplacedFilesUnderTheirOwnName(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
	root := fixture(t)
	learner := t.TempDir()
	broken := filepath.Join(learner, "words.go")
	require.NoError(t, os.WriteFile(broken, []byte("package words\n\nfunc Count(s string) map[string]int { return nil + 1 }\n"), 0o644))
	run, err := Test(context.Background(), Spec{
		Root: root, Package: "./exercises/02-words/", ReportAsReplaced: true,
		Replace: map[string]string{"exercises/02-words/words.go": broken},
	})
	require.NoError(t, err)
	require.True(t, run.Result.BuildFailed)
	require.Contains(t, run.Result.BuildErrors[0], filepath.FromSlash("exercises/02-words/words.go")+":3:")
	require.NotContains(t, strings.Join(run.Result.BuildErrors, "\n"), learner)
}

func TestRunKilledAtTheOuterDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
	root := fixture(t)
	// The test binary's own limit is far away; the outer deadline
	// (Timeout+BuildBudget) is 300ms, so the whole go command is killed.
	run, err := Test(context.Background(), Spec{
		Root: root, Package: "./exercises/03-wait/", Timeout: time.Minute, BuildBudget: 300*time.Millisecond - time.Minute,
	})
	require.NoError(t, err)
	require.True(t, run.Killed)
	require.False(t, run.Result.Passed)
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Test(ctx, Spec{Root: t.TempDir(), Package: "./x/"})
	require.ErrorIs(t, err, context.Canceled)
}

func TestPathRewriter(t *testing.T) {
	spec := Spec{Root: "/ws", Replace: map[string]string{"exercises/02/w.go": "/class/alice/exercises/02/w.go", "gone.go": ""}}
	rw := pathRewriter("/tmp/copy", spec, true)
	in := `{"Output":"../../class/alice/exercises/02/w.go:3:1: bad\n"} /class/alice/exercises/02/w.go:9 /tmp/copy/lib/x.go`
	got := string(rw([]byte(in)))
	require.Equal(t, `{"Output":"exercises/02/w.go:3:1: bad\n"} /ws/exercises/02/w.go:9 /ws/lib/x.go`, got)

	same := pathRewriter("/ws", Spec{Root: "/ws"}, false)
	require.Equal(t, "/ws/a.go", string(same([]byte("/ws/a.go"))))
}

func TestCopyTreeSkipsTopLevelDotEntries(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "c")
	require.NoError(t, os.MkdirAll(filepath.Join(src, ".git", "objects"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(src, "a", ".keep"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, ".git", "HEAD"), []byte("x"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "a", ".keep", "f"), []byte("y"), 0o644))
	require.NoError(t, copyTree(src, dst))
	_, err := os.Stat(filepath.Join(dst, ".git"))
	require.ErrorIs(t, err, fs.ErrNotExist)
	b, err := os.ReadFile(filepath.Join(dst, "a", ".keep", "f"))
	require.NoError(t, err)
	require.Equal(t, "y", string(b))
}
