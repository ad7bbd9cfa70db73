package search_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/search"
)

// fakeES speaks the part of Elasticsearch's REST API that the Elasticsearch
// index uses, and checks every request the official client sends it. It
// does not search: it answers match_all with every document, "id:<id>"
// with that document, and a query with an unbalanced parenthesis with the
// 400 Elasticsearch gives for it.
type fakeES struct {
	t       *testing.T
	product string // the X-Elastic-Product header it answers with

	mu       sync.Mutex
	created  bool
	mapping  map[string]any
	docs     map[string]search.Document
	searches []map[string]any
	refresh  []string
}

func newFakeES(t *testing.T) *fakeES {
	return &fakeES{t: t, product: "Elasticsearch", docs: map[string]search.Document{}}
}

func (f *fakeES) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("X-Elastic-Product", f.product)
	w.Header().Set("Content-Type", "application/json")
	body, _ := io.ReadAll(r.Body)
	if len(body) > 0 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	switch {
	case r.Method == http.MethodHead && r.URL.Path == "/orders":
		if !f.created {
			w.WriteHeader(http.StatusNotFound)
		}
	case r.Method == http.MethodPut && r.URL.Path == "/orders":
		if f.created {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":{"root_cause":[{"type":"resource_already_exists_exception","reason":"index [orders] already exists"}],"type":"resource_already_exists_exception","reason":"index [orders] already exists"},"status":400}`)
			return
		}
		require.NoError(f.t, json.Unmarshal(body, &f.mapping), "index creation body")
		f.created = true
		io.WriteString(w, `{"acknowledged":true,"shards_acknowledged":true,"index":"orders"}`)
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/orders/_doc/"):
		id := strings.TrimPrefix(r.URL.Path, "/orders/_doc/")
		var d search.Document
		require.NoError(f.t, json.Unmarshal(body, &d), "document body")
		require.Equal(f.t, id, d.ID, "the document id in the path is the order id")
		result := "created"
		if _, ok := f.docs[id]; ok {
			result = "updated"
		}
		f.docs[id] = d
		f.refresh = append(f.refresh, r.URL.Query().Get("refresh"))
		w.WriteHeader(map[string]int{"created": http.StatusCreated, "updated": http.StatusOK}[result])
		io.WriteString(w, `{"_index":"orders","_id":"`+id+`","result":"`+result+`"}`)
	case r.Method == http.MethodPost && r.URL.Path == "/orders/_search":
		var req map[string]any
		require.NoError(f.t, json.Unmarshal(body, &req), "search body")
		f.searches = append(f.searches, req)
		var hits []search.Document
		q, _ := req["query"].(map[string]any)
		if qs, ok := q["query_string"].(map[string]any); ok {
			text, _ := qs["query"].(string)
			if strings.Count(text, "(") != strings.Count(text, ")") {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"Failed to parse query [`+text+`]"}],"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}`)
				return
			}
			if d, ok := f.docs[strings.TrimPrefix(text, "id:")]; ok {
				hits = append(hits, d)
			}
		} else {
			for _, d := range f.docs {
				hits = append(hits, d)
			}
			slices.SortFunc(hits, func(a, b search.Document) int { return b.Updated.Compare(a.Updated) })
		}
		var out struct {
			Hits struct {
				Total struct {
					Value    int    `json:"value"`
					Relation string `json:"relation"`
				} `json:"total"`
				Hits []map[string]any `json:"hits"`
			} `json:"hits"`
		}
		out.Hits.Total.Value, out.Hits.Total.Relation = len(hits), "eq"
		for _, d := range hits {
			out.Hits.Hits = append(out.Hits.Hits, map[string]any{"_index": "orders", "_id": d.ID, "_score": 1.0, "_source": d})
		}
		require.NoError(f.t, json.NewEncoder(w).Encode(out))
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusNotImplemented)
	}
}

func TestElasticsearch(t *testing.T) {
	ctx := context.Background()
	fake := newFakeES(t)
	srv := httptest.NewServer(fake)
	defer srv.Close()

	idx, err := search.OpenElasticsearch(ctx, search.ElasticsearchConfig{URLs: []string{srv.URL}, Refresh: "wait_for"})
	require.NoError(t, err)
	defer idx.Close()
	require.True(t, fake.created, "the index is created when it does not exist")
	props := fake.mapping["mappings"].(map[string]any)["properties"].(map[string]any)
	require.Equal(t, map[string]any{"type": "keyword"}, props["id"], "ids match exactly")
	require.Equal(t, map[string]any{"type": "date"}, props["updated"])
	require.Len(t, props, 9, "a field for every field of Document")

	// A second instance finds the index there.
	other, err := search.OpenElasticsearch(ctx, search.ElasticsearchConfig{URLs: []string{srv.URL}})
	require.NoError(t, err)
	require.NoError(t, other.Close())

	o := domain.Order{ID: "o-1", CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 40}
	require.NoError(t, idx.Upsert(ctx, search.NewDocument(o, jay(), t0)))
	require.NoError(t, idx.Upsert(ctx, search.NewDocument(o.WithState(domain.Validated), jay(), t0.Add(time.Second))))
	require.NoError(t, idx.Upsert(ctx, search.NewDocument(domain.Order{ID: "o-2", State: domain.Created}, nil, t0.Add(2*time.Second))))
	require.Len(t, fake.docs, 2, "PUT by id: one document per order")
	require.Equal(t, domain.Validated, fake.docs["o-1"].State)
	require.Equal(t, []string{"wait_for", "wait_for", "wait_for"}, fake.refresh)

	res, err := idx.Search(ctx, search.Query{})
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Total)
	require.Equal(t, []string{"o-2", "o-1"}, ids(res))
	require.Equal(t, map[string]any{
		"query":            map[string]any{"match_all": map[string]any{}},
		"size":             float64(search.DefaultLimit),
		"sort":             []any{map[string]any{"_score": "desc"}, map[string]any{"updated": "desc"}, map[string]any{"id": "asc"}},
		"track_total_hits": true,
	}, fake.searches[0])

	res, err = idx.Search(ctx, search.Query{Text: "id:o-1", Limit: 500})
	require.NoError(t, err)
	require.Equal(t, []search.Document{search.NewDocument(o.WithState(domain.Validated), jay(), t0.Add(time.Second))}, res.Documents)
	require.Equal(t, map[string]any{"query_string": map[string]any{"query": "id:o-1"}}, fake.searches[1]["query"])
	require.Equal(t, float64(search.MaxLimit), fake.searches[1]["size"], "the limit is capped")

	_, err = idx.Search(ctx, search.Query{Text: "state:(failed"})
	require.ErrorIs(t, err, search.ErrBadQuery)
	require.ErrorContains(t, err, "query_shard_exception")
}

// TestElasticsearchRefusesAnotherProduct: the official client checks that
// it talks to Elasticsearch, and so does OpenElasticsearch.
func TestElasticsearchRefusesAnotherProduct(t *testing.T) {
	fake := newFakeES(t)
	fake.product = "Something else"
	srv := httptest.NewServer(fake)
	defer srv.Close()
	_, err := search.OpenElasticsearch(context.Background(), search.ElasticsearchConfig{URLs: []string{srv.URL}})
	require.Error(t, err)
}
