package orderdetails_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

// TestTransactionsAcrossPartitions: sarama hands each partition to its own
// goroutine, and they share one transactional producer; their
// transactions must take turns.
func TestTransactionsAcrossPartitions(t *testing.T) {
	cluster, err := embedded.Start(t.Context(),
		embedded.WithTopic(domain.OrdersTopicName, 4),
		embedded.WithTopic(domain.OrderValidationsTopicName, 1))
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	const n = 40
	for i := range n {
		id := fmt.Sprintf("o-%d", i)
		order, err := domain.OrdersTopic().ValueSerde().Serialize(domain.Order{ID: id, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 1})
		require.NoError(t, err)
		write(t, cluster, domain.OrdersTopicName, id, string(order))
	}
	stop := run(t, cluster, true)
	got := readValidations(t, cluster, n)
	require.NoError(t, stop(), "no transaction may fail")
	seen := map[string]int{}
	for _, v := range got {
		seen[v.OrderID]++
	}
	require.Len(t, seen, n, "every order validated once")
}
