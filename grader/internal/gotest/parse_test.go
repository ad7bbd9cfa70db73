package gotest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The streams in testdata were recorded with go1.26.8 from small packages
// (one per scenario); paths were rewritten to /ws and /goroot.

type testSummary struct {
	Name     string
	Status   Status
	Leaf     bool
	Task     string
	Messages []string
	Printed  []string
	Panic    string
}

type resultSummary struct {
	BuildFailed bool
	BuildErrors []string
	Passed      bool
	Ended       bool
	Panic       string
	Running     []string
	Output      []string
	Tests       []testSummary
}

func summarize(r *Result) resultSummary {
	s := resultSummary{
		BuildFailed: r.BuildFailed,
		BuildErrors: r.BuildErrors,
		Passed:      r.Passed,
		Ended:       r.Ended,
		Output:      r.Output,
	}
	if r.Panic != nil {
		s.Panic = r.Panic.Value
		s.Running = r.Panic.Running
	}
	for _, t := range r.Tests {
		ts := testSummary{
			Name: t.Name, Status: t.Status, Leaf: t.IsLeaf(), Task: t.Task(),
			Messages: t.Messages(), Printed: t.Printed(),
		}
		if t.Panic != nil {
			ts.Panic = t.Panic.Value
		}
		s.Tests = append(s.Tests, ts)
	}
	return s
}

func parseFile(t *testing.T, name string) *Result {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	require.NoError(t, err)
	defer f.Close()
	r, err := Parse(f)
	require.NoError(t, err)
	return r
}

