// Command demo runs the whole order system in one process on an embedded
// Kafka broker: nothing to install, nothing to configure.
//
//	go run ./solutions/cmd/demo              # the system, waiting for your orders
//	go run ./solutions/cmd/demo --generate   # and a stream of orders, one a second
//
// It starts the broker, creates the topics, seeds the nine customers and
// the warehouse's stock (on a fresh data directory), starts every service,
// prints the URLs, and then logs each order as it moves through its
// states. Ctrl-C stops everything cleanly. State (Kafka's logs included)
// lives under --data-dir, by default in your cache directory, so the next
// run resumes where this one stopped; --reset starts afresh.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/generator"
	"github.com/streamworkshop/workshop/solutions/mail"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/solutions/system"
	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// options are the demo's flags.
type options struct {
	dataDir     string
	reset       bool
	listen      string
	kafkaPort   int
	generate    bool
	rate        float64
	count       int
	stock       generator.Stock
	exactlyOnce bool
	smtpAddr    string
	esURL       string
	quiet       bool
}

func defaultDataDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "streamworkshop", "demo")
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.StringVar(&o.dataDir, "data-dir", defaultDataDir(), "where the demo keeps its state, Kafka's included")
	fs.BoolVar(&o.reset, "reset", false, "delete the data directory first and start afresh")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "HTTP address of the orders service (port 0: any free port)")
	fs.IntVar(&o.kafkaPort, "kafka-port", 0, "port of the embedded Kafka broker on 127.0.0.1 (0: any free port)")
	fs.BoolVar(&o.generate, "generate", false, "post generated orders (and their payments)")
	fs.Float64Var(&o.rate, "rate", 1, "generated orders per second")
	fs.IntVar(&o.count, "count", 0, "generated orders in all (0: until Ctrl-C)")
	def := generator.DefaultStock()
	underpants := fs.Int("underpants", int(def[domain.Underpants]), "UNDERPANTS in stock on a fresh start")
	jumpers := fs.Int("jumpers", int(def[domain.Jumpers]), "JUMPERS in stock on a fresh start")
	stockings := fs.Int("stockings", 0, "STOCKINGS in stock on a fresh start (none, as in the original: their orders fail)")
	fs.BoolVar(&o.exactlyOnce, "exactly-once", false, "run every service with exactly-once processing (transactions)")
	fs.StringVar(&o.smtpAddr, "smtp-addr", "", "also send the emails to this SMTP server (host:port, e.g. Mailpit's localhost:1025)")
	fs.StringVar(&o.esURL, "elasticsearch-url", "", "keep the search index in this Elasticsearch instead of bleve")
	fs.BoolVar(&o.quiet, "quiet", false, "no live log of the orders")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.stock = generator.Stock{domain.Underpants: int32(*underpants), domain.Jumpers: int32(*jumpers)}
	if *stockings > 0 {
		o.stock[domain.Stockings] = int32(*stockings)
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	platform.Main("demo", func(ctx context.Context) error { return run(ctx, o, os.Stdout) })
}

// seededMarker is the file that says the data directory was seeded.
const seededMarker = "seeded"

func run(ctx context.Context, o options, out io.Writer) (err error) {
	if o.reset {
		if err := os.RemoveAll(o.dataDir); err != nil {
			return fmt.Errorf("reset %s: %w", o.dataDir, err)
		}
	}
	if err := os.MkdirAll(o.dataDir, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	cluster, err := embedded.Start(ctx, embedded.WithDataDir(filepath.Join(o.dataDir, "kafka")), embedded.WithPorts(o.kafkaPort))
	if err != nil {
		return fmt.Errorf("start the embedded broker: %w", err)
	}
	defer cluster.Close()
	brokers := cluster.Addrs()
	if err := system.CreateTopics(ctx, brokers, nil, 0); err != nil {
		return err
	}
	fresh, err := seed(ctx, o, brokers)
	if err != nil {
		return err
	}

	cfg := system.Config{
		Kafka:       platform.Kafka{BootstrapServers: strings.Join(brokers, ",")},
		DataDir:     o.dataDir,
		OrdersAddrs: []string{o.listen},
		NewID:       shortID,
		Logger:      logger,
	}
	if o.exactlyOnce {
		cfg.Guarantee = kafka.ExactlyOnce
	}
	if o.smtpAddr != "" {
		cfg.SMTP = &mail.SMTPConfig{Addr: o.smtpAddr}
	}
	if o.esURL != "" {
		cfg.Elasticsearch = &search.ElasticsearchConfig{URLs: strings.Split(o.esURL, ",")}
	}
	var running atomic.Pointer[system.System] // set once Start returns; the routes start before
	cfg.Routes = func(mux *http.ServeMux) {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { index(w, running.Load(), brokers) })
	}
	fmt.Fprintln(out, "starting the order system on an embedded Kafka broker...")
	s, err := system.Start(ctx, cfg)
	if err != nil {
		var opErr *net.OpError
		if errors.As(err, &opErr) && opErr.Op == "listen" {
			return fmt.Errorf("%w (is another demo running? try --listen 127.0.0.1:0)", err)
		}
		return err
	}
	running.Store(s)
	defer func() { err = errors.Join(err, s.Close()) }()
	banner(out, o, s, brokers, fresh)

	var wg sync.WaitGroup
	defer wg.Wait()
	watchCtx, stopWatching := context.WithCancel(ctx)
	defer stopWatching()
	if !o.quiet {
		wg.Add(1)
		go func() {
			defer wg.Done()
			system.Console(watchCtx, s.Feed(), out, colorful(out))
		}()
	}
	genErr := make(chan error, 1)
	if o.generate {
		p, err := generator.NewProducer(brokers, nil)
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() { // owns p
			defer wg.Done()
			defer p.Close()
			_, err := generator.RunOrders(watchCtx, generator.OrdersConfig{
				URL: s.OrdersURL(0), Payments: p, Rate: o.rate, Count: o.count, MaxQuantity: 3,
			})
			genErr <- err
		}()
	}
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(out, "\nstopping: every service commits and closes its stores...")
			return nil
		case <-s.Done():
			return fmt.Errorf("the system stopped: %w", s.Err())
		case err := <-genErr:
			if err != nil {
				return fmt.Errorf("order generator: %w", err)
			}
			genErr = nil // done: the system goes on
		}
	}
}

