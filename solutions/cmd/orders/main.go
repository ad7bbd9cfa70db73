// Command orders runs the orders service: POST /v1/orders writes an order to
// the orders topic; GET /v1/orders/{id} and /v1/orders/{id}/validated answer
// from the materialized orders, forwarding a key another instance owns.
//
//	go run ./solutions/cmd/orders --bootstrap-servers localhost:9092 --listen :8080
//
// Every flag also reads an environment variable of its upper-case name
// (KAFKA_BOOTSTRAP_SERVERS, LISTEN, APPLICATION_SERVER, STATE_DIR).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/solutions/platform"
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
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "orders:", err)
		os.Exit(1)
	}
}

func run() error {
	var kc platform.Kafka
	kc.Register(flag.CommandLine)
	listen := flag.String("listen", env("listen", ":8080"), "HTTP listen address (env LISTEN)")
	appServer := flag.String("application-server", env("application-server", ""), "host:port other instances reach this one at (env APPLICATION_SERVER)")
	stateDir := flag.String("state-dir", env("state-dir", filepath.Join(os.TempDir(), "orders-service")), "state directory (env STATE_DIR)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var ws orders.Waiters
	b := streamlib.NewBuilder()
	orders.AddReadSide(b, &ws)
	topo, err := b.Build()
	if err != nil {
		return fmt.Errorf("build topology: %w", err)
	}
	cfg := kafka.Config{ApplicationID: "orders-service", StateDir: *stateDir, ApplicationServer: *appServer}
	kc.Apply(&cfg)
	app, err := kafka.New(topo, cfg)
	if err != nil {
		return fmt.Errorf("new application: %w", err)
	}
	if err := app.Start(ctx); err != nil {
		return fmt.Errorf("start application: %w", err)
	}
	defer app.Close()

	// The producer partitions by murmur2, as the streams runtime does, so
	// an order's events and its store entry share a partition.
	sub, err := orders.NewSubmitter(orders.SubmitterConfig{Brokers: kc.Brokers(), Partitioner: sarama.NewMurmur2Partitioner})
	if err != nil {
		return err
	}
	defer sub.Close()

	mux := http.NewServeMux()
	sub.Register(mux)
	(&orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}).Register(mux)
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("orders service listening", "addr", *listen)
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", *listen, err)
	case <-app.Done():
		_ = srv.Close()
		return fmt.Errorf("application stopped: %w", app.Err())
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down HTTP: %w", err)
	}
	return nil
}
