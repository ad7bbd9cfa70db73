package orders_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/orders"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/embedded"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

type instance struct {
	app *kafka.Application
	srv *httptest.Server
}

func startInstance(ctx context.Context, t *testing.T, addrs []string) instance {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var ws orders.Waiters
	b := streamlib.NewBuilder()
	orders.AddReadSide(b, &ws)
	topo, err := b.Build()
	require.NoError(t, err)
	app, err := kafka.New(topo, kafka.Config{ApplicationID: "orders-fwd", BootstrapServers: addrs,
		StateDir: t.TempDir(), ApplicationServer: ln.Addr().String()})
	require.NoError(t, err)
	require.NoError(t, app.Start(ctx))
	t.Cleanup(func() { app.Close() })
	mux := http.NewServeMux()
	(&orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}).Register(mux)
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return instance{app: app, srv: srv}
}

// TestGetIsForwardedToTheOwner runs two read sides in one group and asks
// the instance that does not own an order's key for it.
func TestGetIsForwardedToTheOwner(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	ot := domain.OrdersTopic()
	cluster, err := embedded.Start(ctx, embedded.WithTopic(ot.Name(), 2))
	require.NoError(t, err)
	defer cluster.Close()
	a := startInstance(ctx, t, cluster.Addrs())
	bi := startInstance(ctx, t, cluster.Addrs())

	// Wait until each instance runs one of the two tasks, then pick an id
	// that b owns.
	var id string
	require.Eventually(t, func() bool {
		for i := range 50 {
			cand := fmt.Sprintf("o-%d", i)
			ma, errA := kafka.KeyMetadataFor(a.app, orders.StoreName, cand, ot.KeySerde())
			mb, errB := kafka.KeyMetadataFor(bi.app, orders.StoreName, cand, ot.KeySerde())
			if errA == nil && errB == nil && !ma.Local && mb.Local && ma.Host == bi.srv.Listener.Addr().String() {
				id = cand
				return true
			}
		}
		return false
	}, 40*time.Second, 20*time.Millisecond)

	sub, err := orders.NewSubmitter(orders.SubmitterConfig{Brokers: cluster.Addrs(), Partitioner: sarama.NewMurmur2Partitioner})
	require.NoError(t, err)
	defer sub.Close()
	mux := http.NewServeMux()
	sub.Register(mux)
	post := httptest.NewServer(mux)
	defer post.Close()
	resp, err := http.Post(post.URL+orders.Path, "application/json",
		strings.NewReader(`{"id":"`+id+`","customerId":2,"product":"JUMPERS","quantity":1,"price":10}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)

	resp, err = http.Get(a.srv.URL + orders.Path + "/" + id + "?timeout=20s")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.Contains(t, string(body), `"`+id+`"`)
}
