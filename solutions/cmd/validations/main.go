// Command validations runs the validations aggregator: it reads the
// validators' verdicts and the new orders, and writes each order back to
// orders once, VALIDATED when every check passed or FAILED when one
// failed.
//
//	go run ./solutions/cmd/validations --bootstrap-servers localhost:9092
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

	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/validations"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "validations-service", ":8093")
	flag.Parse()
	platform.Main("validations", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		cfg, err := svc.Config(validations.ApplicationID, log)
		if err != nil {
			return err
		}
		topo, err := validations.Topology()
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
