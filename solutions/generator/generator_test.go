package generator_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/generator"
	"github.com/streamworkshop/workshop/solutions/internal/snapshot"
	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/streamlib/embedded"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// sarama's metrics library starts one process-wide ticker and never stops it.
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"))
}

func cluster(t *testing.T) []string {
	t.Helper()
	var opts []embedded.Option
	for _, name := range domain.TopicNames() {
		opts = append(opts, embedded.WithTopic(name, 3))
	}
	c, err := embedded.Start(t.Context(), opts...)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	return c.Addrs()
}

func TestSeedFile(t *testing.T) {
	cs, err := generator.Customers()
	require.NoError(t, err)
	require.Len(t, cs, 9)
	levels := map[string]int{}
	for i, c := range cs {
		require.Equal(t, int64(i+1), c.ID, "ids 1 to 9, in order")
		require.NotEmpty(t, c.FirstName)
		require.NotEmpty(t, c.LastName)
		require.Contains(t, c.Email, "@example.com", "no real mailbox gets the demo's mail")
		levels[c.Level]++
	}
	require.Equal(t, map[string]int{"platinum": 3, "gold": 2, "silver": 2, "bronze": 2}, levels)
	require.Equal(t, "Jay", cs[0].FirstName)
	_, err = generator.ReadCustomers([]byte("{"))
	require.Error(t, err)
}

func TestSeeds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addrs := cluster(t)
	p, err := generator.NewProducer(addrs, nil)
	require.NoError(t, err)
	defer p.Close()
	cs, err := generator.Customers()
	require.NoError(t, err)
	require.NoError(t, generator.SeedCustomers(ctx, p, cs))
	stock := generator.DefaultStock()
	stock[domain.Stockings] = 5
	require.NoError(t, generator.SeedInventory(ctx, p, stock))

	got, err := snapshot.Read(ctx, addrs, domain.CustomersTopic(), nil)
	require.NoError(t, err)
	require.Len(t, got, 9)
	for _, r := range got {
		require.Equal(t, r.Key, r.Value.ID, "customers are keyed by id")
	}
	inv, err := snapshot.Read(ctx, addrs, domain.WarehouseInventoryTopic(), nil)
	require.NoError(t, err)
	have := map[domain.Product]int32{}
	for _, r := range inv {
		have[r.Key] = r.Value
	}
	require.Equal(t, map[domain.Product]int32{domain.Underpants: 20, domain.Jumpers: 10, domain.Stockings: 5}, have)
	require.Equal(t, generator.Stock{domain.Underpants: 20, domain.Jumpers: 10}, generator.DefaultStock(), "the original's stock, no STOCKINGS")
}

// TestRunOrders posts orders to a real orders service (its write side) on
// the embedded broker, through a front that fails the first attempt of
// one order and refuses another, and checks what landed on the topics.
func TestRunOrders(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	addrs := cluster(t)
	sub, err := orders.NewSubmitter(orders.SubmitterConfig{Brokers: addrs, Partitioner: sarama.NewMurmur2Partitioner})
	require.NoError(t, err)
	defer sub.Close()
	mux := http.NewServeMux()
	sub.Register(mux)
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 2: // the second order's first attempt: the service is busy
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case 4: // the third order: refused
			http.Error(w, "no", http.StatusBadRequest)
		default:
			mux.ServeHTTP(w, r)
		}
	}))
	defer srv.Close()

	p, err := generator.NewProducer(addrs, nil)
	require.NoError(t, err)
	defer p.Close()
	var progress bytes.Buffer
	var posted []domain.Order
	stats, err := generator.RunOrders(ctx, generator.OrdersConfig{
		URL: srv.URL, Payments: p, Rate: 0, Count: 5, MaxQuantity: 3, IDPrefix: "t",
		Rand: rand.New(rand.NewPCG(1, 2)), Progress: &progress,
		OnOrder: func(o domain.Order) { posted = append(posted, o) },
	})
	require.NoError(t, err)
	require.Equal(t, 4, stats.Posted)
	require.Equal(t, 1, stats.Rejected)
	require.Equal(t, 1, stats.Retries)
	require.Contains(t, progress.String(), "orders: 4 posted and paid")

	var ids []string
	for _, o := range posted {
		ids = append(ids, o.ID)
		require.Equal(t, domain.Created, o.State)
		require.True(t, o.Product.Valid())
		require.True(t, o.Quantity >= 1 && o.Quantity <= 3)
		require.True(t, o.CustomerID >= 1 && o.CustomerID <= 9)
		require.Equal(t, generator.DefaultPrices()[o.Product], o.Price)
	}
	require.Equal(t, []string{"t-1", "t-2", "t-4", "t-5"}, ids, "a retried order keeps its id; a refused one is skipped")

	onTopic, err := snapshot.Read(ctx, addrs, domain.OrdersTopic(), nil)
	require.NoError(t, err)
	require.Len(t, onTopic, 4, "the retried order was written once")
	pays, err := snapshot.Read(ctx, addrs, domain.PaymentsTopic(), nil)
	require.NoError(t, err)
	byOrder := map[string]domain.Payment{}
	for _, r := range pays {
		require.Equal(t, r.Key, r.Value.ID, "payments are keyed by their own id")
		byOrder[r.Value.OrderID] = r.Value
	}
	for _, o := range posted {
		require.Equal(t, o.Value(), byOrder[o.ID].Amount, "order %s is paid in full", o.ID)
	}
}

func TestRunOrdersStopsWithContext(t *testing.T) {
	addrs := cluster(t)
	p, err := generator.NewProducer(addrs, nil)
	require.NoError(t, err)
	defer p.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan generator.Stats)
	go func() {
		s, err := generator.RunOrders(ctx, generator.OrdersConfig{URL: srv.URL, Payments: p})
		require.NoError(t, err)
		done <- s
	}()
	cancel()
	s := <-done
	require.Zero(t, s.Posted)

	_, err = generator.RunOrders(context.Background(), generator.OrdersConfig{Payments: p})
	require.ErrorContains(t, err, "URL")
}
