package inventory_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/inventory"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// The tutorial's case, an order without a stock row, and the changelog and
// store that record the reservations.
func TestInventoryCheck(t *testing.T) {
	topo, err := inventory.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo, testdriver.WithApplicationID(inventory.ApplicationID))
	st, ot, vt := domain.WarehouseInventoryTopic(), domain.OrdersTopic(), domain.OrderValidationsTopic()
	stock := testdriver.InputTopic(d, st.Name(), st.KeySerde(), st.ValueSerde())
	orders := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	out := testdriver.OutputTopic(d, vt.Name(), vt.KeySerde(), vt.ValueSerde())

	stock.PipeAt(domain.Underpants, 75, 0)
	stock.PipeAt(domain.Jumpers, 1, 0)
	for i, o := range []domain.Order{
		{ID: "0", CustomerID: 1, State: domain.Created, Product: domain.Underpants, Quantity: 3, Price: 1},
		{ID: "1", CustomerID: 2, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 1},
		{ID: "2", CustomerID: 2, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 1},
		{ID: "3", CustomerID: 2, State: domain.Created, Product: domain.Stockings, Quantity: 1, Price: 1},
		{ID: "4", CustomerID: 2, State: domain.Created, Product: "SOCKS", Quantity: 1, Price: 1},
	} {
		orders.PipeAt(o.ID, o, int64(i+1))
	}
	var got []string
	for _, v := range out.ReadValues() {
		require.Equal(t, domain.InventoryCheck, v.CheckType)
		got = append(got, v.OrderID+" "+string(v.ValidationResult))
	}
	require.ElementsMatch(t, []string{"0 PASS", "1 PASS", "2 FAIL", "3 FAIL", "4 FAIL"}, got)

	require.Equal(t, "InventoryService-store-of-reserved-stock-changelog", d.ChangelogTopic(inventory.ReservedStockStore))
	changelog := testdriver.OutputTopic(d, d.ChangelogTopic(inventory.ReservedStockStore), serde.String(), serde.Int64())
	require.Equal(t, []streamlib.KeyValue[string, int64]{{Key: "UNDERPANTS", Value: 3}, {Key: "JUMPERS", Value: 1}}, changelog.ReadKeyValues())

	reserved := testdriver.KeyValueStore[domain.Product, int64](d, inventory.ReservedStockStore)
	n, ok, err := reserved.Get(domain.Jumpers)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(1), n)
}
