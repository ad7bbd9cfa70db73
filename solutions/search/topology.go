package search

import (
	"context"
	"errors"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
)

// ApplicationID is the search service's application ID on Kafka.
const ApplicationID = "SearchService"

// CustomersStore is the store of the search service's customers table.
const CustomersStore = "search-customers"

// Topology returns the search service's topology (see Build).
func Topology(idx Index) (*streamlib.Topology, error) {
	if idx == nil {
		return nil, errors.New("search: nil Index")
	}
	b := streamlib.NewBuilder()
	Build(b, idx)
	return b.Build()
}

// withCustomer is an order and its customer, nil when unknown.
type withCustomer struct {
	order    domain.Order
	customer *domain.Customer
}

// Build adds the search service to b: every record of orders, with its
// customer looked up in a global table of customers, is upserted into idx
// under the order's id. A failed upsert stops the service with its error;
// after a restart the order is indexed again.
func Build(b *streamlib.Builder, idx Index) {
	ordersTopic, customersTopic := domain.OrdersTopic(), domain.CustomersTopic()
	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde())
	customers := streamlib.GlobalTable(b, customersTopic.Name(), customersTopic.KeySerde(), customersTopic.ValueSerde(),
		streamlib.Materialized(CustomersStore))

	// A left join: an order of a customer the table does not know is
	// still indexed, without a name.
	joined := streamlib.LeftJoinGlobal(orders, customers,
		func(_ string, o domain.Order) int64 { return o.CustomerID },
		func(_ string, o domain.Order, c *domain.Customer) withCustomer { return withCustomer{o, c} },
		streamlib.Named("orders-with-customer"))
	docs := streamlib.MapRecord(joined, func(r streamlib.Record[string, withCustomer]) (streamlib.Record[string, Document], bool) {
		return streamlib.WithValue(r, NewDocument(r.Value.order, r.Value.customer, time.UnixMilli(r.Timestamp))), true
	}, streamlib.Named("documents"))
	docs.Foreach(func(ctx context.Context, _ string, d Document) error {
		return idx.Upsert(ctx, d)
	}, streamlib.Named("upsert"))
}
