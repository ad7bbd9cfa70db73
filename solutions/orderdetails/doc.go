// Package orderdetails is the order-details service: the simplest of the
// three validators of the order system, and the reference solution of
// workshop exercise 02.
//
// It is event driven. Nobody calls it; it subscribes to the orders topic and
// reacts to each new order by writing a verdict, PASS or FAIL, to
// order-validations (see Validate for the rules). It is written as a plain
// consumer group and producer loop rather than a stream topology, to show
// what a stream processor does underneath: read, process, write, and commit
// the consumer's position only once the output is safe.
//
//	v, err := orderdetails.New(orderdetails.Config{
//		Brokers:       []string{"localhost:9092"},
//		Transactional: true, // exactly once; false gives at least once
//	})
//	if err != nil {
//		return err
//	}
//	return v.Run(ctx) // until ctx is done
//
// Several instances with the same GroupID share the partitions of orders.
// A restarted instance resumes after the last committed offset, so it does
// not validate an order twice (unless it crashed between writing a
// validation and committing, in at-least-once mode).
package orderdetails
