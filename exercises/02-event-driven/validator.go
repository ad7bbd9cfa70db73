package orderdetails

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
)

// Defaults of Config.
const (
	DefaultGroupID         = "OrderDetailsService"
	DefaultClientID        = "order-details-service"
	DefaultTransactionalID = "OrderDetailsService-1"
	DefaultTimeout         = 10 * time.Second
)

// Config configures a Validator. Zero fields take the defaults named in
// their comments.
type Config struct {
	// Brokers are the bootstrap addresses of the Kafka cluster. Required.
	Brokers []string
	// GroupID is the consumer group. Instances with the same group share
	// the partitions of orders, and the group's committed offsets say
	// where a restarted instance resumes (DefaultGroupID).
	GroupID string
	// ClientID names the clients in the broker's logs (DefaultClientID).
	ClientID string
	// Version is the Kafka protocol version the clients speak
	// (sarama.V2_8_0_0; transactions need at least V2_5_0_0).
	Version sarama.KafkaVersion
	// Timeout bounds each wait on the broker (DefaultTimeout).
	Timeout time.Duration
	// Transactional makes each validation and the offset of its order one
	// Kafka transaction: either both are stored or neither, so a crash can
	// neither lose a validation nor write it twice (exactly once). Without
	// it, the validator is at-least-once: a crash between writing a
	// validation and committing its offset writes that validation again.
	Transactional bool
	// TransactionalID identifies this instance's transactions; give each
	// instance its own, stable across restarts, so a restarted instance
	// fences its own zombie (DefaultTransactionalID). Used only when
	// Transactional is set.
	TransactionalID string
	// Partitioner chooses the partition of each validation from its key
	// (sarama's default hash partitioner when nil). It must match the
	// partitioner of every other writer of order-validations.
	Partitioner sarama.PartitionerConstructor
	// Sarama, when set, is called on each client's configuration before
	// anything else is set, for connection settings such as TLS and SASL;
	// the settings made here after it win.
	Sarama func(*sarama.Config)
	// Logger receives a line per skipped record and per failure
	// (slog.Default()).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.GroupID == "" {
		c.GroupID = DefaultGroupID
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.Version == (sarama.KafkaVersion{}) {
		c.Version = sarama.V2_8_0_0
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.TransactionalID == "" {
		c.TransactionalID = DefaultTransactionalID
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Validator is the order-details service: it reads every new order from the
// orders topic, checks its details (see Validate), and writes its verdict to
// order-validations. It is event driven: nobody asks it to check an order; it
// reacts to the fact that an order was created.
//
// It is a plain consumer group and producer, the building blocks every
// stream processor stands on.
type Validator struct {
	cfg         Config
	consumerCfg *sarama.Config
	producerCfg *sarama.Config
}

// New checks cfg and returns a Validator; Run connects it.
func New(cfg Config) (*Validator, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("orderdetails: Config.Brokers is empty")
	}
	cfg = cfg.withDefaults()
	v := &Validator{cfg: cfg, consumerCfg: consumerConfig(cfg), producerCfg: producerConfig(cfg)}
	if err := v.consumerCfg.Validate(); err != nil {
		return nil, fmt.Errorf("orderdetails: consumer configuration: %w", err)
	}
	if err := v.producerCfg.Validate(); err != nil {
		return nil, fmt.Errorf("orderdetails: producer configuration: %w", err)
	}
	return v, nil
}

func consumerConfig(cfg Config) *sarama.Config {
	c := sarama.NewConfig()
	if cfg.Sarama != nil {
		cfg.Sarama(c)
	}
	c.ClientID = cfg.ClientID + "-consumer"
	c.Version = cfg.Version
	c.Net.DialTimeout = cfg.Timeout
	// A new group starts at the beginning of orders, so no order created
	// before the first start goes unchecked.
	c.Consumer.Offsets.Initial = sarama.OffsetOldest
	// Offsets are committed by hand (or by the transaction), each once its
	// order has been dealt with, never on a timer.
	c.Consumer.Offsets.AutoCommit.Enable = false
	// The eager range strategy: a rebalance stops every claim, then hands
	// out all partitions afresh.
	c.Consumer.Group.Rebalance.GroupStrategies = []sarama.BalanceStrategy{sarama.NewBalanceStrategyRange()}
	c.Consumer.MaxWaitTime = 100 * time.Millisecond
	if cfg.Transactional {
		// Never read orders of a transaction that was aborted.
		c.Consumer.IsolationLevel = sarama.ReadCommitted
	}
	return c
}

func producerConfig(cfg Config) *sarama.Config {
	c := sarama.NewConfig()
	if cfg.Sarama != nil {
		cfg.Sarama(c)
	}
	c.ClientID = cfg.ClientID + "-producer"
	c.Version = cfg.Version
	c.Net.DialTimeout = cfg.Timeout
	c.Producer.Timeout = cfg.Timeout
	c.Producer.Return.Successes = true
	c.Producer.Return.Errors = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1
	if cfg.Partitioner != nil {
		c.Producer.Partitioner = cfg.Partitioner
	}
	if cfg.Transactional {
		c.Producer.Transaction.ID = cfg.TransactionalID
		c.Producer.Transaction.Timeout = cfg.Timeout
	}
	return c
}

// Run consumes orders and writes validations until ctx is done, then leaves
// the group and closes its clients. It returns nil after ctx is done, or the
// error that stopped it: a client that could not be created, or a fault in
// the processing code. A failed write is not fatal: Run rejoins the group and
// processes again from the last committed offset.
//
// Call Run once per Validator.
func (v *Validator) Run(ctx context.Context) (err error) {
	producer, err := sarama.NewSyncProducer(v.cfg.Brokers, v.producerCfg)
	if err != nil {
		return fmt.Errorf("orderdetails: start producer on %v: %w", v.cfg.Brokers, err)
	}
	defer func() {
		if cerr := producer.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("orderdetails: close producer: %w", cerr)
		}
	}()
	group, err := sarama.NewConsumerGroup(v.cfg.Brokers, v.cfg.GroupID, v.consumerCfg)
	if err != nil {
		return fmt.Errorf("orderdetails: join group %s on %v: %w", v.cfg.GroupID, v.cfg.Brokers, err)
	}
	defer func() {
		if cerr := group.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("orderdetails: leave group %s: %w", v.cfg.GroupID, cerr)
		}
	}()

	h := &handler{
		producer:      producer,
		orders:        domain.OrdersTopic(),
		validations:   domain.OrderValidationsTopic(),
		groupID:       v.cfg.GroupID,
		transactional: v.cfg.Transactional,
		log:           v.cfg.Logger,
	}
	for ctx.Err() == nil {
		// Each round is one group session: it ends on a rebalance, on a
		// failed write (to start again from the committed offsets), or
		// when ctx is done.
		if err := safely(func() error { return v.consume(ctx, group, h) }); err != nil {
			if errors.Is(err, sarama.ErrClosedConsumerGroup) {
				return nil
			}
			return fmt.Errorf("orderdetails: consume %s: %w", domain.OrdersTopicName, err)
		}
		if err := h.fatal(); err != nil {
			return err
		}
		if h.takeFailed() {
			// A write failed; give the cluster a moment before trying again.
			select {
			case <-ctx.Done():
			case <-time.After(retryBackoff):
			}
		}
	}
	return nil
}

