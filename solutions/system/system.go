package system

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/solutions/fraud"
	"github.com/streamworkshop/workshop/solutions/inventory"
	"github.com/streamworkshop/workshop/solutions/mail"
	"github.com/streamworkshop/workshop/solutions/orderdetails"
	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/solutions/validations"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// OrdersApplicationID is the orders service's application ID (before
// Config.AppIDPrefix); its read side materializes orders.StoreName.
const OrdersApplicationID = "OrdersService"

// shutdownTimeout bounds the graceful stop of each HTTP server.
const shutdownTimeout = 5 * time.Second

// System is the whole order system running in this process: the orders
// service (one or more instances, with HTTP), the order-details, fraud and
// inventory validators, the validations aggregator, the email service with
// its delivery, the search service, and a monitor that feeds events.
type System struct {
	cfg    Config
	feed   *Feed
	index  search.Index
	outbox *mail.Outbox

	cancel context.CancelFunc // ends the services
	apps   []service
	orders []*ordersInstance
	vdone  chan error // the order-details validator's Run result

	wg       sync.WaitGroup
	done     chan struct{}
	doneOnce sync.Once
	mu       sync.Mutex
	closing  bool
	err      error
	closeErr error
	closed   chan struct{}
}

// service is one streams application of the system.
type service struct {
	name string
	topo *streamlib.Topology
	app  *kafka.Application
}

type ordersInstance struct {
	app *kafka.Application
	sub *orders.Submitter
	ln  net.Listener
	srv *http.Server
	mux *http.ServeMux
}

// Start creates the topics that are missing, starts every service and
// waits until each runs; then the orders instances answer HTTP. ctx bounds
// the start only: the system runs until Close (or a service fails, see
// Done). On error, whatever was started is stopped again.
func Start(ctx context.Context, cfg Config) (_ *System, err error) {
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("system: data directory: %w", err)
	}
	if err := CreateTopics(ctx, cfg.Kafka.Brokers(), cfg.Kafka.Sarama, cfg.Partitions); err != nil {
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	s := &System{cfg: cfg, feed: cfg.Feed, cancel: cancel, done: make(chan struct{}), closed: make(chan struct{})}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()

	if err := s.openIndex(ctx); err != nil {
		return nil, err
	}
	emailer, err := s.emailer()
	if err != nil {
		return nil, err
	}

	// The services, each a streams application of its own, as they would
	// be as separate processes.
	add := func(name string, build func(*streamlib.Builder)) error {
		b := streamlib.NewBuilder()
		build(b)
		topo, err := b.Build()
		if err != nil {
			return fmt.Errorf("system: topology of %s: %w", name, err)
		}
		app, err := kafka.New(topo, s.appConfig(name, name, ""))
		if err != nil {
			return fmt.Errorf("system: %s: %w", name, err)
		}
		s.apps = append(s.apps, service{name: name, topo: topo, app: app})
		return nil
	}
	for _, err := range []error{
		add(fraud.ApplicationID, fraud.Build),
		add(inventory.ApplicationID, inventory.Build),
		add(validations.ApplicationID, validations.Build),
		add(email.ApplicationID, func(b *streamlib.Builder) { email.Build(b, emailer) }),
		add(search.ApplicationID, func(b *streamlib.Builder) { search.Build(b, s.index) }),
		add(MonitorApplicationID, func(b *streamlib.Builder) { buildMonitor(b, s.feed) }),
	} {
		if err != nil {
			return nil, err
		}
	}
	for i, addr := range cfg.OrdersAddrs {
		if err := s.addOrders(i, addr); err != nil {
			return nil, err
		}
	}
	for _, a := range s.apps {
		if err := a.app.Start(runCtx); err != nil {
			return nil, fmt.Errorf("system: start %s: %w", a.name, err)
		}
		s.watch(a.name, a.app)
	}
	if err := s.startOrderDetails(runCtx); err != nil {
		return nil, err
	}
	for _, a := range s.apps {
		if err := a.app.WaitRunning(ctx); err != nil {
			return nil, fmt.Errorf("system: %s did not come up: %w", a.name, err)
		}
	}
	for i, o := range s.orders {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := o.srv.Serve(o.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.fail(fmt.Errorf("system: orders instance %d on %s: %w", i, o.ln.Addr(), err))
			}
		}()
	}
	return s, nil
}

