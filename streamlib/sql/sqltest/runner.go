package sqltest

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// RunDir runs every test file (*.sql) of a directory, each case as a
// subtest named after the file and the case.
func RunDir(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("sqltest: no *.sql files in %s", dir)
	}
	sort.Strings(files)
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".sql"), func(t *testing.T) { RunFile(t, f) })
	}
}

// RunFile runs the cases of one test file.
func RunFile(t *testing.T, path string) {
	t.Helper()
	cases, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if err := c.Run(t); err != nil {
				t.Fatalf("%s:%d: %v", c.File, c.Line, err)
			}
		})
	}
}

// Run runs the case on a fresh engine (see NewEngine) and returns what
// went wrong: a statement that failed, an assertion that did not hold, an
// expected error that did not come, or output records no assertion read.
func (c *Case) Run(t testing.TB) error {
	stmts, err := parser.Parse(c.SQL)
	if err != nil {
		return c.outcome(err)
	}
	e, rt := NewEngine(t)
	chk := &checker{e: e, rt: rt, read: map[string]int{}}
	ctx := context.Background()
	for _, s := range stmts {
		var err error
		switch s := s.(type) {
		case *ast.AssertValues:
			if c.Tombstones[s.Pos().Line] {
				err = chk.tombstone(ctx, s)
			} else {
				err = chk.assertValues(s)
			}
		case *ast.AssertSource:
			err = chk.assertSource(s)
		default:
			var r *engine.Result
			r, err = e.ExecuteStatement(ctx, s)
			if err == nil && r.Rows != nil {
				_ = r.Rows.Close()
			}
		}
		if err != nil {
			return c.outcome(err)
		}
	}
	if c.ExpectedError != "" {
		return fmt.Errorf("expected an error containing %q, but every statement succeeded", c.ExpectedError)
	}
	return chk.leftovers()
}

// outcome checks an error against the expected one.
func (c *Case) outcome(err error) error {
	if c.ExpectedError == "" {
		return err
	}
	if !strings.Contains(err.Error(), c.ExpectedError) {
		return fmt.Errorf("expected an error containing %q, got: %v", c.ExpectedError, err)
	}
	return nil
}

// checker reads the records of the topics the assertions name.
type checker struct {
	e  *engine.Engine
	rt *Runtime
	// read counts the records of each source's topic that assertions
	// have read.
	read map[string]int
}

// source finds the source an assertion names.
func (c *checker) source(id ast.Ident) (*catalog.Source, error) {
	src, ok := c.e.Catalog().Source(id.Name)
	if !ok {
		return nil, fmt.Errorf("%s: ASSERT: %s does not exist", id.Pos(), ast.QuoteIdent(id.Name))
	}
	return src, nil
}

// record is an output record, decoded.
type record struct {
	key, value plan.Row // value is nil for a tombstone
	ts         int64
	window     []any // WINDOWSTART and WINDOWEND of a windowed key
}

func (c *checker) next(src *catalog.Source) (*record, bool, error) {
	recs := c.rt.Records(src.Topic)
	n := c.read[src.Name]
	if n >= len(recs) {
		return nil, false, nil
	}
	c.read[src.Name] = n + 1
	return decode(src, recs[n])
}

func decode(src *catalog.Source, r engine.Record) (*record, bool, error) {
	ks, err := plan.KeySerde(src)
	if err != nil {
		return nil, false, err
	}
	vs, err := plan.ValueSerde(src)
	if err != nil {
		return nil, false, err
	}
	out := &record{ts: r.Timestamp}
	if r.Key != nil {
		if out.key, err = ks.Deserialize(r.Key); err != nil {
			return nil, false, fmt.Errorf("key of a record of %s: %w", src.Name, err)
		}
	}
	if src.Window != nil && len(out.key) >= 2 {
		n := len(out.key) - 2
		out.window = []any{out.key[n], out.key[n+1]}
		out.key = out.key[:n]
	}
	if r.Value != nil {
		if out.value, err = vs.Deserialize(r.Value); err != nil {
			return nil, false, fmt.Errorf("value of a record of %s: %w", src.Name, err)
		}
		if out.value == nil {
			out.value = plan.Row{}
		}
	}
	return out, true, nil
}

