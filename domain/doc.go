// Package domain is the model of the order system that the workshop builds:
// the events that flow between its services, the topics they flow on, and the
// few business constants every service agrees on.
//
// The system re-creates Confluent's microservices tutorial. A customer posts
// an Order; the orders service writes it, in state Created, to the orders
// topic. Three validators (order details, fraud, inventory) each read it and
// write one OrderValidation to order-validations. An aggregator reads the
// verdicts and writes the order back as Validated (all NumberOfRules checks
// passed) or Failed (any check failed).
//
// Every value is a plain Go struct encoded as JSON with camelCase field names
// ("id", "customerId", "state", "product", "quantity", "price"); the types are
// written by hand, nothing is generated. Each topic comes with its serdes, so
// producers and consumers cannot disagree about the bytes:
//
//	orders := domain.OrdersTopic()
//	key, _ := orders.KeySerde().Serialize(order.ID)
//	value, _ := orders.ValueSerde().Serialize(order)
//	// produce (key, value) to orders.Name()
//
// Keys: the orders, order-validations and level topics are keyed by order id
// (a string), payments by payment id, customers by customer id (int64,
// big-endian like Kafka's LongSerializer), and warehouse-inventory by product
// name with the stock as a big-endian int32 value.
//
// Enumerations (OrderState, Product, OrderValidationType,
// OrderValidationResult) are string types. Decoding never rejects an unknown
// name, because a topic may carry values written by newer code; use Valid to
// ask whether this code knows a value. That is how the order-details check
// can fail an order for an unknown product instead of choking on it.
//
// Nothing in this package is mutable: topics are returned by functions, and a
// Topic is an immutable value.
package domain
