// Command inventory runs the inventory check: it reads orders and the
// warehouse's stock and writes an INVENTORY_CHECK verdict per new order to
// order-validations, reserving the stock of every order it passes.
//
//	go run ./solutions/cmd/inventory --bootstrap-servers localhost:9092
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

	"github.com/streamworkshop/workshop/solutions/inventory"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "inventory-service", ":8092")
	flag.Parse()
	platform.Main("inventory", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		cfg, err := svc.Config(inventory.ApplicationID, log)
		if err != nil {
			return err
		}
		topo, err := inventory.Topology()
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