// String writes the record the way an ASSERT would name it.
func (r *record) text(src *catalog.Source) string {
	var cols, vals []string
	add := func(name string, v any) {
		cols = append(cols, name)
		vals = append(vals, types.Literal(v))
	}
	if r.ts >= 0 {
		add("ROWTIME", r.ts)
	}
	for i, k := range src.Key() {
		if i < len(r.key) {
			add(ast.QuoteIdent(k.Name), r.key[i])
		}
	}
	if r.window != nil {
		// An assertion may name one bound only.
		if r.window[0] != nil {
			add("WINDOWSTART", r.window[0])
		}
		if r.window[1] != nil {
			add("WINDOWEND", r.window[1])
		}
	}
	if r.value == nil {
		return fmt.Sprintf("a tombstone (%s) KEY (%s)", strings.Join(cols, ", "), strings.Join(vals, ", "))
	}
	for i, v := range src.Value() {
		if i < len(r.value) {
			add(ast.QuoteIdent(v.Name), r.value[i])
		}
	}
	return fmt.Sprintf("(%s) VALUES (%s)", strings.Join(cols, ", "), strings.Join(vals, ", "))
}

// assertValues checks the next record of the target against the row.
func (c *checker) assertValues(s *ast.AssertValues) error {
	src, err := c.source(s.Target)
	if err != nil {
		return err
	}
	want, err := c.expected(src, s)
	if err != nil {
		return err
	}
	got, ok, err := c.next(src)
	if err != nil {
		return err
	}
	what := "ASSERT VALUES"
	if s.Tombstone {
		what = "ASSERT NULL VALUES"
	}
	if !ok {
		return fmt.Errorf("%s: %s %s: %s has no more records; expected %s", s.Pos(), what, ast.QuoteIdent(src.Name), src.Topic, want.text(src))
	}
	if diff := want.diff(got, s.Tombstone); diff != "" {
		return fmt.Errorf("%s: %s %s: the next record differs (%s):\n  expected %s\n  got      %s",
			s.Pos(), what, ast.QuoteIdent(src.Name), diff, want.text(src), got.text(src))
	}
	return nil
}

// tombstone produces the deletion of a --@tombstone: directive.
func (c *checker) tombstone(ctx context.Context, s *ast.AssertValues) error {
	src, err := c.source(s.Target)
	if err != nil {
		return err
	}
	r, err := c.expected(src, s)
	if err != nil {
		return err
	}
	kc, err := src.KeyCodec()
	if err != nil {
		return err
	}
	key, err := kc.Encode(r.key)
	if err != nil {
		return fmt.Errorf("%s: tombstone key: %w", s.Pos(), err)
	}
	ts := c.rt.Now().UnixMilli()
	if r.ts >= 0 {
		ts = r.ts
	}
	return c.rt.Produce(ctx, engine.Record{Topic: src.Topic, Key: key, Timestamp: ts})
}

// expected builds the asserted record the way INSERT VALUES builds one.
func (c *checker) expected(src *catalog.Source, s *ast.AssertValues) (*record, error) {
	if len(s.Columns) > 0 && len(s.Columns) != len(s.Values) {
		return nil, fmt.Errorf("%s: ASSERT: %d columns but %d values", s.Pos(), len(s.Columns), len(s.Values))
	}
	names := s.Columns
	if names == nil {
		names = nil
		for _, col := range src.Columns {
			names = append(names, ast.Ident{Name: col.Name})
		}
		if len(names) != len(s.Values) {
			return nil, fmt.Errorf("%s: ASSERT: %s has %d columns but %d values are given; name the columns", s.Pos(), src.Name, len(names), len(s.Values))
		}
	}
	want := &record{ts: -1}
	iv := &ast.InsertValues{Loc: s.Loc, Target: s.Target}
	var window [2]any
	hasWindow := false
	for i, n := range names {
		switch n.Name {
		case "WINDOWSTART", "WINDOWEND":
			v, vt, err := expr.Eval(s.Values[i])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Values[i].Pos(), err)
			}
			ms, err := types.Cast(v, vt, types.Bigint)
			if err != nil {
				return nil, fmt.Errorf("%s: %s must be a BIGINT: %w", s.Values[i].Pos(), n.Name, err)
			}
			hasWindow = true
			if n.Name == "WINDOWSTART" {
				window[0] = ms
			} else {
				window[1] = ms
			}
			continue
		}
		iv.Columns = append(iv.Columns, n)
		iv.Values = append(iv.Values, s.Values[i])
	}
	if hasWindow {
		want.window = window[:]
	}
	a, err := catalog.InsertRow(src, iv)
	if err != nil {
		return nil, err
	}
	want.key = a.Key
	if !s.Tombstone {
		want.value = a.Value
	}
	if a.Timestamp != nil && containsName(names, "ROWTIME") {
		want.ts = *a.Timestamp
	}
	return want, nil
}

