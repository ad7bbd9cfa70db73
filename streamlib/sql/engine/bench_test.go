package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/engine"
	"github.com/streamworkshop/workshop/streamlib/sql/sqltest"
)

// benchOrders produces b.N orders of 100 customers through the engine's
// runtime, as JSON, and reports records per second.
func benchOrders(b *testing.B, queries string) {
	ctx := context.Background()
	e, rt := sqltest.NewEngine(b)
	if _, err := e.Execute(ctx, schema+queries); err != nil {
		b.Fatal(err)
	}
	for c := 0; c < 100; c++ {
		v, _ := json.Marshal(map[string]any{"name": fmt.Sprint("c", c), "level": "gold"})
		key := []byte{0, 0, 0, 0, 0, 0, 0, byte(c)}
		if err := rt.Produce(ctx, engine.Record{Topic: "customers", Key: key, Value: v}); err != nil {
			b.Fatal(err)
		}
	}
	values := make([][]byte, 100)
	for c := range values {
		values[c], _ = json.Marshal(map[string]any{"customerId": c, "product": "pen", "price": 1.5})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := engine.Record{Topic: "orders", Key: []byte(fmt.Sprint("o", i)), Value: values[i%100], Timestamp: int64(i)}
		if err := rt.Produce(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkStreamTableJoin is exercise 07's enrichment: every order is
// re-keyed, joined with its customer and written.
func BenchmarkStreamTableJoin(b *testing.B) {
	benchOrders(b, `CREATE STREAM enriched AS SELECT c.id AS customerid, c.name, c.level, o.product, o.price
		FROM orders o LEFT JOIN customers c ON o.customerid = c.id;`)
}

// BenchmarkWindowedCount is the fraud query: a windowed count with HAVING
// per customer.
func BenchmarkWindowedCount(b *testing.B) {
	benchOrders(b, `CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders
		WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY customerid HAVING COUNT(*) > 2;`)
}
