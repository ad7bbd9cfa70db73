package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/internal/kafkatest"
	"github.com/streamworkshop/workshop/streamlib/sql/engine"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker on first
		// use and never stops it.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
	)
}

func TestKafkaRuntimeEmbedded(t *testing.T) {
	scenarioKafka(t, kafkatest.Embedded(t))
}

// scenarioKafka runs the tutorial's enrichment and fraud queries on a
// cluster: a repartitioned stream-table join, a windowed aggregation with
// HAVING on a JSON key, a push query with LIMIT and a pull query.
func scenarioKafka(t *testing.T, addrs []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rt, err := engine.NewKafkaRuntime(engine.KafkaConfig{
		BootstrapServers: addrs,
		ServiceID:        kafkatest.UniqueName(t, "svc") + "_",
		StateDir:         t.TempDir(),
		Sarama: func(c *sarama.Config) {
			c.Version = kafkatest.ClientConfig().Version
			c.Consumer.Group.Heartbeat.Interval = 200 * time.Millisecond
			c.Consumer.MaxWaitTime = 100 * time.Millisecond
		},
	})
	require.NoError(t, err)
	defer rt.Close()
	e := engine.New(rt, engine.WithProperties(map[string]string{"auto.offset.reset": "earliest"}))
	defer e.Close()

	topic := func(name string) string { return kafkatest.UniqueName(t, name) }
	script := fmt.Sprintf(`
		CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING, price DOUBLE)
		  WITH (kafka_topic='%s', value_format='JSON', partitions=2);
		CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING, level STRING)
		  WITH (kafka_topic='%s', value_format='JSON', partitions=2);
		CREATE STREAM enriched WITH (kafka_topic='%s') AS
		  SELECT c.id AS customerid, c.name, c.level, o.product, o.price
		  FROM orders o LEFT JOIN customers c ON o.customerid = c.id;
		CREATE TABLE fraud WITH (kafka_topic='%s', key_format='json') AS
		  SELECT customerid, name, COUNT(*) AS n FROM enriched
		  WINDOW TUMBLING (SIZE 30 SECONDS, GRACE PERIOD 1 HOUR)
		  GROUP BY customerid, name HAVING COUNT(*) > 2;`,
		topic("orders"), topic("customers"), topic("enriched"), topic("fraud"))
	_, err = e.Execute(ctx, script)
	require.NoError(t, err)

	watch, err := e.Query(ctx, "SELECT customerid, name, product FROM enriched EMIT CHANGES LIMIT 4;")
	require.NoError(t, err)
	defer watch.Close()

	_, err = e.Execute(ctx, `
		INSERT INTO customers (ROWTIME, id, name, level) VALUES (0, 1, 'Ada', 'gold');
		INSERT INTO customers (ROWTIME, id, name, level) VALUES (0, 2, 'Bob', 'bronze');`)
	require.NoError(t, err)
	// The customers are older than the orders (ROWTIME 0), so the join's
	// task reads them first: only the stream side of a stream-table join
	// triggers, and it sees the rows that came before it.
	for i, p := range []string{"book", "pen", "ink", "pad"} {
		_, err = e.Execute(ctx, fmt.Sprintf("INSERT INTO orders (ROWTIME, id, customerid, product, price) VALUES (%d, 'o%d', 1, '%s', 1.0);", 1000*(i+1), i, p))
		require.NoError(t, err)
	}

	got, err := watch.Collect(ctx)
	require.NoError(t, err)
	require.Len(t, got, 4)
	var products []string
	for _, r := range got {
		require.Equal(t, int64(1), r[0])
		products = append(products, r[2].(string))
	}
	require.ElementsMatch(t, []string{"book", "pen", "ink", "pad"}, products)

	// The windowed count reaches 4; a pull query reads it from the table.
	var last string
	require.Eventually(t, func() bool {
		rows, err := e.Query(ctx, "SELECT customerid, name, n FROM fraud WHERE customerid = 1 AND name = 'Ada';")
		if err != nil {
			last = err.Error()
			return false
		}
		all, err := rows.Collect(ctx)
		if err != nil {
			last = err.Error()
			return false
		}
		last = fmt.Sprint(all)
		return len(all) == 1 && all[0][2] == int64(4)
	}, time.Minute, 100*time.Millisecond, "pull query on FRAUD, last answer: %s", func() string { return last }())

	show, err := e.Execute(ctx, "SHOW QUERIES;")
	require.NoError(t, err)
	require.Equal(t, 2, strings.Count(show[0].Text, "RUNNING"), show[0].Text)
}
