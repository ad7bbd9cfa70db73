package engine_test

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
	"github.com/streamworkshop/workshop/streamlib/sql/sqltest"
)

const schema = `
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING, price DOUBLE)
  WITH (kafka_topic='orders', value_format='JSON', partitions=1);
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
  WITH (kafka_topic='customers', value_format='JSON', partitions=1);
`

func exec(t *testing.T, e *engine.Engine, script string) []*engine.Result {
	t.Helper()
	res, err := e.Execute(context.Background(), script)
	require.NoError(t, err)
	return res
}

func TestPersistentQueriesAndPull(t *testing.T) {
	ctx := context.Background()
	e, _ := sqltest.NewEngine(t)
	exec(t, e, schema)
	res := exec(t, e, `
		CREATE STREAM enriched AS
		  SELECT c.id AS customerid, c.name, c.level, o.product, o.price
		  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
		CREATE TABLE fraud WITH (key_format='json') AS
		  SELECT customerid, name, COUNT(*) AS n FROM enriched
		  WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 0 SECONDS)
		  GROUP BY customerid, name HAVING COUNT(*) > 2;`)
	require.Equal(t, catalog.QueryID("CSAS_ENRICHED_2"), res[0].QueryID)
	require.Equal(t, "Created query with ID CTAS_FRAUD_3", res[1].Message)

	watch, err := e.Query(ctx, "SELECT customerid, n, WINDOWSTART FROM fraud EMIT CHANGES;")
	require.NoError(t, err)
	defer watch.Close()

	exec(t, e, `
		INSERT INTO customers (id, name, level) VALUES (1, 'Ada', 'gold');
		INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (1000, 'o1', 1, 'book', 9.5);
		INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (2000, 'o2', 1, 'pen', 1.5);
		INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (3000, 'o3', 1, 'ink', 2.0);
		INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (4000, 'o4', 1, 'pad', 3.0);
		INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (31000, 'o5', 1, 'pen', 1.5);`)
	require.Equal(t, [][]any{{int64(1), int64(3), int64(0)}, {int64(1), int64(4), int64(0)}}, watch.Buffered())

	rows, err := e.Query(ctx, "SELECT * FROM fraud WHERE customerid = 1 AND name = 'Ada';")
	require.NoError(t, err)
	got, err := rows.Collect(ctx)
	require.NoError(t, err)
	require.Equal(t, [][]any{{int64(1), "Ada", int64(0), int64(30000), int64(4)}}, got)

	show := exec(t, e, "SHOW QUERIES;")
	require.Contains(t, show[0].Text, "CTAS_FRAUD_3")
	require.Contains(t, show[0].Text, "RUNNING")
	explain := exec(t, e, "EXPLAIN CTAS_FRAUD_3;")
	require.Contains(t, explain[0].Text, "Sub-topology: 0")
	require.Contains(t, explain[0].Text, "Having: COUNT(*) > 2")

	_, err = e.Execute(ctx, "DROP STREAM enriched;")
	require.ErrorIs(t, err, catalog.ErrInUse)
	exec(t, e, "TERMINATE CTAS_FRAUD_3; DROP TABLE fraud; TERMINATE ALL; DROP STREAM enriched DELETE TOPIC;")
	require.Empty(t, e.Catalog().Queries())
}

func TestPushQueryLimit(t *testing.T) {
	ctx := context.Background()
	e, _ := sqltest.NewEngine(t)
	exec(t, e, schema)
	exec(t, e, `
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (1, 'o1', 1, 10.0);
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (2, 'o2', 2, 20.0);`)
	rows, err := e.Query(ctx, "SELECT id, price * 2 AS doubled FROM orders WHERE price > 5 EMIT CHANGES LIMIT 3;")
	require.NoError(t, err)
	defer rows.Close()
	require.Equal(t, []engine.Column{{Name: "ID", Type: rows.Columns()[0].Type}, {Name: "DOUBLED", Type: rows.Columns()[1].Type}}, rows.Columns())
	exec(t, e, `
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (3, 'o3', 1, 1.0);
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (4, 'o4', 1, 7.0);
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (5, 'o5', 1, 8.0);`)
	got, err := rows.Collect(ctx)
	require.NoError(t, err)
	require.Equal(t, [][]any{{"o1", 20.0}, {"o2", 40.0}, {"o4", 14.0}}, got)
	_, err = rows.Next(ctx)
	require.ErrorIs(t, err, io.EOF)
}

