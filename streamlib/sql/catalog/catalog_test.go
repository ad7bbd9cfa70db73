package catalog_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// TestAnalyze runs the data-driven cases in testdata/analyze, one fresh
// catalogue per file. Commands:
//
//	exec     statements to analyze and apply; prints "ok" or the first error
//	analyze  one statement; prints its analysis (or error) without applying it
//	apply    one statement; analyzes, applies and prints the analysis
//	set      session properties, one name=value per line
//
// Rewrite the expected outputs with: go test ./streamlib/sql/catalog -update
func TestAnalyze(t *testing.T) {
	datadriven.Walk(t, "testdata/analyze", func(t *testing.T, path string) {
		cat := catalog.New()
		props := catalog.Properties{}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "set":
				for _, line := range strings.Split(strings.TrimSpace(d.Input), "\n") {
					k, v, _ := strings.Cut(line, "=")
					props[k] = v
				}
				return "ok\n"
			case "exec":
				stmts, err := parser.Parse(d.Input)
				require.NoError(t, err)
				for _, s := range stmts {
					a, err := cat.Analyze(s, props)
					if err != nil {
						return formatError(err)
					}
					require.NoError(t, cat.Apply(a))
				}
				return "ok\n"
			case "analyze", "apply":
				s, err := parser.ParseStatement(d.Input)
				if err != nil {
					return "parse error: " + err.Error() + "\n"
				}
				a, err := cat.Analyze(s, props)
				if err != nil {
					return formatError(err)
				}
				if d.Cmd == "apply" {
					require.NoError(t, cat.Apply(a))
				}
				return describe(a)
			}
			t.Fatalf("unknown command %q", d.Cmd)
			return ""
		})
	})
}

func formatError(err error) string {
	var ce *catalog.Error
	if !errors.As(err, &ce) {
		return "unexpected error type: " + err.Error() + "\n"
	}
	kinds := []struct {
		err  error
		name string
	}{{catalog.ErrLegacy, "legacy"}, {catalog.ErrNotFound, "not found"}, {catalog.ErrExists, "exists"},
		{catalog.ErrInUse, "in use"}, {catalog.ErrUnsupported, "unsupported"}, {catalog.ErrInvalid, "invalid"}}
	kind := "?"
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			kind = k.name
			break
		}
	}
	s := "error (" + kind + "): " + err.Error() + "\n"
	if ce.Rewrite != "" {
		s += "rewrite: " + ce.Rewrite + "\n"
	}
	return s
}

func sourceLine(s *catalog.Source) string {
	var extra []string
	if s.Partitions > 0 {
		extra = append(extra, fmt.Sprintf("partitions %d", s.Partitions))
	}
	if s.Timestamp != "" {
		extra = append(extra, "timestamp "+s.Timestamp)
	}
	if s.Window != nil {
		extra = append(extra, "windowed "+s.Window.String())
	}
	if s.ValueOptions.Unwrapped {
		extra = append(extra, "unwrapped")
	}
	if s.Materialized {
		extra = append(extra, "materialized")
	}
	e := ""
	if len(extra) > 0 {
		e = ", " + strings.Join(extra, ", ")
	}
	return fmt.Sprintf("%s %s (topic %s, %s/%s%s): %s\n", s.Type, ast.QuoteIdent(s.Name), s.Topic, s.KeyFormat, s.ValueFormat, e, s.Schema())
}

func describe(a catalog.Analysis) string {
	switch a := a.(type) {
	case *catalog.CreateSource:
		if a.Exists {
			return "exists: " + sourceLine(a.Source)
		}
		return sourceLine(a.Source)
	case *catalog.CreateAsSelect:
		if a.Exists {
			return "exists: " + sourceLine(a.Sink)
		}
		return string(a.QueryID) + " writes " + sourceLine(a.Sink) + a.Query.Explain()
	case *catalog.InsertInto:
		return string(a.QueryID) + " writes " + sourceLine(a.Target) + a.Query.Explain()
	case *catalog.InsertValues:
		ts := "now"
		if a.Timestamp != nil {
			ts = fmt.Sprint(*a.Timestamp)
		}
		return fmt.Sprintf("insert into %s: key %s value %s at %s\n", a.Target.Name, literals(a.Key), literals(a.Value), ts)
	case *catalog.Select:
		if a.Pull != nil {
			keys := "scan"
			if a.Pull.Keys != nil {
				var parts []string
				for _, k := range a.Pull.Keys {
					parts = append(parts, literals(k))
				}
				keys = "lookup " + strings.Join(parts, ", ")
			}
			return "pull query on " + a.Pull.Table.Name + ", " + keys + "\n" + a.Pull.Explain()
		}
		return "push query\n" + a.Query.Explain()
	case *catalog.Show:
		return a.Text()
	case *catalog.Describe:
		return a.Text()
	case *catalog.Drop:
		if a.Source == nil {
			return "nothing to drop\n"
		}
		return fmt.Sprintf("drop %s %s (delete topic: %v)\n", a.Source.Type, a.Source.Name, a.DeleteTopic)
	case *catalog.Terminate:
		return fmt.Sprintf("terminate %v\n", a.IDs)
	case *catalog.Explain:
		if a.Query != nil {
			return string(a.Query.ID) + ": " + a.Query.Statement + "\n" + a.Query.Query.Explain()
		}
		return "explain " + describe(a.Target)
	case *catalog.DescribeFunction:
		return fmt.Sprintf("%s (aggregate: %v): %s\n", a.Function.Usage, a.Function.Aggregate, a.Function.Description)
	case *catalog.SetProperty:
		return "set " + a.Name + " = " + a.Value + "\n"
	}
	return fmt.Sprintf("%T\n", a)
}

func literals(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = types.Literal(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
