package workshop

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// fixture copies the grader's fake workshop to a temporary folder.
func fixture(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "testdata", "workshop")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	require.NoError(t, err)
	return dst
}

func TestOpenAndFind(t *testing.T) {
	root := fixture(t)
	ws, err := Open(root)
	require.NoError(t, err)
	var slugs []string
	for _, ex := range ws.Exercises {
		slugs = append(slugs, ex.Slug)
	}
	require.Equal(t, []string{"01-sum", "02-words", "03-wait", "04-query"}, slugs)

	for _, name := range []string{"2", "02", "02-words", "words", "exercises/02-words/"} {
		ex, err := ws.Find(name)
		require.NoError(t, err, name)
		require.Equal(t, "02-words", ex.Slug)
	}
	_, err = ws.Find("9")
	require.ErrorIs(t, err, ErrUnknownExercise)
	require.Contains(t, err.Error(), "01, 02, 03, 04")

	ex, _ := ws.Find("01")
	require.Equal(t, []Task{{"1.1", "add the numbers"}, {"1.2", "average them"}}, ex.Tasks())
	require.Equal(t, 2, ex.TaskIndex("1.2"))
	require.Equal(t, "./exercises/01-sum/", ex.Package())

	sub := filepath.Join(root, "exercises", "01-sum")
	found, err := FindRoot(sub)
	require.NoError(t, err)
	require.Equal(t, root, found)
	_, err = FindRoot(t.TempDir())
	require.ErrorIs(t, err, ErrNotWorkshop)
}

