package search_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// TestTopologyIndexesLatestState runs the search topology on the test
// driver into a real bleve index, and asks the HTTP handler.
func TestTopologyIndexesLatestState(t *testing.T) {
	idx, err := search.OpenBleve(filepath.Join(t.TempDir(), "orders.bleve"))
	require.NoError(t, err)
	defer idx.Close()
	topo, err := search.Topology(idx)
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	ot, ct := domain.OrdersTopic(), domain.CustomersTopic()
	orders := testdriver.InputTopic(d, ot.Name(), ot.KeySerde(), ot.ValueSerde())
	customers := testdriver.InputTopic(d, ct.Name(), ct.KeySerde(), ct.ValueSerde())

	customers.PipeAt(1, *jay(), t0.UnixMilli())
	o1 := domain.Order{ID: "1", CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 40}
	o2 := domain.Order{ID: "2", CustomerID: 0, State: domain.Created, Product: domain.Underpants, Quantity: 2, Price: 10}
	orders.PipeAt(o1.ID, o1, t0.UnixMilli())
	orders.PipeAt(o2.ID, o2, t0.Add(time.Second).UnixMilli())
	orders.PipeAt(o1.ID, o1.WithState(domain.Validated), t0.Add(2*time.Second).UnixMilli())

	srv := httptest.NewServer(search.Handler(idx))
	defer srv.Close()
	get := func(query string) (int, map[string]any) {
		resp, err := http.Get(srv.URL + search.Path + "?" + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		return resp.StatusCode, body
	}
	status, body := get("q=kreps")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(1), body["total"])
	doc := body["orders"].([]any)[0].(map[string]any)
	require.Equal(t, "VALIDATED", doc["state"], "the latest state replaced CREATED")
	require.Equal(t, "Jay Kreps", doc["customer"])
	require.Equal(t, "platinum", doc["level"])
	require.Equal(t, t0.Add(2*time.Second).Format(time.RFC3339), doc["updated"], "updated is the record's timestamp")

	status, body = get("q=underpants")
	require.Equal(t, http.StatusOK, status)
	doc = body["orders"].([]any)[0].(map[string]any)
	require.NotContains(t, doc, "customer", "an order of an unknown customer is indexed without a name")

	status, body = get("q=&limit=1")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, float64(2), body["total"])
	require.Len(t, body["orders"], 1)

	status, body = get(`q=state:"x`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body["error"], "bad query")
	status, body = get("limit=-1")
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body["error"], "limit")
}
