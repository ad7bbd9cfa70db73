package kafka_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
)

// Word count on an in-process cluster: build the topology, run it, feed
// it lines, and ask its store for the counts.
func Example() {
	ctx := context.Background()
	cluster, err := embedded.Start(ctx, embedded.WithTopic("lines", 2), embedded.WithTopic("counts", 2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()

	b := streamlib.NewBuilder()
	lines := streamlib.Stream(b, "lines", serde.String(), serde.String())
	words := streamlib.FlatMapValues(lines, func(_ string, line string) []string { return strings.Fields(line) })
	counts := streamlib.Count(streamlib.GroupBy(words, func(_ string, w string) string { return w }), streamlib.Materialized("counts"))
	counts.ToStream().To("counts")
	topo, err := b.Build()
	if err != nil {
		fmt.Println(err)
		return
	}

	dir, err := os.MkdirTemp("", "wordcount")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	app, err := kafka.New(topo, kafka.Config{
		ApplicationID:    "wordcount",
		BootstrapServers: cluster.Addrs(),
		StateDir:         dir,
		Guarantee:        kafka.ExactlyOnce,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := app.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer app.Close()

	// Producers of the input partition by murmur2, like the application.
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true
	cfg.Producer.Partitioner = sarama.NewMurmur2Partitioner
	producer, err := sarama.NewSyncProducer(cluster.Addrs(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer producer.Close()
	for i, line := range []string{"kafka streams in go", "streams of records", "go go go"} {
		msg := &sarama.ProducerMessage{Topic: "lines", Key: sarama.StringEncoder(fmt.Sprint(i)), Value: sarama.StringEncoder(line)}
		if _, _, err := producer.SendMessage(msg); err != nil {
			fmt.Println(err)
			return
		}
	}

	store, err := kafka.KeyValueStore[string, int64](app, "counts")
	if err != nil {
		fmt.Println(err)
		return
	}
	want := map[string]int64{"go": 4, "streams": 2, "kafka": 1, "records": 1}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		done := true
		for w, n := range want {
			got, _, _ := store.Get(w)
			done = done && got == n
		}
		if done {
			break
		}
	}
	for _, w := range []string{"go", "streams", "kafka", "records"} {
		n, _, err := store.Get(w)
		fmt.Println(w, n, err)
	}
	// Output:
	// go 4 <nil>
	// streams 2 <nil>
	// kafka 1 <nil>
	// records 1 <nil>
}
