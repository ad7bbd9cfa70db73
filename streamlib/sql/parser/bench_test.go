package parser_test

import (
	"testing"

	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

const tutorial = `
CREATE STREAM orders (id STRING KEY, customerid BIGINT, state STRING, product STRING, quantity INT, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers_table (customerid BIGINT PRIMARY KEY, firstname STRING, lastname STRING, email STRING, address STRING, level STRING)
  WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM orders_enriched AS
  SELECT customers_table.customerid AS customerid, customers_table.firstname, customers_table.lastname,
         customers_table.level, orders.product, orders.quantity, orders.price
  FROM orders LEFT JOIN customers_table ON orders.customerid = customers_table.customerid
  EMIT CHANGES;
CREATE TABLE fraud_order WITH (key_format='json') AS
  SELECT customerid, lastname, firstname, COUNT(*) AS counts
  FROM orders_enriched WINDOW TUMBLING (SIZE 30 SECONDS)
  GROUP BY customerid, lastname, firstname HAVING COUNT(*) > 2;
`

func BenchmarkParseTutorial(b *testing.B) {
	b.SetBytes(int64(len(tutorial)))
	for b.Loop() {
		if _, err := parser.Parse(tutorial); err != nil {
			b.Fatal(err)
		}
	}
}
