package inventory

import (
	"context"
	"fmt"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/store"
)

// ApplicationID is the inventory service's application ID on Kafka: it names
// its consumer group and prefixes its internal topics, such as the changelog
// of ReservedStockStore, InventoryService-store-of-reserved-stock-changelog.
const ApplicationID = "InventoryService"

// Names of the inventory service's stores, for interactive queries.
const (
	// ReservedStockStore holds, per product, how many items orders have
	// reserved so far.
	ReservedStockStore = "store-of-reserved-stock"
	// WarehouseStockStore is the table of the warehouse's stock per
	// product, read from warehouse-inventory.
	WarehouseStockStore = "warehouse-stock"
)

// OrderStock is an order together with the warehouse's stock of its
// product.
type OrderStock struct {
	Order domain.Order `json:"order"`
	// Stock is how many items of the product the warehouse holds, or nil
	// when warehouse-inventory has no row for the product.
	Stock *int32 `json:"stock,omitempty"`
}

// ReservedStock returns the builder of the store of reserved stock: a
// key-value store from product to the number of items reserved, kept on
// disk and backed by a changelog topic.
func ReservedStock() store.Builder {
	// Step 6.1: persistent, logged (the default), product → int64.
	return store.NewKeyValue(ReservedStockStore, domain.ProductSerde(), serde.Int64(), store.Persistent())
}

// Topology returns the inventory service's topology (see Build).
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}

// Build adds the inventory check to b. It reads orders and the warehouse's
// stock (warehouse-inventory, a table) and writes one INVENTORY_CHECK
// validation per new order to order-validations: PASS when the warehouse
// has enough of the product that is not yet reserved, in which case the
// order's quantity is reserved; FAIL otherwise, and for a product the
// warehouse has no row for. Reservations are never released.
func Build(b *streamlib.Builder) {
	ordersTopic, inventoryTopic, validationsTopic := domain.OrdersTopic(), domain.WarehouseInventoryTopic(), domain.OrderValidationsTopic()
	b.AddStore(ReservedStock())

	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde())
	stock := streamlib.Table(b, inventoryTopic.Name(), inventoryTopic.KeySerde(), inventoryTopic.ValueSerde(),
		streamlib.Materialized(WarehouseStockStore), streamlib.Persistent())

	created := orders.Filter(func(_ string, o domain.Order) bool { return o.State == domain.Created },
		streamlib.Named("new-orders"))
	// An order for a product the shop does not sell has no stock, and
	// cannot even be keyed by product (the product serde refuses unknown
	// names): it fails at once.
	known := created.Split(streamlib.Named("product-")).
		Branch("known", func(_ string, o domain.Order) bool { return o.Product.Valid() }).
		Default("unknown")
	streamlib.MapValues(known["product-unknown"], func(_ string, o domain.Order) domain.OrderValidation {
		return domain.OrderValidation{OrderID: o.ID, CheckType: domain.InventoryCheck, ValidationResult: domain.Fail}
	}, streamlib.Named("unknown-product-fails")).
		WithSerdes(validationsTopic.KeySerde(), validationsTopic.ValueSerde()).
		To(validationsTopic.Name(), streamlib.Named("unknown-product-fails-to-order-validations"))

	// The stock is keyed by product: so must the orders be, to join it.
	byProduct := streamlib.SelectKey(known["product-known"], func(_ string, o domain.Order) domain.Product { return o.Product },
		streamlib.Named("orders-by-product")).
		WithSerdes(inventoryTopic.KeySerde(), ordersTopic.ValueSerde())
	// A left join: an order whose product has no stock row still comes
	// through (with a nil Stock), to be failed rather than forgotten.
	withStock := streamlib.LeftJoinTable(byProduct, stock, func(_ domain.Product, o domain.Order, n *int32) OrderStock {
		return OrderStock{Order: o, Stock: n}
	}, streamlib.Named("orders-with-stock"))

	streamlib.Process(withStock, newReserver, []string{ReservedStockStore}, streamlib.Named("reserve-stock")).
		WithSerdes(validationsTopic.KeySerde(), validationsTopic.ValueSerde()).
		To(validationsTopic.Name(), streamlib.Named("to-order-validations"))
}

// reserver checks each order against the stock of its product and the
// stock reserved so far, and reserves what it lets pass. It is written with
// the Processor API because it reads and writes a store of its own.
type reserver struct {
	pctx     streamlib.ProcessorContext[string, domain.OrderValidation]
	reserved store.KeyValueStore[domain.Product, int64]
}

// newReserver is the processor supplier: one reserver per task.
func newReserver() streamlib.Processor[domain.Product, OrderStock, string, domain.OrderValidation] {
	return &reserver{}
}

// Init finds the store of reserved stock, which Build connected to this
// processor by its name.
func (p *reserver) Init(pctx streamlib.ProcessorContext[string, domain.OrderValidation]) error {
	p.pctx = pctx
	st, err := streamlib.KeyValueStoreOf[domain.Product, int64](pctx, ReservedStockStore)
	if err != nil {
		return fmt.Errorf("inventory: the reserved stock: %w", err)
	}
	p.reserved = st
	return nil
}

// Close has nothing to release: the task closes the stores.
func (p *reserver) Close() error { return nil }

// Process checks one order, keyed by its product, and forwards its
// validation.
func (p *reserver) Process(ctx context.Context, r streamlib.Record[domain.Product, OrderStock]) error {
	order := r.Value.Order
	// Step 6.2: no stock row or a negative quantity fails; enough free
	// stock passes and is reserved; too little fails.
	if r.Value.Stock == nil || order.Quantity < 0 {
		return p.verdict(ctx, r, domain.Fail)
	}
	reserved, _, err := p.reserved.Get(r.Key)
	if err != nil {
		return fmt.Errorf("inventory: read the reserved stock of %s: %w", r.Key, err)
	}
	if int64(*r.Value.Stock)-reserved-int64(order.Quantity) < 0 {
		return p.verdict(ctx, r, domain.Fail)
	}
	if err := p.reserved.Put(r.Key, reserved+int64(order.Quantity)); err != nil {
		return fmt.Errorf("inventory: reserve %d of %s for order %s: %w", order.Quantity, r.Key, order.ID, err)
	}
	return p.verdict(ctx, r, domain.Pass)
}

// verdict forwards the inventory check's result for the order of r, keyed by
// the order id.
func (p *reserver) verdict(ctx context.Context, r streamlib.Record[domain.Product, OrderStock], result domain.OrderValidationResult) error {
	id := r.Value.Order.ID
	return p.pctx.Forward(ctx, streamlib.WithKeyValue(r, id, domain.OrderValidation{
		OrderID: id, CheckType: domain.InventoryCheck, ValidationResult: result,
	}))
}
