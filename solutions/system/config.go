package system

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/solutions/mail"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// Config configures a System. Kafka and DataDir are required; every other
// field has a documented default.
type Config struct {
	// Kafka names the brokers and how to reach them (TLS, SASL).
	Kafka platform.Kafka
	// DataDir holds everything the system keeps outside Kafka: the
	// services' state under state/, the outbox under outbox/, the search
	// index under search/. Start it again on the same folder (and the same
	// brokers) and it resumes.
	DataDir string
	// Partitions of the topics Start creates when they are missing
	// (DefaultPartitions).
	Partitions int32
	// Guarantee of every streams application, and of the order-details
	// validator (transactional under ExactlyOnce). Default AtLeastOnce.
	Guarantee kafka.Guarantee
	// CommitInterval of every streams application (1 s under AtLeastOnce,
	// the runtime's default under ExactlyOnce).
	CommitInterval time.Duration
	// AppIDPrefix starts every application ID, consumer group and
	// transactional ID (none). Tests on a shared broker use it to start
	// from nothing.
	AppIDPrefix string
	// OrdersAddrs are the listen addresses of the orders service's
	// instances, one instance each, all in one group: their GETs forward
	// keys to one another (one instance on 127.0.0.1:0, a free port).
	OrdersAddrs []string
	// Routes, when set, adds routes to every orders instance's mux,
	// beside /v1/orders, /v1/search and /v1/events (a web page, say).
	Routes func(*http.ServeMux)
	// SMTP, when set, sends every email to this server too, besides the
	// outbox. A failure to send is logged and published, not fatal.
	SMTP *mail.SMTPConfig
	// Emailer, when set, replaces the outbox and SMTP.
	Emailer email.Emailer
	// Elasticsearch, when set, keeps the search index there instead of
	// in bleve under DataDir.
	Elasticsearch *search.ElasticsearchConfig
	// NewID gives ids to orders posted without one (orders.NewRandomID).
	NewID func() string
	// Feed receives the system's events (a new feed).
	Feed *Feed
	// Logger receives the services' logs (discarded).
	Logger *slog.Logger
}

func (c Config) withDefaults() (Config, error) {
	if err := c.Kafka.Validate(); err != nil {
		return c, err
	}
	if c.DataDir == "" {
		return c, errors.New("system: Config.DataDir is empty")
	}
	if len(c.OrdersAddrs) == 0 {
		c.OrdersAddrs = []string{"127.0.0.1:0"}
	}
	if c.CommitInterval == 0 && c.Guarantee == kafka.AtLeastOnce {
		c.CommitInterval = time.Second
	}
	if c.Feed == nil {
		c.Feed = NewFeed(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