// retryBackoff is the pause before a new session after one ended because a
// record could not be handled.
const retryBackoff = 500 * time.Millisecond

// consume subscribes the group to the orders topic and hands every record of
// the partitions it is given to h, until the session ends.
func (v *Validator) consume(ctx context.Context, group sarama.ConsumerGroup, h sarama.ConsumerGroupHandler) error {
	// TODO 2.1: subscribe to the orders topic. Ask group to Consume the
	// topic domain.OrdersTopicName with h as its handler, and return the
	// error. Consume blocks while the session lasts; ctx ends it.
	panic("TODO 2.1: subscribe the group to the orders topic (validator.go, func consume)")
}

// Validate applies the order-details rules: an order passes if its quantity
// and price are not negative and its product is one the shop sells. A
// quantity or price of zero passes.
func Validate(order domain.Order) domain.OrderValidationResult {
	// TODO 2.2: return domain.Fail if the quantity is negative, if the
	// price is negative, or if the product is not one the shop sells
	// (domain.Product can tell); otherwise return domain.Pass.
	panic("TODO 2.2: apply the order-details rules to order " + order.ID + " (validator.go, func Validate)")
}

// handler processes the records of the partitions the group assigns. sarama
// calls ConsumeClaim once per partition, each in its own goroutine.
type handler struct {
	producer      sarama.SyncProducer
	orders        domain.Topic[string, domain.Order]
	validations   domain.Topic[string, domain.OrderValidation]
	groupID       string
	transactional bool
	log           *slog.Logger

	txMu sync.Mutex // held by the transaction in progress

	mu       sync.Mutex
	fatalErr error // stops Run
	failed   bool  // a record failed in the last session
}

// Setup runs when a session starts; there is nothing to prepare.
func (h *handler) Setup(sarama.ConsumerGroupSession) error { return nil }

// Cleanup runs when a session ends; there is nothing to release.
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

// ConsumeClaim handles the records of one partition, in order, until the
// partition is taken away or a record cannot be handled. Returning early ends
// the session; the next one starts from the last committed offset.
func (h *handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	for {
		select {
		case msg, ok := <-claim.Messages():
			if !ok {
				return nil
			}
			if err := safely(func() error { return h.handle(sess, msg) }); err != nil {
				if errors.Is(err, errPanic) {
					// A bug does not go away by retrying: stop Run.
					return h.setFatal(fmt.Errorf("orderdetails: record %s/%d@%d: %w", msg.Topic, msg.Partition, msg.Offset, err))
				}
				h.setFailed()
				h.log.Error("order not validated; will retry from the last committed offset",
					"topic", msg.Topic, "partition", msg.Partition, "offset", msg.Offset, "err", err)
				return err
			}
		case <-sess.Context().Done():
			return nil
		}
	}
}