// appConfig is the runtime configuration of a service.
func (s *System) appConfig(appID, dir, appServer string) kafka.Config {
	c := kafka.Config{
		ApplicationID:     s.cfg.AppIDPrefix + appID,
		StateDir:          filepath.Join(s.cfg.DataDir, "state", dir),
		Guarantee:         s.cfg.Guarantee,
		CommitInterval:    s.cfg.CommitInterval,
		ApplicationServer: appServer,
		Logger:            s.cfg.Logger.With("service", dir),
	}
	s.cfg.Kafka.Apply(&c)
	return c
}

func (s *System) openIndex(ctx context.Context) error {
	if s.cfg.Elasticsearch != nil {
		idx, err := search.OpenElasticsearch(ctx, *s.cfg.Elasticsearch)
		if err != nil {
			return err
		}
		s.index = idx
		return nil
	}
	idx, err := search.OpenBleve(filepath.Join(s.cfg.DataDir, "search", "orders.bleve"))
	if err != nil {
		return err
	}
	s.index = idx
	return nil
}

// emailer is the email service's delivery: Config.Emailer, or the outbox
// and, when configured, SMTP; announced on the feed either way.
func (s *System) emailer() (email.Emailer, error) {
	if s.cfg.Emailer != nil {
		return announcing(s.cfg.Emailer, s.feed, func(email.Email) string { return "" }), nil
	}
	outbox, err := mail.NewOutbox(mail.OutboxConfig{Dir: filepath.Join(s.cfg.DataDir, "outbox")})
	if err != nil {
		return nil, err
	}
	s.outbox = outbox
	var smtp *mail.SMTP
	if s.cfg.SMTP != nil {
		if smtp, err = mail.NewSMTP(*s.cfg.SMTP); err != nil {
			return nil, err
		}
	}
	log := s.cfg.Logger.With("service", "email")
	deliver := email.EmailerFunc(func(ctx context.Context, e email.Email) error {
		if err := outbox.SendEmail(ctx, e); err != nil {
			return err
		}
		if smtp != nil {
			// Mail servers come and go; the outbox has the message.
			if err := smtp.SendEmail(ctx, e); err != nil {
				log.Warn("email not sent over SMTP; it is in the outbox", "order", e.Order.ID, "err", err)
			}
		}
		return nil
	})
	return announcing(deliver, s.feed, func(e email.Email) string { return outbox.Path(e.Order.ID) }), nil
}

// addOrders prepares orders instance i: its listener, read side and
// write side, and the mux of its routes.
func (s *System) addOrders(i int, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("system: orders instance %d: %w", i, err)
	}
	o := &ordersInstance{ln: ln, mux: http.NewServeMux()}
	s.orders = append(s.orders, o)
	o.srv = &http.Server{Handler: o.mux, ReadHeaderTimeout: 10 * time.Second}

	var ws orders.Waiters
	b := streamlib.NewBuilder()
	orders.AddReadSide(b, &ws)
	topo, err := b.Build()
	if err != nil {
		return fmt.Errorf("system: topology of the orders service: %w", err)
	}
	app, err := kafka.New(topo, s.appConfig(OrdersApplicationID, fmt.Sprintf("%s-%d", OrdersApplicationID, i), ln.Addr().String()))
	if err != nil {
		return fmt.Errorf("system: orders instance %d: %w", i, err)
	}
	o.app = app
	s.apps = append(s.apps, service{name: fmt.Sprintf("%s-%d", OrdersApplicationID, i), topo: topo, app: app})

	sub, err := orders.NewSubmitter(orders.SubmitterConfig{
		Brokers:     s.cfg.Kafka.Brokers(),
		Partitioner: sarama.NewMurmur2Partitioner, // as the runtime partitions
		Sarama:      s.cfg.Kafka.Sarama,
		NewID:       s.cfg.NewID,
		Logger:      s.cfg.Logger.With("service", "orders"),
	})
	if err != nil {
		return fmt.Errorf("system: orders instance %d: %w", i, err)
	}
	o.sub = sub
	sub.Register(o.mux)
	(&orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}).Register(o.mux)
	search.Register(o.mux, s.index)
	o.mux.Handle("GET "+EventsPath, s.feed.Handler())
	if s.cfg.Routes != nil {
		s.cfg.Routes(o.mux)
	}
	return nil
}

