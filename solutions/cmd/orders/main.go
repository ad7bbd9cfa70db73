// Command orders runs the orders service: POST /v1/orders writes an order to
// the orders topic; GET /v1/orders/{id} and /v1/orders/{id}/validated answer
// from the materialized orders, forwarding a key another instance owns.
//
//	go run ./solutions/cmd/orders --bootstrap-servers localhost:9092 --listen :8080
//
// --application-server [APPLICATION_SERVER] is the host:port other
// instances reach this one at (default: the --listen address, with
// localhost for an empty host). The Kafka and service flags are those of
// every command (see solutions/cmd/fraud); --listen [LISTEN] also serves
// /metrics.
package main

import (
	"context"
	"flag"
	"net"
	"net/http"
	"os"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/system"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(platform.Env(name)); ok {
		return v
	}
	return def
}

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "orders-service", ":8080")
	appServer := flag.String("application-server", env("application-server", ""), "host:port other instances reach this one at (env APPLICATION_SERVER)")
	flag.Parse()
	platform.Main("orders", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		if *appServer == "" {
			host, port, err := net.SplitHostPort(svc.Listen)
			if err == nil {
				if host == "" {
					host = "localhost"
				}
				*appServer = net.JoinHostPort(host, port)
			}
		}
		var ws orders.Waiters
		b := streamlib.NewBuilder()
		orders.AddReadSide(b, &ws)
		topo, err := b.Build()
		if err != nil {
			return err
		}
		cfg, err := svc.Config(system.OrdersApplicationID, log)
		if err != nil {
			return err
		}
		cfg.ApplicationServer = *appServer
		app, err := kafka.New(topo, cfg)
		if err != nil {
			return err
		}
		// The producer partitions by murmur2, as the streams runtime does,
		// so an order's events and its store entry share a partition.
		sub, err := orders.NewSubmitter(orders.SubmitterConfig{
			Brokers: svc.Kafka.Brokers(), Partitioner: sarama.NewMurmur2Partitioner, Sarama: svc.Kafka.Sarama, Logger: log,
		})
		if err != nil {
			return err
		}
		defer sub.Close()
		mux := http.NewServeMux()
		sub.Register(mux)
		(&orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}).Register(mux)
		return platform.RunApp(ctx, app, svc.Listen, mux, log)
	})
}
