package serde_test

import (
	"errors"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

type order struct {
	ID       string `json:"id"`
	Quantity int    `json:"quantity"`
}

// For picks a serde from the type: JSON for structs, big-endian integers
// like Kafka's own serializers.
func Example() {
	s := serde.For[order]()
	b, _ := s.Serialize(order{ID: "o1", Quantity: 2})
	fmt.Println(string(b))
	back, _ := s.Deserialize(b)
	fmt.Println(back.ID, back.Quantity)

	n, _ := serde.Int64().Serialize(258)
	fmt.Println(n)
	// Output:
	// {"id":"o1","quantity":2}
	// o1 2
	// [0 0 0 0 0 0 1 2]
}

// A record that cannot be read reaches the application as an *Error that
// says where it lives, so it can be found, skipped or dead-lettered.
func ExampleError() {
	_, cause := serde.Int64().Deserialize([]byte("abc"))
	var err error = &serde.Error{Topic: "payments", Partition: 3, Offset: 1207, Side: serde.ValueSide, Err: cause}

	var se *serde.Error
	if errors.As(err, &se) {
		fmt.Println(se.Topic, se.Partition, se.Offset, se.Side)
	}
	fmt.Println(errors.Is(err, serde.ErrSize))
	fmt.Println(err)
	// Output:
	// payments 3 1207 value
	// true
	// serde: cannot read value of record payments/3@1207: int64 needs 8 bytes, got 3: serde: wrong number of bytes
}
