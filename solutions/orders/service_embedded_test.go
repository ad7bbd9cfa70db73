package orders_test

import (
	"context"
	"encoding/json"
	"io"
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

// TestPostThenGetOnEmbeddedBroker posts an order and reads it back through
// the materialized store; a GET for an order that never comes gets 504.
func TestPostThenGetOnEmbeddedBroker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	ot := domain.OrdersTopic()
	cluster, err := embedded.Start(ctx, embedded.WithTopic(ot.Name(), 2))
	require.NoError(t, err)
	defer cluster.Close()

	var ws orders.Waiters
	b := streamlib.NewBuilder()
	orders.AddReadSide(b, &ws)
	topo, err := b.Build()
	require.NoError(t, err)
	app, err := kafka.New(topo, kafka.Config{ApplicationID: "orders-read", BootstrapServers: cluster.Addrs(), StateDir: t.TempDir()})
	require.NoError(t, err)
	require.NoError(t, app.Start(ctx))
	defer app.Close()
	require.NoError(t, app.WaitRunning(ctx))

	sub, err := orders.NewSubmitter(orders.SubmitterConfig{Brokers: cluster.Addrs(), Partitioner: sarama.NewMurmur2Partitioner})
	require.NoError(t, err)
	defer sub.Close()
	mux := http.NewServeMux()
	sub.Register(mux)
	(&orders.Reader{App: app, Store: orders.StoreName, Waiters: &ws}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Post(srv.URL+orders.Path, "application/json",
		strings.NewReader(`{"id":"o-1","customerId":2,"product":"JUMPERS","quantity":1,"price":10}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.Equal(t, orders.Path+"/o-1", loc)

	resp, err = http.Get(srv.URL + loc + "?timeout=20s")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	var got domain.Order
	require.NoError(t, json.Unmarshal(body, &got))
	require.Equal(t, "o-1", got.ID)
	require.Equal(t, domain.Created, got.State)

	resp, err = http.Get(srv.URL + loc + "/validated?timeout=200ms")
	require.NoError(t, err)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusGatewayTimeout, resp.StatusCode, string(body))
	require.Equal(t, 0, ws.Len())
}