func TestOpenRejectsMismatchedSlug(t *testing.T) {
	root := fixture(t)
	file := filepath.Join(root, "exercises", "01-sum", "exercise.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"id":"01","slug":"01-other"}`), 0o644))
	_, err := Open(root)
	require.ErrorContains(t, err, `slug "01-other" does not match its folder "01-sum"`)
}

func TestTaskLess(t *testing.T) {
	ids := []string{"3.10", "3.2", "10.1", "3.1", "2.1"}
	ex := &Exercise{TaskTitles: map[string]string{}}
	for _, id := range ids {
		ex.TaskTitles[id] = ""
	}
	var got []string
	for _, tk := range ex.Tasks() {
		got = append(got, tk.ID)
	}
	require.Equal(t, []string{"2.1", "3.1", "3.2", "3.10", "10.1"}, got)
}

func TestParseHints(t *testing.T) {
	in := "# Hints\n\nIntro text.\n\n## Hint 1 — where to start\nLook.\n\n## Hint 2: the shape\nA loop\nover it.\n\n" +
		"## Hint 3\r\n`code`\r\n## Not a hint\nstill hint 3\n"
	got, err := ParseHints(strings.NewReader(in))
	require.NoError(t, err)
	want := []Hint{
		{Level: 1, Title: "where to start", Body: "Look."},
		{Level: 2, Title: "the shape", Body: "A loop\nover it."},
		{Level: 3, Title: "", Body: "`code`\n## Not a hint\nstill hint 3"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hints (-want +got):\n%s", diff)
	}
}

func TestPoints(t *testing.T) {
	ex := &Exercise{ID: "03", Slug: "03-joins"}
	tests := []struct {
		name  string
		p     Points
		test  string
		task  string
		wantN int
	}{
		{"nothing configured", Points{}, "TestA", "3.1", 1},
		{"global default", Points{Default: 2}, "TestA", "3.1", 2},
		{"exercise default by id", Points{Default: 2, Exercises: map[string]*ExercisePoints{"03": {Default: 3}}}, "TestA", "", 3},
		{"exercise default by slug", Points{Exercises: map[string]*ExercisePoints{"03-joins": {Default: 4}}}, "TestA", "", 4},
		{"task", Points{Exercises: map[string]*ExercisePoints{"03": {Default: 3, Tasks: map[string]int{"3.1": 6}}}}, "TestA", "3.1", 6},
		{"test beats task", Points{Exercises: map[string]*ExercisePoints{"03": {Tasks: map[string]int{"3.1": 6}, Tests: map[string]int{"TestA/x": 9}}}}, "TestA/x", "3.1", 9},
		{"parent test applies to subtests", Points{Exercises: map[string]*ExercisePoints{"03": {Tests: map[string]int{"TestA": 7}}}}, "TestA/x/y", "", 7},
		{"zero is allowed for a test", Points{Exercises: map[string]*ExercisePoints{"03": {Tests: map[string]int{"TestA": 0}}}}, "TestA", "", 0},
	}
	for _, tt := range tests {
		require.Equal(t, tt.wantN, tt.p.For(ex, tt.test, tt.task), tt.name)
	}
}

func TestLoadPointsRejectsUnknownKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "points.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"defualt": 2}`), 0o644))
	_, err := LoadPoints(file)
	require.ErrorContains(t, err, "defualt")
	p, err := LoadPoints(filepath.Join(t.TempDir(), "missing.json"))
	require.NoError(t, err)
	require.Equal(t, 1, p.For(&Exercise{}, "TestA", ""))
}

func TestBlobID(t *testing.T) {
	// The ids `git hash-object` gives.
	require.Equal(t, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", BlobID(nil))
	require.Equal(t, "ce013625030ba8dba906f756967f9e9ca394464a", BlobID([]byte("hello\n")))

	// A CRLF checkout matches the LF blob too.
	file := filepath.Join(t.TempDir(), "f.go")
	require.NoError(t, os.WriteFile(file, []byte("hello\r\n"), 0o644))
	ids, err := FileBlobIDs(file)
	require.NoError(t, err)
	require.Contains(t, ids, "ce013625030ba8dba906f756967f9e9ca394464a")
}

func TestIntegrity(t *testing.T) {
	root := fixture(t)
	ws, err := Open(root)
	require.NoError(t, err)
	ex, _ := ws.Find("01")

	integ, err := ws.SuiteIntegrity(ex)
	require.NoError(t, err)
	require.Equal(t, Integrity{Status: IntegrityOK}, integ)

	pristine, err := ws.StubsPristine(root, ex)
	require.NoError(t, err)
	require.True(t, pristine)

	// A learner edits the suite, adds a test file, and starts on the stub.
	test := filepath.Join(root, "exercises", "01-sum", "sum_test.go")
	b, _ := os.ReadFile(test)
	require.NoError(t, os.WriteFile(test, append(b, "\n// mine\n"...), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "exercises", "01-sum", "extra_test.go"), []byte("package sum\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "exercises", "01-sum", "sum.go"), []byte("package sum\n"), 0o644))

	integ, err = ws.SuiteIntegrity(ex)
	require.NoError(t, err)
	require.Equal(t, Integrity{Status: IntegrityModified,
		Modified: []string{"exercises/01-sum/sum_test.go"},
		Extra:    []string{"exercises/01-sum/extra_test.go"}}, integ)
	pristine, err = ws.StubsPristine(root, ex)
	require.NoError(t, err)
	require.False(t, pristine)

	// The same comparison against another checkout (grade).
	pristineRoot := fixture(t)
	other, err := Open(pristineRoot)
	require.NoError(t, err)
	integ, err = other.SuiteIntegrityAgainst(root, ex)
	require.NoError(t, err)
	require.Equal(t, IntegrityModified, integ.Status)
	require.Equal(t, []string{"exercises/01-sum/sum_test.go", "exercises/01-sum/extra_test.go"}, integ.Files())
}

func TestOwnFilesAndSuiteFiles(t *testing.T) {
	root := fixture(t)
	ws, err := Open(root)
	require.NoError(t, err)
	ex, _ := ws.Find("04")
	own, err := OwnFiles(root, ex)
	require.NoError(t, err)
	require.Equal(t, []string{"exercises/04-query/answer.sql", "exercises/04-query/query.go"}, own)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "exercises", "04-query", "testdata"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "exercises", "04-query", "testdata", "in.txt"), nil, 0o644))
	suite, err := ws.SuiteFiles(ex)
	require.NoError(t, err)
	require.Equal(t, []string{"exercises/04-query/query_test.go", "exercises/04-query/testdata/in.txt"}, suite)
}

func TestTestFuncs(t *testing.T) {
	root := fixture(t)
	ws, err := Open(root)
	require.NoError(t, err)
	ex, _ := ws.Find("03")
	funcs, err := TestFuncs(root, ex)
	require.NoError(t, err)
	var names []string
	for _, f := range funcs {
		names = append(names, f.Name)
	}
	require.Equal(t, []string{"TestChannelMade", "TestFirst", "TestFirstAgain"}, names)
	require.True(t, strings.HasPrefix(funcs[1].Code, "func TestFirst(t *testing.T) {"))
	require.Equal(t, "exercises/03-wait/wait_test.go", funcs[1].File)
}

func TestState(t *testing.T) {
	root := t.TempDir()
	st, err := LoadState(root)
	require.NoError(t, err)
	require.Equal(t, 1, st.NextHint("03", 3))
	st.ShowHint("03", 2)
	st.ShowHint("03", 1)
	st.ShowHint("03", 2)
	require.Equal(t, 3, st.NextHint("03", 3))
	st.ShowHint("03", 3)
	require.Equal(t, 3, st.NextHint("03", 3), "all seen: the last level again")
	st.Current = "03"
	require.NoError(t, st.Save(root))

	back, err := LoadState(root)
	require.NoError(t, err)
	require.Equal(t, &State{Current: "03", Hints: map[string][]int{"03": {1, 2, 3}}}, back)
	require.Equal(t, 3, back.HintsShown("03"))

	require.NoError(t, os.WriteFile(filepath.Join(root, ".grader", "state.json"), []byte("{"), 0o644))
	_, err = LoadState(root)
	require.ErrorContains(t, err, "delete it to start afresh")
}

func TestManifestRoundTrip(t *testing.T) {
	file := filepath.Join(t.TempDir(), "grader", "manifest.json")
	m, err := LoadManifest(file)
	require.NoError(t, err)
	require.Empty(t, m.Exercises)
	m.Exercises["01-sum"] = &ExerciseManifest{
		Suite: map[string]string{"exercises/01-sum/sum_test.go": "abc"},
		Tests: []ExpectedTest{{Name: "TestSum/one", Task: "1.1", Leaf: true, Stub: "fail"}},
	}
	require.NoError(t, m.Save(file))
	back, err := LoadManifest(file)
	require.NoError(t, err)
	require.Equal(t, m.Exercises, back.Exercises)
}

func TestRoster(t *testing.T) {
	root := fixture(t)
	ws, err := Open(root)
	require.NoError(t, err)
	require.Nil(t, ws.Roster, "no grader/workshop.json: the folders are the roster")
	require.Empty(t, ws.Absent())
	require.Empty(t, ws.Unlisted())

	require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(RosterPath)), []byte(`{"exercises": [
		{"id": "05", "slug": "05-stream", "title": "A stream"},
		{"id": "01", "slug": "01-sum", "title": "Adding numbers"},
		{"id": "02", "slug": "02-words", "title": "Counting words"},
		{"id": "03", "slug": "03-wait", "title": "Waiting"}
	]}`), 0o644))
	ws, err = Open(root)
	require.NoError(t, err)
	require.Equal(t, []RosterEntry{{ID: "05", Slug: "05-stream", Title: "A stream"}}, ws.Absent())
	require.Len(t, ws.Unlisted(), 1)
	require.Equal(t, "04-query", ws.Unlisted()[0].Slug)
	for _, name := range []string{"5", "05", "05-stream", "stream"} {
		_, err = ws.Find(name)
		require.ErrorIs(t, err, ErrNotInCheckout, name)
		require.Contains(t, err.Error(), "05-stream (A stream) is not in this checkout yet: pull")
	}

	for _, bad := range []string{
		`{"exercises": [{"id": "05", "slug": "06-stream"}]}`,
		`{"exercises": [{"id": "05", "slug": "05-a"}, {"id": "05", "slug": "05-b"}]}`,
		`{"exercise": []}`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(root, filepath.FromSlash(RosterPath)), []byte(bad), 0o644))
		_, err = Open(root)
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), "workshop.json", bad)
	}
}
