package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// OrderState is where an order is in its life. Only the orders service writes
// Created, and only the validations aggregator writes Validated or Failed (the
// single-writer principle: one service owns each state change).
type OrderState string

// The states of an order.
const (
	// Created is the state of a freshly submitted order, before any check ran.
	Created OrderState = "CREATED"
	// Validated means every validation rule passed.
	Validated OrderState = "VALIDATED"
	// Failed means at least one validation rule failed.
	Failed OrderState = "FAILED"
	// Shipped exists in the model but no service writes it.
	Shipped OrderState = "SHIPPED"
)

// OrderStates returns every order state, in lifecycle order.
func OrderStates() []OrderState { return []OrderState{Created, Validated, Failed, Shipped} }

// Valid reports whether s is one of the four known states.
func (s OrderState) Valid() bool {
	switch s {
	case Created, Validated, Failed, Shipped:
		return true
	}
	return false
}

// Product is what an order buys. Unknown names can travel through topics (a
// producer may be newer than this code), so Product is a string and Valid
// says whether this code knows it.
type Product string

// The products the shop sells.
const (
	Jumpers    Product = "JUMPERS"
	Underpants Product = "UNDERPANTS"
	Stockings  Product = "STOCKINGS"
)

// Products returns every known product.
func Products() []Product { return []Product{Jumpers, Underpants, Stockings} }

// Valid reports whether p is one of the known products.
func (p Product) Valid() bool {
	switch p {
	case Jumpers, Underpants, Stockings:
		return true
	}
	return false
}

// ErrUnknownProduct reports a product name this code does not know.
var ErrUnknownProduct = errors.New("unknown product")

// ParseProduct returns the product named s, or an error wrapping
// ErrUnknownProduct that lists the known names.
func ParseProduct(s string) (Product, error) {
	p := Product(s)
	if !p.Valid() {
		return "", fmt.Errorf("%w %q (known: %s)", ErrUnknownProduct, s, productList())
	}
	return p, nil
}

func productList() string {
	names := make([]string, 0, 3)
	for _, p := range Products() {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}

// Order is the central event of the system: a customer wants Quantity items of
// Product at Price each. It is written to the orders topic keyed by ID, once
// when it is created and again when it is validated or failed.
type Order struct {
	ID         string     `json:"id"`
	CustomerID int64      `json:"customerId"`
	State      OrderState `json:"state"`
	Product    Product    `json:"product"`
	Quantity   int32      `json:"quantity"`
	Price      float64    `json:"price"`
}

// Value returns what the order is worth: quantity times price.
func (o Order) Value() float64 { return float64(o.Quantity) * o.Price }

// WithState returns a copy of o in state s. Orders are values: a new state is
// a new event, never an edit of the old one.
func (o Order) WithState(s OrderState) Order {
	o.State = s
	return o
}

// OrderID turns a number into an order id the way the original tutorial does:
// its decimal digits ("0", "1", ...).
func OrderID(n int64) string { return strconv.FormatInt(n, 10) }

// OrderValue pairs an order with a running total; the fraud check keeps one per
// customer session.
type OrderValue struct {
	Order Order   `json:"order"`
	Value float64 `json:"value"`
}

// OrderEnriched is an order with its customer's level, used to route orders
// to one topic per level.
type OrderEnriched struct {
	ID            string `json:"id"`
	CustomerID    int64  `json:"customerId"`
	CustomerLevel string `json:"customerLevel"`
}
