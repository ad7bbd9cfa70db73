package email_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/email"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// The tutorial's case: Franz Kafka, a gold customer, orders and pays; a
// payment two minutes late and an unknown customer send nothing; every order
// of a known customer goes to the topic of its level.
func TestEmailService(t *testing.T) {
	var sent []email.Email
	topo, err := email.Topology(email.EmailerFunc(func(_ context.Context, e email.Email) error {
		sent = append(sent, e)
		return nil
	}))
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	ot, pt, ct := domain.OrdersTopic(), domain.PaymentsTopic(), domain.CustomersTopic()
	orders := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	payments := testdriver.InputTopic(d, pt.Name(), pt.KeySerde(), pt.ValueSerde())
	customers := testdriver.InputTopic(d, ct.Name(), ct.KeySerde(), ct.ValueSerde())
	at := func(d time.Duration) int64 { return d.Milliseconds() }

	franz := domain.Customer{ID: 15, FirstName: "Franz", LastName: "Kafka", Email: "frans@thedarkside.net", Level: domain.LevelGold}
	customers.PipeAt(franz.ID, franz, 0)
	order := func(id string, customer int64) domain.Order {
		return domain.Order{ID: id, CustomerID: customer, State: domain.Created, Product: domain.Underpants, Quantity: 3, Price: 5}
	}
	payment := func(id string) domain.Payment {
		return domain.Payment{ID: "Payment:" + id, OrderID: id, Ccy: "CZK", Amount: 15}
	}

	orders.PipeAt("0", order("0", 15), at(time.Second))
	payments.PipeAt("Payment:0", payment("0"), at(11*time.Second))
	orders.PipeAt("0", order("0", 15).WithState(domain.Validated), at(12*time.Second)) // no second email
	orders.PipeAt("1", order("1", 15), at(20*time.Second))
	payments.PipeAt("Payment:1", payment("1"), at(2*time.Minute+20*time.Second)) // too late
	orders.PipeAt("2", order("2", 99), at(3*time.Minute))                        // unknown customer
	payments.PipeAt("Payment:2", payment("2"), at(3*time.Minute+time.Second))

	require.Empty(t, cmp.Diff([]email.Email{{Order: order("0", 15), Payment: payment("0"), Customer: franz}}, sent))
	gold := testdriver.OutputTopic(d, domain.LevelGold, domain.LevelTopic(domain.LevelGold).KeySerde(), domain.LevelTopic(domain.LevelGold).ValueSerde())
	var ids []string
	for _, e := range gold.ReadValues() {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []string{"0", "0", "1"}, ids, "every order of a gold customer, in each of its states, goes to gold")
}

func TestTopologyNeedsEmailer(t *testing.T) {
	_, err := email.Topology(nil)
	require.Error(t, err)
}
