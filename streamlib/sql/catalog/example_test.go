package catalog_test

import (
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

func ExampleCatalog_Analyze() {
	cat := catalog.New()
	stmts, _ := parser.Parse(`
		CREATE STREAM orders (id STRING KEY, customerid BIGINT, price DOUBLE)
		  WITH (kafka_topic='orders', value_format='JSON', partitions=1);
		CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING)
		  WITH (kafka_topic='customers', value_format='JSON', partitions=1);
		CREATE STREAM orders_enriched AS
		  SELECT c.id AS customerid, c.name, o.price
		  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
		CREATE STREAM cheap AS SELECT price FROM orders WHERE price < 1;`)
	for _, s := range stmts {
		a, err := cat.Analyze(s, nil)
		if err != nil {
			fmt.Println(err)
			continue
		}
		if c, ok := a.(*catalog.CreateAsSelect); ok {
			fmt.Println(c.QueryID, c.Sink.Schema())
			fmt.Print(c.Query.Explain())
		}
		_ = cat.Apply(a)
	}
	// Output:
	// CSAS_ORDERS_ENRICHED_2 `CUSTOMERID` BIGINT KEY, `NAME` STRING, `PRICE` DOUBLE
	// Sources:
	//   O: ORDERS (STREAM, topic orders, KAFKA/JSON)
	//   C: CUSTOMERS (TABLE, topic customers, KAFKA/JSON)
	// Join 1: stream-table LEFT JOIN C: CUSTOMERS (TABLE) ON O.CUSTOMERID = C.ID, repartition left
	// Projection:
	//   CUSTOMERID BIGINT KEY = C.ID
	//   NAME STRING = C.NAME
	//   PRICE DOUBLE = O.PRICE
	// Result: STREAM
	// line 9:26: Key missing from projection (ie, SELECT).
	// The query used to build CHEAP must include the key column ID in its projection (eg, SELECT ID...).
	// hint: a persistent query keeps its source's key; add ID to the SELECT list, or re-key with PARTITION BY
}
