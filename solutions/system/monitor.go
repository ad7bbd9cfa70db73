package system

import (
	"context"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/streamlib"
)

// MonitorApplicationID is the application ID of the topology that feeds
// the system's events (before Config.AppIDPrefix).
const MonitorApplicationID = "SystemMonitor"

// monitorCustomers is the monitor's customers store.
const monitorCustomers = "monitor-customers"

// buildMonitor adds to b a topology that publishes every order state and
// every validation to feed, each at the timestamp of its record.
func buildMonitor(b *streamlib.Builder, feed *Feed) {
	ot, vt, ct := domain.OrdersTopic(), domain.OrderValidationsTopic(), domain.CustomersTopic()
	orders := streamlib.Stream(b, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	customers := streamlib.GlobalTable(b, ct.Name(), ct.KeySerde(), ct.ValueSerde(), streamlib.Materialized(monitorCustomers))
	withCustomer := streamlib.LeftJoinGlobal(orders, customers,
		func(_ string, o domain.Order) int64 { return o.CustomerID },
		func(_ string, o domain.Order, c *domain.Customer) Event {
			return Event{Kind: KindOrder, OrderID: o.ID, Order: &o, Customer: c}
		}, streamlib.Named("orders-with-customer"))
	stamped(withCustomer).Foreach(publish(feed), streamlib.Named("publish-orders"))

	validations := streamlib.MapValues(streamlib.Stream(b, vt.Name(), vt.KeySerde(), vt.ValueSerde()),
		func(_ string, v domain.OrderValidation) Event {
			return Event{Kind: KindValidation, OrderID: v.OrderID, Check: v.CheckType, Result: v.ValidationResult}
		}, streamlib.Named("validation-events"))
	stamped(validations).Foreach(publish(feed), streamlib.Named("publish-validations"))
}

// stamped sets each event's time to its record's timestamp.
func stamped(s streamlib.KStream[string, Event]) streamlib.KStream[string, Event] {
	return streamlib.MapRecord(s, func(r streamlib.Record[string, Event]) (streamlib.Record[string, Event], bool) {
		r.Value.Time = time.UnixMilli(r.Timestamp)
		r.Value.Seen = time.Now()
		return r, true
	})
}

func publish(feed *Feed) func(context.Context, string, Event) error {
	return func(_ context.Context, _ string, e Event) error {
		feed.Publish(e)
		return nil
	}
}

// announcing wraps an emailer so that every email it sends is published
// to feed; where names the destination (an outbox file, a server).
func announcing(next email.Emailer, feed *Feed, where func(email.Email) string) email.Emailer {
	return email.EmailerFunc(func(ctx context.Context, e email.Email) error {
		if err := next.SendEmail(ctx, e); err != nil {
			return err
		}
		c := e.Customer
		now := time.Now()
		feed.Publish(Event{Time: now, Seen: now, Kind: KindEmail, OrderID: e.Order.ID, Customer: &c, To: c.Email, Where: where(e)})
		return nil
	})
}
