package domain

import (
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// Names of the topics of the order system.
const (
	OrdersTopicName             = "orders"
	OrderValidationsTopicName   = "order-validations"
	PaymentsTopicName           = "payments"
	CustomersTopicName          = "customers"
	WarehouseInventoryTopicName = "warehouse-inventory"
	OrdersEnrichedTopicName     = "orders-enriched"
)

// Topic is a topic's name together with the serdes of its keys and values, so
// that a producer and a consumer of the topic cannot disagree on the bytes.
// A Topic is a value: copy it freely, it never changes.
type Topic[K, V any] struct {
	name  string
	key   serde.Serde[K]
	value serde.Serde[V]
}

// Name returns the topic's name.
func (t Topic[K, V]) Name() string { return t.name }

// KeySerde returns the serde of the topic's keys.
func (t Topic[K, V]) KeySerde() serde.Serde[K] { return t.key }

// ValueSerde returns the serde of the topic's values.
func (t Topic[K, V]) ValueSerde() serde.Serde[V] { return t.value }

// String returns the topic's name.
func (t Topic[K, V]) String() string { return t.name }

// OrdersTopic is where orders live: key = order id, value = Order as JSON.
func OrdersTopic() Topic[string, Order] {
	return Topic[string, Order]{OrdersTopicName, serde.String(), serde.JSON[Order]()}
}

// OrderValidationsTopic holds the validators' verdicts: key = order id,
// value = OrderValidation as JSON.
func OrderValidationsTopic() Topic[string, OrderValidation] {
	return Topic[string, OrderValidation]{OrderValidationsTopicName, serde.String(), serde.JSON[OrderValidation]()}
}

// PaymentsTopic holds payments: key = payment id, value = Payment as JSON.
func PaymentsTopic() Topic[string, Payment] {
	return Topic[string, Payment]{PaymentsTopicName, serde.String(), serde.JSON[Payment]()}
}

// CustomersTopic holds customers: key = customer id (8-byte big-endian, like
// Kafka's LongSerializer), value = Customer as JSON.
func CustomersTopic() Topic[int64, Customer] {
	return Topic[int64, Customer]{CustomersTopicName, serde.Int64(), serde.JSON[Customer]()}
}

// WarehouseInventoryTopic holds the stock of each product: key = the
// product's name as UTF-8, value = the number of items in the warehouse
// (4-byte big-endian, like Kafka's IntegerSerializer).
func WarehouseInventoryTopic() Topic[Product, int32] {
	return Topic[Product, int32]{WarehouseInventoryTopicName, ProductSerde(), serde.Int32()}
}

// OrdersEnrichedTopic describes orders enriched with their customer's level:
// key = order id, value = OrderEnriched as JSON. Nothing writes the topic of
// this name; its serdes are those of the level topics (see LevelTopic).
func OrdersEnrichedTopic() Topic[string, OrderEnriched] {
	return Topic[string, OrderEnriched]{OrdersEnrichedTopicName, serde.String(), serde.JSON[OrderEnriched]()}
}

// LevelTopic is the topic enriched orders of customers of the given level are
// routed to; its name is the level itself ("gold", ...).
func LevelTopic(level string) Topic[string, OrderEnriched] {
	t := OrdersEnrichedTopic()
	t.name = level
	return t
}

// TopicNames returns the names of every topic the order system uses: the six
// topics above and one per customer level. Create them before starting the
// services.
func TopicNames() []string {
	return append([]string{
		OrdersTopicName, OrderValidationsTopicName, PaymentsTopicName,
		CustomersTopicName, WarehouseInventoryTopicName, OrdersEnrichedTopicName,
	}, Levels()...)
}

// OrderValueSerde is the serde of the fraud check's running totals (JSON).
func OrderValueSerde() serde.Serde[OrderValue] { return serde.JSON[OrderValue]() }

// ProductSerde writes a product as its name in UTF-8 and refuses names it
// does not know, in both directions, so that a typo cannot create a new
// product key.
func ProductSerde() serde.Serde[Product] { return productSerde{} }

type productSerde struct{}

func (productSerde) Serialize(p Product) ([]byte, error) {
	if !p.Valid() {
		return nil, fmt.Errorf("product serde: %w %q", ErrUnknownProduct, string(p))
	}
	return []byte(p), nil
}

func (productSerde) Deserialize(data []byte) (Product, error) {
	p, err := ParseProduct(string(data))
	if err != nil {
		return "", fmt.Errorf("product serde: %w", err)
	}
	return p, nil
}
