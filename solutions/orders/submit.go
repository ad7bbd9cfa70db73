package orders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
)

// Path is where orders are posted: POST /v1/orders (or /v1/orders/). An
// accepted order lives at Path + "/" + id.
const Path = "/v1/orders"

// Defaults of SubmitterConfig.
const (
	DefaultClientID     = "order-sender"
	DefaultTimeout      = 10 * time.Second
	DefaultRetries      = 5
	DefaultRetryBackoff = 100 * time.Millisecond
	DefaultMaxBodyBytes = 64 << 10
)

// SubmitterConfig configures a Submitter. Zero fields take the defaults
// named in their comments.
type SubmitterConfig struct {
	// Brokers are the bootstrap addresses of the Kafka cluster. Required.
	Brokers []string
	// ClientID names the producer in the broker's logs (DefaultClientID).
	ClientID string
	// Version is the Kafka protocol version the producer speaks
	// (sarama.V2_8_0_0; at least V0_11_0_0, the first with idempotence).
	Version sarama.KafkaVersion
	// Timeout bounds each wait on the broker: connecting, and the
	// acknowledgement of a write by all in-sync replicas (DefaultTimeout).
	Timeout time.Duration
	// Retries is how often a failed write is retried before the POST
	// fails (DefaultRetries; at least 1, which idempotence needs).
	Retries int
	// RetryBackoff is the pause before each retry (DefaultRetryBackoff).
	RetryBackoff time.Duration
	// Partitioner chooses the partition of each order from its key
	// (sarama's default hash partitioner when nil). Every producer of a
	// topic keyed by order id must use the same one, or one order's
	// events would land on different partitions.
	Partitioner sarama.PartitionerConstructor
	// Sarama, when set, is called on the producer's configuration before
	// anything else is set, for connection settings such as TLS and SASL;
	// the settings made here after it win.
	Sarama func(*sarama.Config)
	// MaxBodyBytes limits the size of a request body; a larger one gets
	// 413 Request Entity Too Large (DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// NewID returns the id of an order posted without one (NewRandomID).
	NewID func() string
	// Logger receives a line per failed write (slog.Default()).
	Logger *slog.Logger
}

