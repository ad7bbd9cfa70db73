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
//
// Its read side answers GET /v1/orders/{id} and GET /v1/orders/{id}/validated
// (?timeout=, default 10s) from the orders topic materialized in a store of
// a streamlib application. AddReadSide adds that table to a topology and
// hands each new state to a Waiters; Reader serves the GETs, waiting on the
// Waiters until the order is there (or VALIDATED/FAILED), and lets the
// runtime forward a key another instance owns:
//
//	var ws orders.Waiters
//	b := streamlib.NewBuilder()
//	orders.AddReadSide(b, &ws)
//	topo, _ := b.Build()
//	app, _ := kafka.New(topo, kafka.Config{ /* ..., ApplicationServer: "host:8080" */ })
//	rd := &orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}
//	rd.Register(mux)
//
// Every waiter of an id gets its answer, and one that times out (504) is
// removed at once.
package orders
