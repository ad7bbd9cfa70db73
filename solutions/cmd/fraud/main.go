// Command fraud runs the fraud check: it reads orders and writes a
// FRAUD_CHECK verdict per new order to order-validations, failing the
// orders of a customer whose session total reaches the fraud limit.
//
//	go run ./solutions/cmd/fraud --bootstrap-servers localhost:9092
//
// Flags (each also read from the environment variable in brackets):
// --bootstrap-servers [KAFKA_BOOTSTRAP_SERVERS], --kafka-tls [KAFKA_TLS],
// --kafka-sasl-mechanism/-user/-password [KAFKA_SASL_...], --state-dir
// [STATE_DIR], --processing-guarantee [PROCESSING_GUARANTEE], --listen
// [LISTEN] for /metrics, --log-level [LOG_LEVEL].
package main

import (
	"context"
	"flag"

	"github.com/streamworkshop/workshop/solutions/fraud"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "fraud-service", ":8091")
	flag.Parse()
	platform.Main("fraud", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		cfg, err := svc.Config(fraud.ApplicationID, log)
		if err != nil {
			return err
		}
		topo, err := fraud.Topology()
		if err != nil {
			return err
		}
		app, err := kafka.New(topo, cfg)
		if err != nil {
			return err
		}
		return platform.RunApp(ctx, app, svc.Listen, nil, log)
	})
}
