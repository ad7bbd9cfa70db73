package catalog_test

import (
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

func BenchmarkAnalyzeJoin(b *testing.B) {
	cat := catalog.New()
	stmts, err := parser.Parse(schema)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range stmts {
		a, err := cat.Analyze(s, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := cat.Apply(a); err != nil {
			b.Fatal(err)
		}
	}
	s, err := parser.ParseStatement(`CREATE STREAM enriched AS SELECT c.id AS customerid, c.name, UCASE(o.product) AS product, o.price
		FROM orders o LEFT JOIN customers c ON o.customerid = c.id WHERE o.price > 1`)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := cat.Analyze(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}