func TestErrorsTeach(t *testing.T) {
	ctx := context.Background()
	e, _ := sqltest.NewEngine(t)
	exec(t, e, schema)
	_, err := e.Execute(ctx, "SELECT * FROM orders;")
	require.ErrorIs(t, err, catalog.ErrLegacy)
	require.Contains(t, err.Error(), "EMIT CHANGES")

	_, err = e.Execute(ctx, "CREATE STREAM x AS SELECT product FROM orders PARTITION BY customerid;")
	require.ErrorIs(t, err, catalog.ErrInvalid)
	require.Contains(t, err.Error(), "Key missing from projection")

	_, err = e.Execute(ctx, "CREATE TABLE c (id BIGINT, name STRING) WITH (KAFKA_TOPIC='c', VALUE_FORMAT='JSON', KEY='id');")
	var pe *parser.Error
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Contains(t, err.Error(), "PRIMARY KEY")
}

func TestListingsAndProperties(t *testing.T) {
	ctx := context.Background()
	e, _ := sqltest.NewEngine(t)
	exec(t, e, schema)
	res := exec(t, e, "SHOW STREAMS; SHOW TABLES; SHOW TOPICS; DESCRIBE orders; DESCRIBE customers EXTENDED;")
	require.Contains(t, res[0].Text, "ORDERS")
	require.NotContains(t, res[0].Text, "CUSTOMERS")
	require.Contains(t, res[1].Text, "CUSTOMERS")
	require.Contains(t, res[2].Text, "customers")
	require.Contains(t, res[3].Text, "CUSTOMERID")
	require.Contains(t, res[3].Text, "(key)")
	require.Contains(t, res[4].Text, "Kafka topic          : customers (partitions: 1")

	res = exec(t, e, "SET 'auto.offset.reset' = 'latest'; SHOW PROPERTIES;")
	require.Equal(t, "Successfully changed local property 'auto.offset.reset' to 'latest'.", res[0].Message)
	require.Contains(t, res[1].Text, "latest")
	exec(t, e, "UNSET 'auto.offset.reset';")
	require.Equal(t, "earliest", e.Properties()["auto.offset.reset"], "UNSET returns to the engine's default")
	_, err := e.Execute(ctx, "SET 'auto.offset.reset' = 'sometimes';")
	require.ErrorIs(t, err, catalog.ErrInvalid)

	res = exec(t, e, "EXPLAIN SELECT id, price FROM orders WHERE price > 1 EMIT CHANGES;")
	require.Contains(t, res[0].Text, "Processor: WHERE")
	_, err = e.Execute(ctx, "CREATE STREAM s WITH (kafka_topic='missing', value_format='JSON') AS SELECT * FROM nowhere;")
	require.ErrorIs(t, err, catalog.ErrNotFound)
}

func TestWindowedPushAndSinkTimestamp(t *testing.T) {
	ctx := context.Background()
	e, rt := sqltest.NewEngine(t)
	exec(t, e, schema)
	exec(t, e, `
		CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders
		  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY customerid;
		CREATE STREAM stamped WITH (timestamp='at') AS SELECT id, price, CAST(price * 1000 AS BIGINT) AS at FROM orders;`)
	watch, err := e.Query(ctx, "SELECT customerid, WINDOWSTART, WINDOWEND, n FROM counts EMIT CHANGES;")
	require.NoError(t, err)
	exec(t, e, `
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (1000, 'o1', 3, 2.0);
		INSERT INTO orders (ROWTIME, id, customerid, price) VALUES (12000, 'o2', 3, 4.5);`)
	require.Equal(t, [][]any{{int64(3), int64(0), int64(10000), int64(1)}, {int64(3), int64(10000), int64(20000), int64(1)}}, watch.Buffered())

	recs := rt.Records("STAMPED")
	require.Len(t, recs, 2)
	require.Equal(t, int64(2000), recs[0].Timestamp, "the sink's TIMESTAMP column sets ROWTIME")
	require.Equal(t, int64(4500), recs[1].Timestamp)
	// The engine stops the push query it still runs when it closes.
	require.NoError(t, e.Close())
	_, err = watch.Next(ctx)
	require.ErrorIs(t, err, io.EOF)
}

func TestProcessingErrorsAreCounted(t *testing.T) {
	e, _ := sqltest.NewEngine(t)
	exec(t, e, `CREATE STREAM nums (id STRING KEY, a INT, b INT) WITH (kafka_topic='nums', value_format='JSON');
		CREATE STREAM ratios AS SELECT id, a / b AS q FROM nums;
		INSERT INTO nums (id, a, b) VALUES ('x', 1, 0);`)
	res := exec(t, e, "DESCRIBE ratios EXTENDED;")
	require.Contains(t, res[0].Text, "Processing errors    : 1")
	require.Contains(t, res[0].Text, "division by zero")
}