// seed writes the customers and the stock on a fresh data directory, and
// reports whether it did.
func seed(ctx context.Context, o options, brokers []string) (bool, error) {
	marker := filepath.Join(o.dataDir, seededMarker)
	if _, err := os.Stat(marker); err == nil {
		return false, nil
	}
	p, err := generator.NewProducer(brokers, nil)
	if err != nil {
		return false, err
	}
	defer p.Close()
	cs, err := generator.Customers()
	if err != nil {
		return false, err
	}
	if err := generator.SeedCustomers(ctx, p, cs); err != nil {
		return false, err
	}
	if err := generator.SeedInventory(ctx, p, o.stock); err != nil {
		return false, err
	}
	if err := os.WriteFile(marker, []byte(time.Now().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return false, fmt.Errorf("mark the data directory seeded: %w", err)
	}
	return true, nil
}

func banner(w io.Writer, o options, s *system.System, brokers []string, fresh bool) {
	base := s.OrdersURL(0)
	state := "resumed from"
	if fresh {
		state = "fresh, in"
	}
	stock := make([]string, 0, len(o.stock))
	for _, p := range domain.Products() {
		if n, ok := o.stock[p]; ok {
			stock = append(stock, strconv.Itoa(int(n))+" "+string(p))
		}
	}
	fmt.Fprintf(w, `
The order system is running.
  orders API   %[1]s/v1/orders
  search       %[1]s/v1/search?q=state:validated
  live events  %[1]s/v1/events
  outbox       %[2]s
  Kafka        %[3]s   (--bootstrap-servers for the other commands)
  state        %[4]s %[5]s
`, base, s.OutboxDir(), strings.Join(brokers, ","), state, o.dataDir)
	if fresh {
		fmt.Fprintf(w, "  seeded       9 customers (ids 1-9) and the stock: %s\n", strings.Join(stock, ", "))
	}
	fmt.Fprintf(w, `
Post an order and wait for its verdict:
  curl -si -d '{"id":"my-1","customerId":1,"product":"JUMPERS","quantity":1,"price":40}' %[1]s/v1/orders
  curl -s '%[1]s/v1/orders/my-1/validated'
`, base)
	if !o.generate {
		fmt.Fprintln(w, "or run the demo with --generate for a stream of orders.")
	}
	fmt.Fprintln(w, "Ctrl-C stops the demo.")
	fmt.Fprintln(w)
}

// index answers GET / with the demo's links, until the web page exists.
func index(w http.ResponseWriter, s *system.System, brokers []string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s == nil {
		return
	}
	base := s.OrdersURL(0)
	fmt.Fprintf(w, "The order system (streamworkshop demo)\n\n"+
		"POST %[1]s/v1/orders                 place an order (JSON)\n"+
		"GET  %[1]s/v1/orders/{id}            an order, once it exists\n"+
		"GET  %[1]s/v1/orders/{id}/validated  an order, once VALIDATED or FAILED\n"+
		"GET  %[1]s/v1/search?q=              the orders index\n"+
		"GET  %[1]s/v1/events                 what happens, as server-sent events\n\n"+
		"Kafka: %[2]s\nOutbox: %[3]s\n", base, strings.Join(brokers, ","), s.OutboxDir())
}

// shortID gives posted orders without an id one of 8 hexadecimal digits,
// short enough to read in the live log.
func shortID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// colorful reports whether w is a terminal that wants colours.
func colorful(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
