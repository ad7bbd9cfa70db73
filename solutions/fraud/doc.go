// Package fraud is the fraud check of the order system, and the reference
// solution of workshop exercise 04 (filtering and branching).
//
// It is a stream topology that reads orders and writes one FRAUD_CHECK
// validation per new order to order-validations. It keeps the CREATED
// orders (a filter), groups them by customer, and sums the value of each
// customer's orders (quantity × price) in session windows: a session lasts
// as long as the customer orders with no gap longer than SessionGap (one
// hour). Each order gets the total of its session so far; a branch sends
// the totals at or above domain.FraudLimit to FAIL and the rest to PASS.
// So once a customer's session reaches the limit, every further order of
// that session fails.
//
//	topo, err := fraud.Topology()
//	if err != nil {
//		return err
//	}
//	app, err := kafka.New(topo, kafka.Config{ApplicationID: fraud.ApplicationID, ...})
//
// Build adds the same nodes to a Builder of your own instead. The running
// totals are kept in the session store TotalsStore, which an interactive
// query can read.
package fraud
