package email

import (
	"context"
	"errors"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
)

// ApplicationID is the email service's application ID on Kafka: it names its
// consumer group and prefixes its internal topics.
const ApplicationID = "EmailService"

// CustomersStore is the store of the customers global table.
const CustomersStore = "customers-store"

// PaymentWindow is how far apart in time an order and its payment may be
// (either one first) for the payment to count.
const PaymentWindow = time.Minute

// Email is what the service knows about an order when it writes to the
// customer: the order, its payment and the customer.
type Email struct {
	Order    domain.Order    `json:"order"`
	Payment  domain.Payment  `json:"payment"`
	Customer domain.Customer `json:"customer"`
}

// Emailer delivers emails. SendEmail is called from the topology's task, one
// email at a time; an error stops the task (and so the service) with that
// error, and after a restart the order is emailed again. An Emailer that
// prefers to drop an email it cannot send should log and return nil.
type Emailer interface {
	SendEmail(ctx context.Context, e Email) error
}

// EmailerFunc adapts a function to Emailer.
type EmailerFunc func(ctx context.Context, e Email) error

// SendEmail calls f.
func (f EmailerFunc) SendEmail(ctx context.Context, e Email) error { return f(ctx, e) }

// Topology returns the email service's topology (see Build).
func Topology(emailer Emailer) (*streamlib.Topology, error) {
	if emailer == nil {
		return nil, errors.New("email: nil Emailer")
	}
	b := streamlib.NewBuilder()
	Build(b, emailer)
	return b.Build()
}

// Build adds the email service to b. It reads orders, payments and
// customers and does two things:
//
//   - emails the customer of every new order that was paid within
//     PaymentWindow of being placed: orders join payments by order id, then
//     look up their customer in a global table;
//   - routes every order, enriched with its customer's level, to the topic
//     of that level ("platinum", "gold", "silver", "bronze"), which must
//     exist.
//
// Orders and payments of unknown customers are neither emailed nor routed.
func Build(b *streamlib.Builder, emailer Emailer) {
	ordersTopic, paymentsTopic, customersTopic := domain.OrdersTopic(), domain.PaymentsTopic(), domain.CustomersTopic()
	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde())
	payments := streamlib.Stream(b, paymentsTopic.Name(), paymentsTopic.KeySerde(), paymentsTopic.ValueSerde())
	// A global table: every instance holds every customer, so an order can
	// look up any customer, whichever partition the order came from.
	customers := streamlib.GlobalTable(b, customersTopic.Name(), customersTopic.KeySerde(), customersTopic.ValueSerde(),
		streamlib.Materialized(CustomersStore))

	// An order is written again each time its state changes; email the
	// customer once, about the new order.
	created := orders.Filter(func(_ string, o domain.Order) bool { return o.State == domain.Created },
		streamlib.Named("new-orders"))
	paid := payOrders(created, paymentsByOrder(payments))
	emails := withCustomer(paid, customers)
	emails.Foreach(func(ctx context.Context, _ string, e Email) error {
		return emailer.SendEmail(ctx, e)
	}, streamlib.Named("send-email"))

	// Dynamic routing: the topic of each record is computed from the record.
	enrich(orders, customers).ToFunc(levelTopic, streamlib.Named("route-by-level"))
}

// paymentsByOrder re-keys payments by the id of the order they pay.
func paymentsByOrder(payments streamlib.KStream[string, domain.Payment]) streamlib.KStream[string, domain.Payment] {
	// TODO 3.1: payments arrive keyed by their own id ("Payment:1234"), but
	// a join matches records by key: give each payment the key of the
	// order it pays (Payment.OrderID), keeping the payment as the value.
	// streamlib repartitions a re-keyed stream by itself before a join.
	return payments
}

// payOrders pairs each order with the payments of the same order id made
// within PaymentWindow of it, before or after.
func payOrders(orders streamlib.KStream[string, domain.Order], payments streamlib.KStream[string, domain.Payment]) streamlib.KStream[string, Email] {
	// TODO 3.2: join the two streams. In a stream-stream join both sides
	// are events, kept for a while in window stores; records join when
	// they have the same key and their timestamps are at most
	// PaymentWindow apart, either way: window.JoinWithin(PaymentWindow, 0)
	// (no grace period). The joiner builds an Email with the order and
	// the payment; the customer comes in TODO 3.3.
	return notYet[string, domain.Order, string, Email](orders, "3.2")
}

// withCustomer completes each email with the order's customer, looked up in
// the customers global table. Emails of unknown customers are dropped.
func withCustomer(paid streamlib.KStream[string, Email], customers streamlib.GlobalKTable[int64, domain.Customer]) streamlib.KStream[string, Email] {
	// TODO 3.3: join paid with the customers global table. Unlike a table
	// join, a global table join looks a row up by a key you compute from
	// each record: here the order's CustomerID. It is an inner join: an
	// email whose customer is unknown is dropped. The joiner returns the
	// email with its Customer set.
	return paid
}

// enrich gives each order its customer's level, dropping the orders of
// unknown customers.
func enrich(orders streamlib.KStream[string, domain.Order], customers streamlib.GlobalKTable[int64, domain.Customer]) streamlib.KStream[string, domain.OrderEnriched] {
	// TODO 3.4: join orders with the customers global table too, looking
	// up each order's CustomerID, into a domain.OrderEnriched: the order's
	// id, its customer's id and the customer's level (a customer without
	// a level is of domain.DefaultLevel: Customer has a method for that).
	return notYet[string, domain.Order, string, domain.OrderEnriched](orders, "3.4")
}

// levelTopic chooses the topic of an enriched order: the one named after its
// customer's level.
func levelTopic(r streamlib.Record[string, domain.OrderEnriched]) string {
	// TODO 3.5: return the name of the topic this record goes to. A
	// customer's level is also the name of its topic (domain.LevelTopic
	// says so). Until then every enriched order goes to orders-enriched,
	// which nobody reads.
	return domain.OrdersEnrichedTopicName
}

// notYet stands in for the stream a TODO builds: it reads s and emits
// nothing, so that the rest of the topology runs while you work. Replace
// each call with your code; once none is left, delete notYet.
func notYet[K, V, KR, VR any](s streamlib.KStream[K, V], todo string) streamlib.KStream[KR, VR] {
	return streamlib.FlatMap(s, func(K, V) []streamlib.KeyValue[KR, VR] { return nil }, streamlib.Named("TODO-"+todo))
}
