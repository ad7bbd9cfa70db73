// Package inventory is the inventory check of the order system, and the
// reference solution of workshop exercise 06 (state stores).
//
// It is a stream topology that reads orders and the warehouse's stock
// (warehouse-inventory, a table keyed by product) and writes one
// INVENTORY_CHECK validation per new order to order-validations. Orders are
// re-keyed by product and joined with the stock; a processor written with
// the Processor API then compares the stock with what earlier orders
// reserved, kept in a key-value state store (ReservedStockStore): an order
// passes when stock − reserved − quantity ≥ 0, and its quantity is then
// reserved; otherwise it fails. An order for a product without a stock row
// (or one the shop does not sell) fails too; the original tutorial left such
// orders without a verdict, so they stayed CREATED forever. Reservations are
// never released.
//
//	topo, err := inventory.Topology()
//	if err != nil {
//		return err
//	}
//	app, err := kafka.New(topo, kafka.Config{ApplicationID: inventory.ApplicationID, ...})
//	...
//	reserved, err := kafka.KeyValueStore[domain.Product, int64](app, inventory.ReservedStockStore)
//	n, ok, err := reserved.Get(domain.Jumpers) // an interactive query
//
// The store of reserved stock is persistent (Pebble, under the state
// directory) and logged: every reservation is also a record of the changelog
// topic <application id>-store-of-reserved-stock-changelog, from which the
// runtime rebuilds the store on another instance.
package inventory
