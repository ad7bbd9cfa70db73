package mail_test

import (
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/solutions/mail"
)

func ExampleCompose() {
	m, err := mail.Compose(paid("7"), mail.DefaultFrom(), time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.From, "->", m.To)
	fmt.Println(m.Subject)
	fmt.Println(m.ID)
	// Output:
	// shop@example.com -> jay@example.com
	// Your order 7: 2 × JUMPERS
	// order-7@example.com
}