func (c SubmitterConfig) withDefaults() SubmitterConfig {
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.Version == (sarama.KafkaVersion{}) {
		c.Version = sarama.V2_8_0_0
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Retries <= 0 {
		c.Retries = DefaultRetries
	}
	if c.RetryBackoff <= 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.NewID == nil {
		c.NewID = NewRandomID
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Submitter is the write side of the orders service: an http.Handler that
// accepts a new order and persists it as an event on the orders topic.
//
// It answers 201 Created with Location: /v1/orders/{id} only after the
// broker acknowledged the write, so a client that got 201 can rely on the
// order being in the log. A body that is not a complete order gets 400 (413
// when too large) with a JSON error, and nothing is written. If the write
// fails, the client gets 503 with the reason.
//
// A Submitter is safe for concurrent use.
type Submitter struct {
	producer sarama.SyncProducer
	orders   domain.Topic[string, domain.Order]
	maxBody  int64
	newID    func() string
	log      *slog.Logger
}

// NewSubmitter connects a producer to cfg.Brokers and returns a Submitter
// that writes through it. Close it when done.
func NewSubmitter(cfg SubmitterConfig) (*Submitter, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("orders: SubmitterConfig.Brokers is empty")
	}
	cfg = cfg.withDefaults()
	pc, err := producerConfig(cfg)
	if err != nil {
		return nil, err
	}
	p, err := sarama.NewSyncProducer(cfg.Brokers, pc)
	if err != nil {
		return nil, fmt.Errorf("orders: start producer on %v: %w", cfg.Brokers, err)
	}
	return &Submitter{
		producer: p,
		orders:   domain.OrdersTopic(),
		maxBody:  cfg.MaxBodyBytes,
		newID:    cfg.NewID,
		log:      cfg.Logger,
	}, nil
}

// Close flushes and closes the producer.
func (s *Submitter) Close() error {
	if err := s.producer.Close(); err != nil {
		return fmt.Errorf("orders: close producer: %w", err)
	}
	return nil
}

// producerConfig returns the configuration of the producer that writes
// orders.
func producerConfig(cfg SubmitterConfig) (*sarama.Config, error) {
	c := sarama.NewConfig()
	if cfg.Sarama != nil {
		cfg.Sarama(c)
	}
	c.ClientID = cfg.ClientID
	c.Version = cfg.Version
	// A SyncProducer learns the outcome of each write from these channels.
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.Timeout = cfg.Timeout
	c.Producer.Retry.Max = cfg.Retries
	c.Producer.Retry.Backoff = cfg.RetryBackoff
	if cfg.Partitioner != nil {
		c.Producer.Partitioner = cfg.Partitioner
	}
	c.Metadata.Retry.Max = cfg.Retries
	c.Metadata.Retry.Backoff = cfg.RetryBackoff
	c.Net.DialTimeout = cfg.Timeout
	// The broker may take up to Producer.Timeout to acknowledge; give the
	// connection a little longer than that.
	c.Net.ReadTimeout = cfg.Timeout + time.Second
	c.Net.WriteTimeout = cfg.Timeout

	// Step 1.1: make every write durable and never duplicated.
	// All in-sync replicas must have the order before the broker answers...
	c.Producer.RequiredAcks = sarama.WaitForAll
	// ...and a retried write must not be appended twice: the idempotent
	// producer numbers its batches so the broker can drop a repeat. It
	// keeps order only with one request in flight per broker.
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1

	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("orders: producer configuration: %w", err)
	}
	return c, nil
}

// Register mounts s on mux at POST /v1/orders and POST /v1/orders/.
func (s *Submitter) Register(mux *http.ServeMux) {
	mux.Handle("POST "+Path, s)
	mux.Handle("POST "+Path+"/{$}", s)
}

// ServeHTTP accepts one order: it decodes and checks the body, writes the
// order to the orders topic, and answers 201 only once the write is
// acknowledged.
func (s *Submitter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, "use POST to submit an order")
		return
	}
	order, status, err := s.decode(w, r)
	if err != nil {
		writeError(w, status, err.Error())
		return
	}
	if err := s.Submit(r.Context(), order); err != nil {
		s.log.Error("order not written", "order", order.ID, "err", err)
		writeError(w, http.StatusServiceUnavailable, "the order was not stored: "+err.Error())
		return
	}
	w.Header().Set("Location", Path+"/"+url.PathEscape(order.ID))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(order) // the order is stored; a client gone by now changes nothing
}

// Submit writes order to the orders topic and returns once the broker has
// acknowledged it, or with the reason it could not. The order must be
// complete; ServeHTTP checks that before calling Submit. ctx is checked
// before the write starts; a write in progress cannot be cancelled.
func (s *Submitter) Submit(ctx context.Context, order domain.Order) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("orders: order %s: %w", order.ID, err)
	}
	msg, err := s.record(order)
	if err != nil {
		return err
	}
	// Step 1.3: send the record and wait for the broker's acknowledgement.
	if _, _, err := s.producer.SendMessage(msg); err != nil {
		return fmt.Errorf("orders: write order %s to %s: %w", order.ID, s.orders.Name(), err)
	}
	return nil
}

// record turns an order into the record that persists it: on the orders
// topic, keyed by the order id, with the order as JSON as its value.
func (s *Submitter) record(order domain.Order) (*sarama.ProducerMessage, error) {
	// Step 1.2: build the record.
	key, err := s.orders.KeySerde().Serialize(order.ID)
	if err != nil {
		return nil, fmt.Errorf("orders: encode key of order %s: %w", order.ID, err)
	}
	value, err := s.orders.ValueSerde().Serialize(order)
	if err != nil {
		return nil, fmt.Errorf("orders: encode order %s: %w", order.ID, err)
	}
	return &sarama.ProducerMessage{
		Topic: s.orders.Name(),
		Key:   sarama.ByteEncoder(key),
		Value: sarama.ByteEncoder(value),
	}, nil
}

