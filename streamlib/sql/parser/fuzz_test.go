package parser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

// seeds are statements that reach every part of the grammar; the inputs
// of the data-driven tests are added to them.
var seeds = []string{
	"SELECT * FROM orders EMIT CHANGES;",
	"CREATE STREAM s (id STRING KEY, v ARRAY<MAP<STRING, STRUCT<A INT>>>) WITH (kafka_topic='t', value_format='JSON');",
	"CREATE TABLE t WITH (key_format='json') AS SELECT a, b, COUNT(*) AS n FROM s WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 10 SECONDS, GRACE PERIOD 0 SECONDS) WHERE x BETWEEN 1 AND 2 GROUP BY a, b HAVING COUNT(*) > 2 EMIT FINAL;",
	"SELECT CASE WHEN a IS NULL THEN -1 ELSE a[1] END, CAST(b AS DECIMAL(4, 2)), s->f, MAP('k' := 1), STRUCT(X := 'y') FROM s LEFT JOIN t ON s.id = t.id EMIT CHANGES LIMIT 3;",
	"INSERT INTO s (a, rowtime) VALUES (1.5, 2E3); INSERT INTO s SELECT * FROM u PARTITION BY NULL;",
	"DESCRIBE `x` EXTENDED; EXPLAIN CSAS_X_1; TERMINATE ALL; SET 'a'='b'; PRINT 't' FROM BEGINNING LIMIT 1;",
	"SELECT a || 'x' NOT LIKE '%' ESCAPE '!' OR NOT a IN (1, 2) FROM s WHERE a IS NOT DISTINCT FROM b;",
}

// FuzzParse checks that the parser never panics and that every statement
// it accepts round-trips: parse(print(parse(x))) == parse(x), for both the
// single-line and the pretty printer, and printing is stable.
//
//	go test ./streamlib/sql/parser -run '^$' -fuzz FuzzParse -fuzztime 60s
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range dataDrivenInputs(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		stmts, err := parser.Parse(src)
		if err != nil {
			if _, ok := err.(*parser.Error); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, s := range stmts {
			for _, text := range []string{ast.String(s), ast.Pretty(s)} {
				again, err := parser.ParseStatement(text)
				if err != nil {
					t.Fatalf("printed form does not parse: %v\ninput: %q\nprinted: %s", err, src, text)
				}
				if diff := cmp.Diff(s, again, astOpts); diff != "" {
					t.Fatalf("round trip changed the tree\ninput: %q\nprinted: %s\n(-first +second):\n%s", src, text, diff)
				}
				if ast.String(again) != ast.String(s) {
					t.Fatalf("printing is not stable: %q then %q", ast.String(s), ast.String(again))
				}
			}
		}
	})
}

// FuzzParseExpr does the same for single expressions.
func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{"a OR b AND NOT c", "-(-1) * -a[2]", "x NOT BETWEEN 1 + 1 AND 2 || 'a'",
		"(a = b) = c", "CASE x WHEN 1 THEN 'a' END", "f(*) + g() + 1.5 + 1E-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		text := ast.String(e)
		again, err := parser.ParseExpr(text)
		if err != nil {
			t.Fatalf("printed form does not parse: %v\ninput: %q\nprinted: %s", err, src, text)
		}
		if diff := cmp.Diff(e, again, astOpts); diff != "" {
			t.Fatalf("round trip changed the tree\ninput: %q\nprinted: %s\n%s", src, text, diff)
		}
	})
}

// dataDrivenInputs returns the inputs of the cases in testdata/parse.
func dataDrivenInputs(f *testing.F) []string {
	files, err := filepath.Glob("testdata/parse/*.txt")
	if err != nil {
		f.Fatal(err)
	}
	var out []string
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var cur []string
		in := false
		for _, line := range strings.Split(string(data), "\n") {
			switch {
			case line == "parse" || line == "pretty":
				in, cur = true, nil
			case line == "----" && in:
				out = append(out, strings.Join(cur, "\n"))
				in = false
			case in:
				cur = append(cur, line)
			}
		}
	}
	return out
}