// handle validates one record and records that it is done.
func (h *handler) handle(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) error {
	if h.transactional {
		// One producer has one transaction at a time, and sarama calls
		// ConsumeClaim for each partition in its own goroutine.
		h.txMu.Lock()
		defer h.txMu.Unlock()
		return h.handleInTransaction(sess, msg)
	}
	if err := h.validate(msg); err != nil {
		return err
	}
	// TODO 2.4: the record is dealt with: mark it as consumed, then commit
	// the group's offsets, so that a restarted validator resumes after
	// this record instead of validating it again. Automatic commits are
	// off (see consumerConfig): sess has the two methods you need.
	return nil
}

// validate reads one order record and writes the order's validation.
func (h *handler) validate(msg *sarama.ConsumerMessage) error {
	order, err := h.orders.ValueSerde().Deserialize(msg.Value)
	if err != nil {
		// A record that is not an order can never become one: skip it
		// rather than stop every order behind it.
		h.log.Warn("skipping a record that is not an order",
			"topic", msg.Topic, "partition", msg.Partition, "offset", msg.Offset, "err", err)
		return nil
	}
	// TODO 2.3: validate new orders only, and write the verdict.
	// An order that is not CREATED is not new: return nil without writing
	// (the aggregator writes VALIDATED and FAILED orders back to this very
	// topic, and checking them again would never end).
	// For a CREATED order, write with h.send a domain.OrderValidation that
	// names the order, the check (domain.OrderDetailsCheck) and the
	// result of Validate, keyed by the order id.
	_ = order // delete this line when you use order
	panic("TODO 2.3: write the validation of order " + order.ID + " (validator.go, func validate)")
}

//lint:ignore U1000 your TODO 2.3 calls it.

// send writes a validation to order-validations under key and waits for the
// broker's acknowledgement. Inside a transaction, the write becomes visible
// to read-committed consumers only when the transaction commits.
func (h *handler) send(key string, validation domain.OrderValidation) error {
	k, err := h.validations.KeySerde().Serialize(key)
	if err != nil {
		return fmt.Errorf("encode key %q: %w", key, err)
	}
	value, err := h.validations.ValueSerde().Serialize(validation)
	if err != nil {
		return fmt.Errorf("encode validation of order %s: %w", validation.OrderID, err)
	}
	_, _, err = h.producer.SendMessage(&sarama.ProducerMessage{
		Topic: h.validations.Name(),
		Key:   sarama.ByteEncoder(k),
		Value: sarama.ByteEncoder(value),
	})
	if err != nil {
		return fmt.Errorf("write validation of order %s to %s: %w", validation.OrderID, h.validations.Name(), err)
	}
	return nil
}

// handleInTransaction does what handle does, but writes the validation and
// the record's offset in one transaction, so they are stored together or not
// at all. The group's own offset commit is not used: the transaction commits
// the offset.
func (h *handler) handleInTransaction(sess sarama.ConsumerGroupSession, msg *sarama.ConsumerMessage) error {
	if err := h.producer.BeginTxn(); err != nil {
		return h.setFatal(fmt.Errorf("orderdetails: begin transaction: %w", err))
	}
	err := h.validate(msg)
	if err == nil {
		// The offset to commit is the next one to read, msg.Offset+1;
		// the group metadata lets the broker fence a member that has
		// lost its partitions in a rebalance.
		meta := sarama.NewConsumerGroupMetadataFromSession(sess, h.groupID, nil)
		if err = h.producer.AddMessageToTxnWithGroupMetadata(msg, meta, nil); err != nil {
			err = fmt.Errorf("add offset %d of %s/%d to the transaction: %w", msg.Offset, msg.Topic, msg.Partition, err)
		}
	}
	if err == nil {
		if err = h.producer.CommitTxn(); err != nil {
			err = fmt.Errorf("commit transaction: %w", err)
		}
	}
	if err == nil {
		return nil
	}
	if h.producer.TxnStatus()&sarama.ProducerTxnFlagInTransaction != 0 {
		if abortErr := h.producer.AbortTxn(); abortErr != nil {
			return h.setFatal(fmt.Errorf("orderdetails: abort transaction after %w: %w", err, abortErr))
		}
	}
	if h.producer.TxnStatus()&sarama.ProducerTxnFlagFatalError != 0 {
		return h.setFatal(fmt.Errorf("orderdetails: transactional producer failed: %w", err))
	}
	return err
}

// setFatal records an error that must stop Run, and returns it.
func (h *handler) setFatal(err error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fatalErr == nil {
		h.fatalErr = err
	}
	return err
}

// setFailed records that a record could not be handled.
func (h *handler) setFailed() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.failed = true
}

// takeFailed reports whether a record could not be handled since the last
// call, and clears the mark.
func (h *handler) takeFailed() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	failed := h.failed
	h.failed = false
	return failed
}

// fatal returns the error that must stop Run, if any.
func (h *handler) fatal() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fatalErr
}

// errPanic marks a panic turned into an error by safely.
var errPanic = errors.New("panic")

// safely runs f and turns a panic into an error, so that a bug (or an
// unfinished exercise) stops the service with a message instead of
// crashing the program from a goroutine nobody can recover in.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return f()
}
