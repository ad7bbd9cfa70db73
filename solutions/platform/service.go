package platform

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// Service is what every streams service's command reads besides Kafka:
// where its state lives, its processing guarantee, and the HTTP address
// of its metrics (and of its own routes, if it has any).
type Service struct {
	Kafka Kafka
	// StateDir: --state-dir, STATE_DIR (default <temp dir>/<service>).
	StateDir string
	// Guarantee: --processing-guarantee, PROCESSING_GUARANTEE:
	// at-least-once (the default) or exactly-once.
	Guarantee string
	// Listen: --listen, LISTEN, the HTTP address of /metrics (and of the
	// service's routes); empty serves nothing.
	Listen string
	// LogLevel: --log-level, LOG_LEVEL: debug, info (the default), warn
	// or error.
	LogLevel string
}

// Register adds the Kafka flags and the service flags to fs. name names
// the service (the default state directory); listen is the default of
// --listen.
func (s *Service) Register(fs *flag.FlagSet, name, listen string) {
	s.RegisterClient(fs)
	fs.StringVar(&s.StateDir, "state-dir", envOr("state-dir", filepath.Join(os.TempDir(), name)), "state directory (env "+Env("state-dir")+")")
	fs.StringVar(&s.Listen, "listen", envOr("listen", listen), "HTTP address of /metrics, empty for none (env "+Env("listen")+")")
}

// RegisterClient adds the flags of a service without state or HTTP: Kafka,
// --processing-guarantee and --log-level.
func (s *Service) RegisterClient(fs *flag.FlagSet) {
	s.Kafka.Register(fs)
	fs.StringVar(&s.Guarantee, "processing-guarantee", envOr("processing-guarantee", kafka.AtLeastOnce.String()),
		"at-least-once or exactly-once (env "+Env("processing-guarantee")+")")
	fs.StringVar(&s.LogLevel, "log-level", envOr("log-level", "info"), "debug, info, warn or error (env "+Env("log-level")+")")
}

// Logger returns a text logger on stderr at the chosen level.
func (s Service) Logger() (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: %w", s.LogLevel, err)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})), nil
}

// ProcessingGuarantee parses Guarantee.
func (s Service) ProcessingGuarantee() (kafka.Guarantee, error) {
	switch s.Guarantee {
	case "", kafka.AtLeastOnce.String():
		return kafka.AtLeastOnce, nil
	case kafka.ExactlyOnce.String():
		return kafka.ExactlyOnce, nil
	}
	return 0, fmt.Errorf("--processing-guarantee %q: want %s or %s", s.Guarantee, kafka.AtLeastOnce, kafka.ExactlyOnce)
}

// Config returns the runtime configuration of application appID: the
// brokers, TLS and SASL, state directory, guarantee and logger.
func (s Service) Config(appID string, logger *slog.Logger) (kafka.Config, error) {
	if err := s.Kafka.Validate(); err != nil {
		return kafka.Config{}, err
	}
	g, err := s.ProcessingGuarantee()
	if err != nil {
		return kafka.Config{}, err
	}
	c := kafka.Config{ApplicationID: appID, StateDir: s.StateDir, Guarantee: g, Logger: logger}
	s.Kafka.Apply(&c)
	return c, nil
}

// Main runs run with a context that ends on SIGINT or SIGTERM, and exits
// with status 1 and the error, prefixed with name, if it fails.
func Main(name string, run func(ctx context.Context) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	stop()
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds the graceful stop of the HTTP server.
const shutdownTimeout = 5 * time.Second

// RunApp starts app and, when listen is not empty, an HTTP server on it
// with mux (nil for a new one) and the app's /metrics; then it waits until
// ctx ends or the app fails, and stops both. It returns the app's failure,
// nil after a clean stop.
func RunApp(ctx context.Context, app *kafka.Application, listen string, mux *http.ServeMux, logger *slog.Logger) error {
	if err := app.Start(ctx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	var srv *http.Server
	errc := make(chan error, 1)
	if listen != "" {
		if mux == nil {
			mux = http.NewServeMux()
		}
		mux.Handle("GET /metrics", app.MetricsHandler())
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			_ = app.Close()
			return fmt.Errorf("listen on %s: %w", listen, err)
		}
		srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- srv.Serve(ln) }()
		logger.Info("listening", "addr", ln.Addr().String())
	}
	var failure error
	select {
	case <-ctx.Done():
	case <-app.Done():
	case err := <-errc:
		failure = fmt.Errorf("serve %s: %w", listen, err)
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		_ = srv.Shutdown(sctx)
		cancel()
	}
	return errors.Join(failure, app.Close())
}
