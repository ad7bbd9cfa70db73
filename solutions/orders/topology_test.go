package orders_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

func TestReadSideNotifiesWaitersAfterStoreUpdate(t *testing.T) {
	var ws orders.Waiters
	b := streamlib.NewBuilder()
	orders.AddReadSide(b, &ws)
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	defer d.Close()
	ot := domain.OrdersTopic()
	in := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		o   domain.Order
		err error
	}
	res := make(chan result, 1)
	go func() {
		o, err := ws.Wait(ctx, "o1", validated, nil)
		res <- result{o, err}
	}()
	require.Eventually(t, func() bool { return ws.Len() == 1 }, 5*time.Second, time.Millisecond)

	created := domain.Order{ID: "o1", CustomerID: 2, State: domain.Created, Product: "JUMPERS", Quantity: 1, Price: 10}
	in.Pipe("o1", created)
	require.Equal(t, 1, ws.Len(), "CREATED must not answer a /validated waiter")
	in.Pipe("o1", created.WithState(domain.Validated))
	r := <-res
	require.NoError(t, r.err)
	require.Equal(t, domain.Validated, r.o.State)
	require.Equal(t, 0, ws.Len())
}
