package embedded_test

import (
	"context"
	"fmt"
	"log"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// Start a cluster with one topic, produce a record with sarama and read
// it back.
func Example() {
	ctx := context.Background()
	cluster, err := embedded.Start(ctx, embedded.WithTopic("greetings", 1))
	if err != nil {
		log.Fatal(err)
	}
	defer cluster.Close()

	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = true // required by the sync producer
	producer, err := sarama.NewSyncProducer(cluster.Addrs(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer producer.Close()
	_, offset, err := producer.SendMessage(&sarama.ProducerMessage{
		Topic: "greetings",
		Key:   sarama.StringEncoder("alice"),
		Value: sarama.StringEncoder("hello"),
	})
	if err != nil {
		log.Fatal(err)
	}

	consumer, err := sarama.NewConsumer(cluster.Addrs(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer consumer.Close()
	pc, err := consumer.ConsumePartition("greetings", 0, offset)
	if err != nil {
		log.Fatal(err)
	}
	defer pc.Close()
	msg := <-pc.Messages()
	fmt.Printf("%s: %s at offset %d\n", msg.Key, msg.Value, msg.Offset)
	// Output: alice: hello at offset 0
}
