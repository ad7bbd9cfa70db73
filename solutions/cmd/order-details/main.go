// Command order-details runs the order-details validator: it reads orders
// and writes a PASS or FAIL verdict per order to order-validations.
//
//	go run ./solutions/cmd/order-details --bootstrap-servers localhost:9092
//
// --bootstrap-servers also reads KAFKA_BOOTSTRAP_SERVERS. SASL/TLS are not
// passed to this plain sarama service yet (its core has no such settings).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/solutions/orderdetails"
	"github.com/streamworkshop/workshop/solutions/platform"
)

func main() {
	var kc platform.Kafka
	kc.Register(flag.CommandLine)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	v, err := orderdetails.New(orderdetails.Config{Brokers: kc.Brokers(), Transactional: true, Partitioner: sarama.NewMurmur2Partitioner})
	if err != nil {
		fmt.Fprintln(os.Stderr, "order-details:", err)
		os.Exit(1)
	}
	if err := v.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "order-details:", err)
		os.Exit(1)
	}
}
