// Package orders is the orders service: the front door of the order system.
//
// Its write side, Submitter, accepts POST /v1/orders and persists each order
// as an event on the orders topic (workshop exercise 01). An order exists once
// the broker has acknowledged it, so the service answers 201 Created only
// then:
//
//	sub, err := orders.NewSubmitter(orders.SubmitterConfig{Brokers: []string{"localhost:9092"}})
//	if err != nil {
//		return err
//	}
//	defer sub.Close()
//	mux := http.NewServeMux()
//	sub.Register(mux) // POST /v1/orders and POST /v1/orders/
//	return http.ListenAndServe(":8080", mux)
//
// A client then posts
//
//	curl -i -d '{"customerId":2,"product":"JUMPERS","quantity":1,"price":10}' localhost:8080/v1/orders
//
// and gets 201 with Location: /v1/orders/{id}.
package orders
