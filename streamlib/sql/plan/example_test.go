package plan_test

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/plan"
)

// A push query compiled to a topology: read the topic, make rows, filter,
// project, hand each result to a function.
func ExampleBuild() {
	cat := catalog.New()
	stmts, err := parser.Parse(`
		CREATE STREAM orders (id STRING KEY, product STRING, price DOUBLE)
		  WITH (kafka_topic='orders', value_format='JSON');
		SELECT id, UCASE(product) AS product FROM orders WHERE price > 10 EMIT CHANGES;`)
	if err != nil {
		fmt.Println(err)
		return
	}
	create, err := cat.Analyze(stmts[0], nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := cat.Apply(create); err != nil {
		fmt.Println(err)
		return
	}
	a, err := cat.Analyze(stmts[1], nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	emit := func(_ context.Context, r plan.Result) error { fmt.Println(r.Values...); return nil }
	p, err := plan.Build(a.(*catalog.Select).Query, plan.Sink{Emit: emit}, plan.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(p.Topology.Describe())
	// Output:
	// Topologies:
	//    Sub-topology: 0
	//     Source: ORDERS-SOURCE (topics: [orders])
	//       --> ORDERS-ROWS
	//     Processor: ORDERS-ROWS (stores: [])
	//       --> WHERE
	//       <-- ORDERS-SOURCE
	//     Processor: WHERE (stores: [])
	//       --> PUSH
	//       <-- ORDERS-ROWS
	//     Processor: PUSH (stores: [])
	//       --> none
	//       <-- WHERE
}
