package engine_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
)

// The engine on an in-process Kafka cluster: a source stream, a
// persistent query that derives a stream from it, and a push query that
// watches the result.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cluster, err := embedded.Start(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()
	dir, err := os.MkdirTemp("", "engine-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	rt, err := engine.NewKafkaRuntime(engine.KafkaConfig{BootstrapServers: cluster.Addrs(), StateDir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Close()
	e := engine.New(rt)
	defer e.Close()

	results, err := e.Execute(ctx, `
		SET 'auto.offset.reset' = 'earliest';
		CREATE STREAM orders (id STRING KEY, product STRING, price DOUBLE)
		  WITH (kafka_topic='orders', value_format='JSON', partitions=1);
		CREATE STREAM big_orders AS
		  SELECT id, UCASE(product) AS product, price FROM orders WHERE price >= 10;
		INSERT INTO orders (id, product, price) VALUES ('o1', 'book', 12.5);
		INSERT INTO orders (id, product, price) VALUES ('o2', 'pen', 1.5);
		INSERT INTO orders (id, product, price) VALUES ('o3', 'lamp', 30.0);`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range results {
		if r.Message != "" {
			fmt.Println(r.Message)
		}
	}

	rows, err := e.Query(ctx, "SELECT id, product, price FROM big_orders EMIT CHANGES LIMIT 2;")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rows.Close()
	all, err := rows.Collect(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(engine.FormatRows(rows.Columns(), all))
	// Output:
	// Successfully changed local property 'auto.offset.reset' to 'earliest'.
	// Stream created
	// Created query with ID CSAS_BIG_ORDERS_1
	// +----+---------+-------+
	// | ID | PRODUCT | PRICE |
	// +----+---------+-------+
	// | o1 | BOOK    | 12.5  |
	// | o3 | LAMP    | 30.0  |
	// +----+---------+-------+
}
