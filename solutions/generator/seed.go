package generator

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/IBM/sarama"

	"github.com/streamworkshop/workshop/domain"
)

//go:embed customers.json
var customersJSON []byte

// Customers returns the nine customers of the seed file customers.json,
// which is built into the program. The error reports a broken file.
func Customers() ([]domain.Customer, error) {
	cs, err := ReadCustomers(customersJSON)
	if err != nil {
		return nil, fmt.Errorf("generator: the built-in customers.json: %w", err)
	}
	return cs, nil
}

// ReadCustomers reads customers from a seed file of the same shape as
// customers.json: a JSON array of domain.Customer.
func ReadCustomers(data []byte) ([]domain.Customer, error) {
	var cs []domain.Customer
	if err := json.Unmarshal(data, &cs); err != nil {
		return nil, fmt.Errorf("generator: customers: %w", err)
	}
	return cs, nil
}

// Stock is how many items of each product the warehouse holds.
type Stock map[domain.Product]int32

// DefaultStock is the original tutorial's stock: 20 UNDERPANTS, 10 JUMPERS
// and no STOCKINGS.
func DefaultStock() Stock {
	return Stock{domain.Underpants: 20, domain.Jumpers: 10}
}

// Producer writes records to the order system's topics and waits for each
// acknowledgement. It is safe for concurrent use.
type Producer struct {
	p sarama.SyncProducer
}

// NewProducer connects an idempotent producer (acks from all in-sync
// replicas, murmur2 partitioning) to brokers. configure, when not nil, is
// called on the sarama configuration before it is used, for TLS, SASL or
// the protocol version.
func NewProducer(brokers []string, configure func(*sarama.Config)) (*Producer, error) {
	c := sarama.NewConfig()
	c.ClientID = "generator"
	c.Version = sarama.V2_8_0_0
	if configure != nil {
		configure(c)
	}
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Idempotent = true
	c.Net.MaxOpenRequests = 1
	c.Producer.Partitioner = sarama.NewMurmur2Partitioner
	p, err := sarama.NewSyncProducer(brokers, c)
	if err != nil {
		return nil, fmt.Errorf("generator: producer on %v: %w", brokers, err)
	}
	return &Producer{p: p}, nil
}

// Close flushes and closes the producer.
func (p *Producer) Close() error {
	if err := p.p.Close(); err != nil {
		return fmt.Errorf("generator: close producer: %w", err)
	}
	return nil
}

// Produce writes one record to t and waits until the brokers have it.
func Produce[K, V any](ctx context.Context, p *Producer, t domain.Topic[K, V], key K, value V) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("generator: write to %s: %w", t.Name(), err)
	}
	k, err := t.KeySerde().Serialize(key)
	if err != nil {
		return fmt.Errorf("generator: key %v for %s: %w", key, t.Name(), err)
	}
	v, err := t.ValueSerde().Serialize(value)
	if err != nil {
		return fmt.Errorf("generator: value of key %v for %s: %w", key, t.Name(), err)
	}
	if _, _, err := p.p.SendMessage(&sarama.ProducerMessage{Topic: t.Name(), Key: sarama.ByteEncoder(k), Value: sarama.ByteEncoder(v)}); err != nil {
		return fmt.Errorf("generator: write key %v to %s: %w", key, t.Name(), err)
	}
	return nil
}

// SeedCustomers writes each customer to the customers topic, keyed by id.
func SeedCustomers(ctx context.Context, p *Producer, customers []domain.Customer) error {
	t := domain.CustomersTopic()
	for _, c := range customers {
		if err := Produce(ctx, p, t, c.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// SeedInventory writes the stock of each product to warehouse-inventory,
// keyed by product, in the order of the product names.
func SeedInventory(ctx context.Context, p *Producer, stock Stock) error {
	t := domain.WarehouseInventoryTopic()
	for _, product := range slices.Sorted(maps.Keys(stock)) {
		if err := Produce(ctx, p, t, product, stock[product]); err != nil {
			return err
		}
	}
	return nil
}
