package expr_test

import (
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

// BenchmarkEvalFilterProject evaluates a typical WHERE and projection on
// one row, as a query does per record.
func BenchmarkEvalFilterProject(b *testing.B) {
	scope, row := testScope()
	var compiled []expr.Expr
	for _, src := range []string{
		"I > 3 AND S LIKE 'H%' AND NI IS NULL",
		"UCASE(S) || '-' || CAST(B AS STRING)",
		"D * I + 1",
		"CASE WHEN D > 2 THEN 'big' ELSE 'small' END",
	} {
		e, err := parser.ParseExpr(src)
		if err != nil {
			b.Fatal(err)
		}
		c, err := expr.Compile(e, scope)
		if err != nil {
			b.Fatal(err)
		}
		compiled = append(compiled, c)
	}
	for b.Loop() {
		for _, c := range compiled {
			if _, err := c.Eval(row); err != nil {
				b.Fatal(err)
			}
		}
	}
}