func containsName(ids []ast.Ident, name string) bool {
	for _, id := range ids {
		if id.Name == name {
			return true
		}
	}
	return false
}

// diff says how got differs from r, the expected record.
func (r *record) diff(got *record, tombstone bool) string {
	var out []string
	if !equalRows(r.key, got.key) {
		out = append(out, "key")
	}
	if r.window != nil {
		for i, bound := range r.window {
			if bound != nil && (got.window == nil || !types.Equal(bound, got.window[i])) {
				out = append(out, "window")
				break
			}
		}
	}
	if r.ts >= 0 && r.ts != got.ts {
		out = append(out, "ROWTIME")
	}
	switch {
	case tombstone && got.value != nil:
		out = append(out, "not a tombstone")
	case !tombstone && got.value == nil:
		out = append(out, "a tombstone")
	case !tombstone && !equalRows(r.value, got.value):
		out = append(out, "value")
	}
	return strings.Join(out, ", ")
}

func equalRows(a, b []any) bool {
	if len(a) != len(b) {
		// A key of no columns may be nil or empty.
		return len(a) == 0 && len(b) == 0
	}
	for i := range a {
		if a[i] == nil || b[i] == nil {
			if a[i] != b[i] {
				return false
			}
			continue
		}
		if !types.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// assertSource checks that a source exists with the given columns and
// properties.
func (c *checker) assertSource(s *ast.AssertSource) error {
	src, err := c.source(s.Name)
	if err != nil {
		return err
	}
	kind := catalog.Stream
	if s.Kind == ast.TableKind {
		kind = catalog.Table
	}
	if src.Type != kind {
		return fmt.Errorf("%s: ASSERT %s %s: it is a %s", s.Pos(), s.Kind, ast.QuoteIdent(src.Name), src.Type)
	}
	if s.Elements != nil {
		var cols []string
		for _, el := range s.Elements {
			col := ast.QuoteIdent(el.Name.Name) + " " + el.Type.String()
			if el.Constraint != ast.NoConstraint {
				col += " " + el.Constraint.String()
			}
			cols = append(cols, col)
		}
		var have []string
		for _, col := range src.Columns {
			s := ast.QuoteIdent(col.Name) + " " + col.Type.String()
			if col.Key {
				if kind == catalog.Table {
					s += " PRIMARY KEY"
				} else {
					s += " KEY"
				}
			}
			have = append(have, s)
		}
		if strings.Join(cols, ", ") != strings.Join(have, ", ") {
			return fmt.Errorf("%s: ASSERT %s %s: the columns differ:\n  expected %s\n  got      %s",
				s.Pos(), s.Kind, ast.QuoteIdent(src.Name), strings.Join(cols, ", "), strings.Join(have, ", "))
		}
	}
	for _, p := range s.Props {
		want := strings.Trim(ast.String(p.Value), "'")
		var got string
		switch p.Name {
		case "KAFKA_TOPIC":
			got = src.Topic
		case "KEY_FORMAT":
			got = string(src.KeyFormat)
		case "VALUE_FORMAT":
			got = string(src.ValueFormat)
		case "PARTITIONS":
			got = fmt.Sprint(src.Partitions)
		case "TIMESTAMP":
			got = src.Timestamp
		case "WINDOW_TYPE":
			if src.Window != nil {
				got = src.Window.Type.String()
			}
		default:
			return fmt.Errorf("%s: ASSERT: the property %s cannot be checked", p.At, p.Name)
		}
		if !strings.EqualFold(want, got) {
			return fmt.Errorf("%s: ASSERT %s %s: %s is %s, expected %s", p.At, s.Kind, ast.QuoteIdent(src.Name), p.Name, got, want)
		}
	}
	return nil
}

// leftovers reports the records that the assertions did not read, for
// every source an assertion read from.
func (c *checker) leftovers() error {
	var errs []error
	names := make([]string, 0, len(c.read))
	for n := range c.read {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		src, ok := c.e.Catalog().Source(n)
		if !ok {
			continue
		}
		recs := c.rt.Records(src.Topic)
		var extra []string
		for _, r := range recs[c.read[n]:] {
			d, _, err := decode(src, r)
			if err != nil {
				extra = append(extra, err.Error())
				continue
			}
			extra = append(extra, d.text(src))
		}
		if len(extra) > 0 {
			errs = append(errs, fmt.Errorf("%s has %d more records than the assertions expect:\n  %s", n, len(extra), strings.Join(extra, "\n  ")))
		}
	}
	return errors.Join(errs...)
}
