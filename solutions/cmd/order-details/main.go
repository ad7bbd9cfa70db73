// Command order-details runs the order-details validator: it reads orders
// and writes a PASS or FAIL verdict per order to order-validations.
//
//	go run ./solutions/cmd/order-details --bootstrap-servers localhost:9092
//
// With --processing-guarantee exactly-once [PROCESSING_GUARANTEE] each
// verdict and the offset of its order are one transaction. The Kafka flags
// are those of every command (see solutions/cmd/fraud).
package main

import (
	"context"
	"flag"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/solutions/orderdetails"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func main() {
	var svc platform.Service
	svc.RegisterClient(flag.CommandLine)
	flag.Parse()
	platform.Main("order-details", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		if err := svc.Kafka.Validate(); err != nil {
			return err
		}
		g, err := svc.ProcessingGuarantee()
		if err != nil {
			return err
		}
		v, err := orderdetails.New(orderdetails.Config{
			Brokers:       svc.Kafka.Brokers(),
			Transactional: g == kafka.ExactlyOnce,
			Partitioner:   sarama.NewMurmur2Partitioner,
			Sarama:        svc.Kafka.Sarama,
			Logger:        log,
		})
		if err != nil {
			return err
		}
		return v.Run(ctx)
	})
}