func TestParse(t *testing.T) {
	tests := []struct {
		file string
		want resultSummary
	}{
		{
			file: "mixed.jsonl", // failures with messages, subtests, a skip, user output
			want: resultSummary{Ended: true, Tests: []testSummary{
				{Name: "TestAdd", Status: StatusFail, Leaf: true, Task: "1.1",
					Messages: []string{"m_test.go:12: Add(1, 2) = -1, want 3", "    TODO 1.1: add, don't subtract"},
					Printed:  []string{"debug: adding"}},
				{Name: "TestCases", Status: StatusFail, Task: "1.2"},
				{Name: "TestCases/zero_plus_zero", Status: StatusPass, Leaf: true},
				{Name: "TestCases/one_plus_one", Status: StatusFail, Leaf: true,
					Messages: []string{"m_test.go:27: Add(1, 1) = 0, want 2"}},
				{Name: "TestCases/later", Status: StatusSkip, Leaf: true,
					Messages: []string{"m_test.go:24: not part of this workshop yet"}},
				{Name: "TestPasses", Status: StatusPass, Leaf: true, Task: "1.3"},
			}},
		},
		{
			file: "panic.jsonl", // a top-level test panics; the next test never starts
			want: resultSummary{Ended: true, Panic: "TODO 2.1: join the strings", Tests: []testSummary{
				{Name: "TestFirst", Status: StatusPass, Leaf: true, Task: "2.1"},
				{Name: "TestJoin", Status: StatusPanic, Leaf: true, Task: "2.1", Panic: "TODO 2.1: join the strings"},
			}},
		},
		{
			file: "subpanic.jsonl", // a subtest panics; the report lands in the parent's output
			want: resultSummary{Ended: true,
				Panic: "runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x52e74f]",
				Tests: []testSummary{
					{Name: "TestLookup", Status: StatusFail},
					{Name: "TestLookup/found", Status: StatusPass, Leaf: true, Task: "3.1"},
					{Name: "TestLookup/nil_map", Status: StatusPanic, Leaf: true, Task: "3.1",
						Panic: "runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x52e74f]"},
				}},
		},
		{
			file: "slash.jsonl", // subtest names with slashes; a parallel subtest named like a grandchild
			want: resultSummary{Ended: true, Tests: []testSummary{
				{Name: "TestPaths", Status: StatusFail, Task: "1.3"},
				{Name: "TestPaths/POST_/v1/orders", Status: StatusPass, Leaf: true},
				{Name: "TestPaths/POST_/v1/orders/", Status: StatusFail, Leaf: true,
					Messages: []string{"slash_test.go:12: POST /v1/orders/ failed"}},
				{Name: "TestParallel", Status: StatusPass},
				{Name: "TestParallel/a", Status: StatusPass, Leaf: true},
				{Name: "TestParallel/a/b", Status: StatusPass, Leaf: true},
			}},
		},
		{
			file: "timeout.jsonl", // -timeout 1s stops a hanging subtest
			want: resultSummary{Ended: true, Panic: "test timed out after 1s",
				Running: []string{"TestHang", "TestHang/forever"},
				Tests: []testSummary{
					{Name: "TestQuick", Status: StatusPass, Leaf: true},
					{Name: "TestHang", Status: StatusTimeout, Panic: "test timed out after 1s"},
					{Name: "TestHang/forever", Status: StatusTimeout, Leaf: true, Task: "4.1", Panic: "test timed out after 1s"},
				}},
		},
		{
			file: "build.jsonl",
			want: resultSummary{Ended: true, BuildFailed: true, BuildErrors: []string{
				"build/b.go:3:37: undefined: total",
				"build/b.go:5:29: cannot use 1 (untyped int constant) as string value in return statement",
			}},
		},
		{
			file: "vet.jsonl", // go test runs a vet subset first; its findings fail the build
			want: resultSummary{Ended: true, BuildFailed: true, BuildErrors: []string{
				"vet/v.go:5:48: fmt.Sprintf format %s has arg n of wrong type int",
			}},
		},
		{
			file: "initpanic.jsonl", // a panic outside any test
			want: resultSummary{Ended: true, Panic: "assignment to entry in nil map"},
		},
		{
			file: "exit.jsonl", // os.Exit in a test: it never reports back
			want: resultSummary{Ended: true, Tests: []testSummary{
				{Name: "TestBefore", Status: StatusPass, Leaf: true},
				{Name: "TestExit", Status: StatusUnfinished, Leaf: true},
			}},
		},
		{
			file: "setup.jsonl", // the package directory does not exist
			want: resultSummary{Ended: true, BuildFailed: true, BuildErrors: []string{
				"stat /ws/missing: directory not found",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".jsonl"), func(t *testing.T) {
			got := summarize(parseFile(t, tt.file))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestParseParents(t *testing.T) {
	r := parseFile(t, "slash.jsonl")
	for name, want := range map[string]string{
		"TestPaths/POST_/v1/orders":  "TestPaths",
		"TestPaths/POST_/v1/orders/": "TestPaths",    // not its sibling, which ended before it started
		"TestParallel/a/b":           "TestParallel", // not TestParallel/a, paused in t.Parallel
	} {
		require.Equal(t, want, r.Test(name).Parent, name)
	}
}

func TestParsePanicFrames(t *testing.T) {
	r := parseFile(t, "subpanic.jsonl")
	pn := r.Test("TestLookup/nil_map").Panic
	require.NotNil(t, pn)
	require.NotEmpty(t, pn.Goroutines)
	want := []Frame{
		{Func: "testing.tRunner.func1.2", File: "/goroot/src/testing/testing.go", Line: 1974},
		{Func: "testing.tRunner.func1", File: "/goroot/src/testing/testing.go", Line: 1977},
		{Func: "panic", File: "/goroot/src/runtime/panic.go", Line: 860},
		{Func: "example.com/cap/subpanic.Lookup", File: "/ws/subpanic/p.go", Line: 3},
		{Func: "example.com/cap/subpanic.TestLookup.func2", File: "/ws/subpanic/p_test.go", Line: 9},
		{Func: "testing.tRunner", File: "/goroot/src/testing/testing.go", Line: 2036},
		{Func: "testing.(*T).Run", File: "/goroot/src/testing/testing.go", Line: 2101},
	}
	if diff := cmp.Diff(want, pn.Goroutines[0].Frames); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
}

func TestParseToleratesNoise(t *testing.T) {
	in := "go: downloading example.com/x v1.0.0\n" +
		`{"Action":"start","Package":"p"}` + "\n" +
		`{"Action":"run","Package":"p","Test":"TestA"}` + "\n" +
		`{"Action":"pass","Package":"p","Test":"TestA","Elapsed":0.5}` + "\n" +
		`{not json` + "\n" +
		`{"Action":"pass","Package":"p","Elapsed":0.6}` + "\n"
	r, err := Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, []string{"go: downloading example.com/x v1.0.0", "{not json"}, r.Unparsed)
	require.True(t, r.Passed)
	require.Len(t, r.Tests, 1)
	require.Equal(t, StatusPass, r.Tests[0].Status)
	require.Equal(t, "500ms", r.Tests[0].Elapsed.String())
}

func TestParseCutShort(t *testing.T) {
	// The stream stops mid-test (the process was killed from outside).
	in := `{"Action":"start","Package":"p"}` + "\n" +
		`{"Action":"run","Package":"p","Test":"TestA"}` + "\n"
	r, err := Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.False(t, r.Ended)
	require.Equal(t, StatusUnfinished, r.Test("TestA").Status)
}

func TestParseBoundsOutput(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Action":"run","Package":"p","Test":"TestLoud"}` + "\n")
	for i := 0; i < maxOutputLines+500; i++ {
		b.WriteString(`{"Action":"output","Package":"p","Test":"TestLoud","Output":"again\n"}` + "\n")
	}
	b.WriteString(`{"Action":"output","Package":"p","Test":"TestLoud","Output":"panic: enough\n"}` + "\n")
	b.WriteString(`{"Action":"fail","Package":"p","Test":"TestLoud"}` + "\n")
	r, err := Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	tl := r.Test("TestLoud")
	require.Equal(t, 500, tl.Dropped)
	require.Len(t, tl.Output, maxOutputLines, "the panic report is cut off the output")
	require.Equal(t, StatusPanic, tl.Status, "the panic after the flood is still seen")
	require.Equal(t, "enough", tl.Panic.Value)
}

func TestParsePrintedPanicTextIsNotAPanic(t *testing.T) {
	in := `{"Action":"run","Package":"p","Test":"TestA"}` + "\n" +
		`{"Action":"output","Package":"p","Test":"TestA","Output":"panic: only words\n"}` + "\n" +
		`{"Action":"pass","Package":"p","Test":"TestA"}` + "\n" +
		`{"Action":"pass","Package":"p"}` + "\n"
	r, err := Parse(strings.NewReader(in))
	require.NoError(t, err)
	require.Equal(t, StatusPass, r.Test("TestA").Status)
	require.Nil(t, r.Panic)
	require.Equal(t, []string{"panic: only words"}, r.Test("TestA").Printed())
}
