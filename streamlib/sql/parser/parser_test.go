package parser_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

// astOpts compares syntax trees ignoring positions and the difference
// between nil and empty lists.
var astOpts = cmp.Options{
	cmpopts.IgnoreTypes(ast.Pos{}),
	cmpopts.EquateEmpty(),
}

// TestParse runs the data-driven cases in testdata/parse. Commands:
//
//	parse   a script; prints each statement canonically, then its tree
//	pretty  a script; prints each statement pretty-printed
//	expr    an expression; prints it canonically and fully parenthesized
//
// An error prints as "error: <message>" with the caret line. Every
// successful parse is also checked to round trip through the printer.
// Rewrite the expected outputs with: go test ./streamlib/sql/parser -update
func TestParse(t *testing.T) {
	datadriven.Walk(t, "testdata/parse", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "parse", "pretty":
				stmts, err := parser.Parse(d.Input)
				if err != nil {
					return formatError(err)
				}
				var b strings.Builder
				for i, s := range stmts {
					checkRoundTrip(t, s)
					if i > 0 {
						b.WriteString("\n")
					}
					if d.Cmd == "pretty" {
						b.WriteString(ast.Pretty(s) + ";\n")
						continue
					}
					b.WriteString(ast.String(s) + "\n")
					b.WriteString(ast.Dump(s))
				}
				return b.String()
			case "expr":
				e, err := parser.ParseExpr(d.Input)
				if err != nil {
					return formatError(err)
				}
				again, err := parser.ParseExpr(ast.String(e))
				require.NoError(t, err, "reparse of %s", ast.String(e))
				if diff := cmp.Diff(e, again, astOpts); diff != "" {
					t.Errorf("round trip of %q changed the tree (-first +second):\n%s", d.Input, diff)
				}
				return ast.String(e) + "\n" + paren(e) + "\n"
			}
			t.Fatalf("unknown command %q", d.Cmd)
			return ""
		})
	})
}

func formatError(err error) string {
	var pe *parser.Error
	if !errors.As(err, &pe) {
		return "unexpected error type: " + err.Error() + "\n"
	}
	s := "error: " + err.Error() + "\n" + pe.Caret() + "\n"
	if pe.Rewrite != "" {
		s += "rewrite: " + pe.Rewrite + "\n"
	}
	return s
}

// checkRoundTrip asserts that printing a statement (both ways) and parsing
// the text again gives the same tree.
func checkRoundTrip(t *testing.T, s ast.Statement) {
	t.Helper()
	for _, text := range []string{ast.String(s), ast.Pretty(s)} {
		again, err := parser.ParseStatement(text)
		require.NoError(t, err, "reparse of %s", text)
		if diff := cmp.Diff(s, again, astOpts); diff != "" {
			t.Errorf("round trip through %q changed the tree (-first +second):\n%s", text, diff)
		}
	}
}

// paren writes an expression with every operator application in
// parentheses, to make precedence visible in the golden files.
func paren(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Binary:
		return fmt.Sprintf("(%s %s %s)", paren(e.L), e.Op, paren(e.R))
	case *ast.Unary:
		if e.Op == ast.Not {
			return fmt.Sprintf("(NOT %s)", paren(e.X))
		}
		return fmt.Sprintf("(%s%s)", e.Op, paren(e.X))
	case *ast.IsNull:
		not := ""
		if e.Not {
			not = "NOT "
		}
		return fmt.Sprintf("(%s IS %sNULL)", paren(e.X), not)
	case *ast.Between:
		return fmt.Sprintf("(%s %sBETWEEN %s AND %s)", paren(e.X), not(e.Not), paren(e.Low), paren(e.High))
	case *ast.Like:
		return fmt.Sprintf("(%s %sLIKE %s)", paren(e.X), not(e.Not), paren(e.Pattern))
	case *ast.IsDistinct:
		return fmt.Sprintf("(%s IS %sDISTINCT FROM %s)", paren(e.L), not(e.Not), paren(e.R))
	case *ast.In:
		parts := make([]string, len(e.List))
		for i, x := range e.List {
			parts[i] = paren(x)
		}
		return fmt.Sprintf("(%s %sIN (%s))", paren(e.X), not(e.Not), strings.Join(parts, ", "))
	case *ast.Subscript:
		return fmt.Sprintf("(%s[%s])", paren(e.X), paren(e.Index))
	case *ast.Deref:
		return fmt.Sprintf("(%s->%s)", paren(e.X), e.Field)
	}
	return ast.String(e)
}

func not(b bool) string {
	if b {
		return "NOT "
	}
	return ""
}

func TestParseStatementNeedsExactlyOne(t *testing.T) {
	_, err := parser.ParseStatement("SHOW STREAMS; SHOW TABLES;")
	require.ErrorIs(t, err, parser.ErrSyntax)
	_, err = parser.ParseStatement("  -- only a comment\n")
	require.ErrorIs(t, err, parser.ErrSyntax)
	s, err := parser.ParseStatement("show streams")
	require.NoError(t, err)
	require.Equal(t, "SHOW STREAMS", ast.String(s))
}

func TestErrorPositionsAndKinds(t *testing.T) {
	tests := []struct {
		src      string
		line     int
		col      int
		legacy   bool
		contains string
	}{
		{"SELECT * FROM orders\nWHERE x = 1 FROM y;", 2, 13, false, "expected one of GROUP BY"},
		{"SELECT a, FROM s;", 1, 11, false, "remove the ','"},
		{"CREATE TABLE t (id INT) WITH (KEY='ID', KAFKA_TOPIC='t');", 1, 31, true, "PRIMARY KEY"},
		{"DESCRIBE EXTENDED orders;", 1, 10, true, "DESCRIBE ORDERS EXTENDED"},
		{"SELECT 'abc FROM s;", 1, 8, false, "unterminated string"},
		{"SELECT é FROM s;", 1, 8, false, "unexpected character"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := parser.Parse(tt.src)
			var pe *parser.Error
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.line, pe.Pos.Line, "line")
			require.Equal(t, tt.col, pe.Pos.Col, "column")
			require.Equal(t, tt.legacy, errors.Is(err, parser.ErrLegacy), "legacy")
			require.Contains(t, err.Error(), tt.contains)
		})
	}
}

func TestParseType(t *testing.T) {
	typ, err := parser.ParseType("map<string, array<struct<`a` int, B decimal(4,2)>>>")
	require.NoError(t, err)
	require.Equal(t, "MAP<STRING, ARRAY<STRUCT<`a` INTEGER, B DECIMAL(4, 2)>>>", typ.String())
	_, err = parser.ParseType("MAP<INT, STRING>")
	require.ErrorContains(t, err, "MAP keys must be STRING")
	_, err = parser.ParseType("DECIMAL(40, 2)")
	require.ErrorContains(t, err, "precision")
}