// orderRequest is the body of POST /v1/orders. Pointers tell a missing field
// from a zero one.
type orderRequest struct {
	ID         *string            `json:"id"`
	CustomerID *int64             `json:"customerId"`
	State      *domain.OrderState `json:"state"`
	Product    *string            `json:"product"`
	Quantity   *int32             `json:"quantity"`
	Price      *float64           `json:"price"`
}

// decode reads the order in r's body. On failure it returns the HTTP status
// to answer with and the reason.
func (s *Submitter) decode(w http.ResponseWriter, r *http.Request) (domain.Order, int, error) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.maxBody))
	dec.DisallowUnknownFields()
	var req orderRequest
	if err := dec.Decode(&req); err != nil {
		return domain.Order{}, bodyErrorStatus(err), bodyError(err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("the body holds more than one JSON value; send exactly one order")
		}
		return domain.Order{}, bodyErrorStatus(err), bodyError(err)
	}
	order, err := s.order(req)
	if err != nil {
		return domain.Order{}, http.StatusBadRequest, err
	}
	return order, 0, nil
}

// order checks a request and turns it into a new order. Quantity and price
// may be negative: judging them is the order-details check's job, and its
// FAIL is an event worth having.
func (s *Submitter) order(req orderRequest) (domain.Order, error) {
	var missing []string
	if req.CustomerID == nil {
		missing = append(missing, "customerId")
	}
	if req.Product == nil {
		missing = append(missing, "product")
	}
	if req.Quantity == nil {
		missing = append(missing, "quantity")
	}
	if req.Price == nil {
		missing = append(missing, "price")
	}
	if len(missing) > 0 {
		return domain.Order{}, fmt.Errorf("missing field(s): %s", strings.Join(missing, ", "))
	}
	product, err := domain.ParseProduct(*req.Product)
	if err != nil {
		return domain.Order{}, err
	}
	state := domain.Created
	if req.State != nil && *req.State != "" && *req.State != domain.Created {
		return domain.Order{}, fmt.Errorf("state %q: a new order is %s; later states are decided by validation", *req.State, domain.Created)
	}
	var id string
	if req.ID != nil && *req.ID != "" {
		if err := checkID(*req.ID); err != nil {
			return domain.Order{}, err
		}
		id = *req.ID
	} else {
		id = s.newID()
	}
	return domain.Order{
		ID:         id,
		CustomerID: *req.CustomerID,
		State:      state,
		Product:    product,
		Quantity:   *req.Quantity,
		Price:      *req.Price,
	}, nil
}

// maxIDLength bounds an order id given by a client.
const maxIDLength = 64

// checkID accepts ids that can stand in a URL path as they are: 1 to
// maxIDLength letters, digits and . _ ~ : -
func checkID(id string) error {
	if len(id) > maxIDLength {
		return fmt.Errorf("id is %d characters long, at most %d allowed", len(id), maxIDLength)
	}
	for _, c := range id {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._~:-", c)
		if !ok {
			return fmt.Errorf("id %q: only letters, digits and . _ ~ : - are allowed", id)
		}
	}
	return nil
}

// NewRandomID returns 16 random hexadecimal digits.
func NewRandomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// bodyErrorStatus is 413 for a body over the limit, 400 for anything else.
func bodyErrorStatus(err error) int {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// bodyError explains why a body could not be read as an order.
func bodyError(err error) error {
	if e, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return fmt.Errorf("the body is larger than %d bytes", e.Limit)
	}
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Errorf("malformed JSON at byte %d: %v", e.Offset, e)
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("field %q: cannot use JSON %s as %s", e.Field, e.Value, e.Type)
	}
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("empty body: send the order as a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("malformed JSON: the body ends in the middle of the order")
	}
	return fmt.Errorf("malformed body: %v", err)
}

// writeError answers with status and a JSON body {"error": reason}.
func writeError(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Error string `json:"error"`
	}{reason})
}
