package email

import (
	"context"
	"errors"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/window"
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
	// Step 3.1: the key of a payment becomes the id of the order it pays.
	return streamlib.SelectKey(payments, func(_ string, p domain.Payment) string { return p.OrderID },
		streamlib.Named("payments-by-order"))
}

// payOrders pairs each order with the payments of the same order id made
// within PaymentWindow of it, before or after.
func payOrders(orders streamlib.KStream[string, domain.Order], payments streamlib.KStream[string, domain.Payment]) streamlib.KStream[string, Email] {
	// Step 3.2: a stream-stream join, within PaymentWindow either way.
	return streamlib.Join(orders, payments, func(_ string, o domain.Order, p domain.Payment) Email {
		return Email{Order: o, Payment: p}
	}, window.JoinWithin(PaymentWindow, 0), streamlib.Named("orders-with-payments"))
}

// withCustomer completes each email with the order's customer, looked up in
// the customers global table. Emails of unknown customers are dropped.
func withCustomer(paid streamlib.KStream[string, Email], customers streamlib.GlobalKTable[int64, domain.Customer]) streamlib.KStream[string, Email] {
	// Step 3.3: look the customer up by the order's customer id.
	return streamlib.JoinGlobal(paid, customers,
		func(_ string, e Email) int64 { return e.Order.CustomerID },
		func(_ string, e Email, c domain.Customer) Email {
			e.Customer = c
			return e
		}, streamlib.Named("emails-with-customer"))
}

// enrich gives each order its customer's level, dropping the orders of
// unknown customers.
func enrich(orders streamlib.KStream[string, domain.Order], customers streamlib.GlobalKTable[int64, domain.Customer]) streamlib.KStream[string, domain.OrderEnriched] {
	// Step 3.4: look the customer up, keep the order's id and the level.
	return streamlib.JoinGlobal(orders, customers,
		func(_ string, o domain.Order) int64 { return o.CustomerID },
		func(_ string, o domain.Order, c domain.Customer) domain.OrderEnriched {
			return domain.OrderEnriched{ID: o.ID, CustomerID: o.CustomerID, CustomerLevel: c.LevelOrDefault()}
		}, streamlib.Named("orders-with-level"))
}

// levelTopic chooses the topic of an enriched order: the one named after its
// customer's level.
func levelTopic(r streamlib.Record[string, domain.OrderEnriched]) string {
	// Step 3.5: the level names the topic.
	return domain.LevelTopic(r.Value.CustomerLevel).Name()
}
