package domain_test

import (
	"fmt"

	"github.com/streamworkshop/workshop/domain"
)

func Example() {
	order := domain.Order{
		ID: "1", CustomerID: 2, State: domain.Created,
		Product: domain.Jumpers, Quantity: 10, Price: 100,
	}
	orders := domain.OrdersTopic()
	key, _ := orders.KeySerde().Serialize(order.ID)
	value, _ := orders.ValueSerde().Serialize(order)
	fmt.Printf("%s %s %s\n", orders.Name(), key, value)
	fmt.Println("value:", order.Value(), "over the fraud limit:", order.Value() >= domain.FraudLimit)
	// Output:
	// orders 1 {"id":"1","customerId":2,"state":"CREATED","product":"JUMPERS","quantity":10,"price":100}
	// value: 1000 over the fraud limit: false
}

func ExampleParseProduct() {
	p, err := domain.ParseProduct("JUMPERS")
	fmt.Println(p, err)
	_, err = domain.ParseProduct("SOCKS")
	fmt.Println(err)
	// Output:
	// JUMPERS <nil>
	// unknown product "SOCKS" (known: JUMPERS, UNDERPANTS, STOCKINGS)
}