func (s *System) startOrderDetails(ctx context.Context) error {
	v, err := orderdetails.New(orderdetails.Config{
		Brokers:         s.cfg.Kafka.Brokers(),
		GroupID:         s.cfg.AppIDPrefix + orderdetails.DefaultGroupID,
		TransactionalID: s.cfg.AppIDPrefix + orderdetails.DefaultTransactionalID,
		Transactional:   s.cfg.Guarantee == kafka.ExactlyOnce,
		Partitioner:     sarama.NewMurmur2Partitioner,
		Sarama:          s.cfg.Kafka.Sarama,
		Logger:          s.cfg.Logger.With("service", "order-details"),
	})
	if err != nil {
		return fmt.Errorf("system: order details: %w", err)
	}
	s.vdone = make(chan error, 1)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		err := v.Run(ctx)
		if err != nil {
			s.fail(fmt.Errorf("system: order details: %w", err))
		}
		s.vdone <- err
	}()
	return nil
}

// watch reports the failure of an application that stops on its own.
func (s *System) watch(name string, app *kafka.Application) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		select {
		case <-app.Done():
			if err := app.Err(); err != nil {
				s.fail(fmt.Errorf("system: %s: %w", name, err))
			} else if !s.isClosing() {
				s.fail(fmt.Errorf("system: %s stopped", name))
			}
		case <-s.closed:
		}
	}()
}

func (s *System) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// fail records the first failure and closes Done.
func (s *System) fail(err error) {
	s.mu.Lock()
	if s.err == nil && !s.closing {
		s.err = err
		s.cfg.Logger.Error("service failed", "err", err)
	}
	s.mu.Unlock()
	s.doneOnce.Do(func() { close(s.done) })
}

// Done is closed when a service fails (Err says which and why) or the
// system is closed.
func (s *System) Done() <-chan struct{} { return s.done }

// Err returns the failure that closed Done, or nil.
func (s *System) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Close stops everything: the HTTP servers (after the requests under way,
// up to a few seconds), then every service (each commits and closes its
// stores), then the producers and the search index. It returns the
// failure that stopped a service, if one did, joined with any error of
// the shutdown. Calling it again returns the same.
func (s *System) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		<-s.closed
		return s.closeErr
	}
	s.closing = true
	s.mu.Unlock()

	var errs []error
	s.feed.Close() // ends the event streams, which would hold up Shutdown
	for i, o := range s.orders {
		if o.srv == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		if err := o.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("system: stop HTTP of orders instance %d: %w", i, err))
		}
		cancel()
		o.ln.Close() // in case Serve never ran
	}
	s.cancel()
	for _, a := range s.apps {
		if err := a.app.Close(); err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, fmt.Errorf("system: stop %s: %w", a.name, err))
		}
	}
	if s.vdone != nil {
		<-s.vdone
	}
	close(s.closed)
	s.wg.Wait()
	for _, o := range s.orders {
		if o.sub != nil {
			if err := o.sub.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if s.index != nil {
		if err := s.index.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.doneOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeErr = errors.Join(append([]error{s.err}, errs...)...)
	return s.closeErr
}

// OrdersURL returns the base URL of orders instance i, such as
// http://127.0.0.1:8080.
func (s *System) OrdersURL(i int) string { return "http://" + s.orders[i].ln.Addr().String() }

// OrdersInstances returns how many orders instances run.
func (s *System) OrdersInstances() int { return len(s.orders) }

// Owner returns the orders instance whose store holds the order id, or -1
// while none does (during a rebalance).
func (s *System) Owner(id string) (int, error) {
	md, err := kafka.KeyMetadataFor(s.orders[0].app, orders.StoreName, id, domain.OrdersTopic().KeySerde())
	if err != nil {
		return -1, fmt.Errorf("system: owner of order %s: %w", id, err)
	}
	for i, o := range s.orders {
		if md.Host == o.ln.Addr().String() {
			return i, nil
		}
	}
	return -1, nil
}

// Feed returns the system's event feed.
func (s *System) Feed() *Feed { return s.feed }

// Index returns the search index.
func (s *System) Index() search.Index { return s.index }

// OutboxDir returns the folder of the outbox, or "" when Config.Emailer
// replaced it.
func (s *System) OutboxDir() string {
	if s.outbox == nil {
		return ""
	}
	return s.outbox.Dir()
}

// Outbox returns the outbox, or nil when Config.Emailer replaced it.
func (s *System) Outbox() *mail.Outbox { return s.outbox }

// Topologies returns each service's topology by application ID (before
// Config.AppIDPrefix), for a page that draws them.
func (s *System) Topologies() map[string]*streamlib.Topology {
	out := map[string]*streamlib.Topology{}
	for _, a := range s.apps {
		out[a.name] = a.topo
	}
	return out
}

// Logger returns the system's logger.
func (s *System) Logger() *slog.Logger { return s.cfg.Logger }
