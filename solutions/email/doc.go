// Package email is the email service of the order system, and the reference
// solution of workshop exercise 03 (joins).
//
// It is a stream topology. Orders and payments are two streams of events;
// a payment names its order but is keyed by its own id, so the topology
// re-keys payments by order id and joins the two streams: an order and a
// payment of the same order id whose timestamps are at most PaymentWindow
// apart make a pair. The pair then looks its customer up in a global table
// of customers, and the result goes to an Emailer. Alongside, every order is
// enriched with its customer's level and written to the topic named after
// that level (platinum, gold, silver, bronze): routing by content.
//
//	topo, err := email.Topology(email.EmailerFunc(func(ctx context.Context, e email.Email) error {
//		log.Printf("to %s: your order %s is paid", e.Customer.Email, e.Order.ID)
//		return nil
//	}))
//	if err != nil {
//		return err
//	}
//	app, err := kafka.New(topo, kafka.Config{ApplicationID: email.ApplicationID, ...})
//
// Build adds the same nodes to a Builder of your own instead.
//
// Only new (CREATED) orders are emailed: the original tutorial emailed an
// order again each time its state changed. Orders and payments of customers
// the table does not know are dropped, as in the original.
package email
