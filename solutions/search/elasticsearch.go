package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// DefaultElasticsearchIndex is the index an Elasticsearch keeps orders in
// unless ElasticsearchConfig names another.
const DefaultElasticsearchIndex = "orders"

// ElasticsearchConfig configures an Elasticsearch index.
type ElasticsearchConfig struct {
	// URLs of the cluster's nodes, such as http://localhost:9200. Required.
	URLs []string
	// Index is the name of the index (DefaultElasticsearchIndex).
	Index string
	// Username and Password, when set, authenticate with basic auth.
	Username, Password string
	// Refresh is passed as ?refresh= with every upsert: "" (the
	// default) lets the cluster make documents searchable within its
	// refresh interval, one second by default; "wait_for" makes each
	// upsert wait until its document is searchable.
	Refresh string
	// Transport carries the requests (http.DefaultTransport when nil).
	Transport http.RoundTripper
}

// Elasticsearch is an Index in an Elasticsearch cluster, through the
// official client. Open it with OpenElasticsearch.
type Elasticsearch struct {
	es      *elasticsearch.Client
	index   string
	refresh string
}

// esMapping is the mapping of the index: the same fields, analyzed the
// same way, as the bleve index's.
const esMapping = `{
  "mappings": {
    "dynamic": "strict",
    "properties": {
      "id":         {"type": "keyword"},
      "customerId": {"type": "long"},
      "state":      {"type": "text"},
      "product":    {"type": "text"},
      "quantity":   {"type": "integer"},
      "price":      {"type": "double"},
      "customer":   {"type": "text"},
      "level":      {"type": "text"},
      "updated":    {"type": "date"}
    }
  }
}`

// OpenElasticsearch connects to the cluster and creates the index, with
// its mapping, if it does not exist yet.
func OpenElasticsearch(ctx context.Context, cfg ElasticsearchConfig) (*Elasticsearch, error) {
	if len(cfg.URLs) == 0 {
		return nil, errors.New("search: ElasticsearchConfig.URLs is empty")
	}
	if cfg.Index == "" {
		cfg.Index = DefaultElasticsearchIndex
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: cfg.URLs, Username: cfg.Username, Password: cfg.Password, Transport: cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("search: Elasticsearch client for %v: %w", cfg.URLs, err)
	}
	e := &Elasticsearch{es: es, index: cfg.Index, refresh: cfg.Refresh}
	if err := e.ensureIndex(ctx); err != nil {
		_ = es.Close(ctx)
		return nil, err
	}
	return e, nil
}

func (e *Elasticsearch) ensureIndex(ctx context.Context) error {
	res, err := e.es.Indices.Exists([]string{e.index}, e.es.Indices.Exists.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("search: does index %s exist: %w", e.index, err)
	}
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
	default:
		return fmt.Errorf("search: does index %s exist: %s", e.index, res.Status())
	}
	res, err = e.es.Indices.Create(e.index, e.es.Indices.Create.WithBody(strings.NewReader(esMapping)), e.es.Indices.Create.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("search: create index %s: %w", e.index, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		reason := esError(res)
		if reason.Type == "resource_already_exists_exception" { // another instance was quicker
			return nil
		}
		return fmt.Errorf("search: create index %s: %s: %s", e.index, res.Status(), reason)
	}
	return nil
}

// Upsert puts doc under its id (PUT /<index>/_doc/<id>).
func (e *Elasticsearch) Upsert(ctx context.Context, doc Document) error {
	body, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("search: encode order %s: %w", doc.ID, err)
	}
	opts := []func(*esapi.IndexRequest){e.es.Index.WithDocumentID(doc.ID), e.es.Index.WithContext(ctx)}
	if e.refresh != "" {
		opts = append(opts, e.es.Index.WithRefresh(e.refresh))
	}
	res, err := e.es.Index(e.index, bytes.NewReader(body), opts...)
	if err != nil {
		return fmt.Errorf("search: index order %s in %s: %w", doc.ID, e.index, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return fmt.Errorf("search: index order %s in %s: %s: %s", doc.ID, e.index, res.Status(), esError(res))
	}
	return nil
}

// esSearch is the body of a search: a query_string query (match_all for
// an empty text), best match first, then newest first.
type esSearch struct {
	Query          map[string]any   `json:"query"`
	Size           int              `json:"size"`
	Sort           []map[string]any `json:"sort"`
	TrackTotalHits bool             `json:"track_total_hits"`
}

// Search runs q with a query_string query (POST /<index>/_search).
func (e *Elasticsearch) Search(ctx context.Context, q Query) (Result, error) {
	body := esSearch{
		Query:          map[string]any{"match_all": map[string]any{}},
		Size:           q.limit(),
		Sort:           []map[string]any{{"_score": "desc"}, {"updated": "desc"}, {"id": "asc"}},
		TrackTotalHits: true,
	}
	if q.Text != "" {
		body.Query = map[string]any{"query_string": map[string]any{"query": q.Text}}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return Result{}, fmt.Errorf("search: encode query %q: %w", q.Text, err)
	}
	res, err := e.es.Search(e.es.Search.WithIndex(e.index), e.es.Search.WithBody(bytes.NewReader(b)), e.es.Search.WithContext(ctx))
	if err != nil {
		return Result{}, fmt.Errorf("search: query %q in %s: %w", q.Text, e.index, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		reason := esError(res)
		if res.StatusCode == http.StatusBadRequest {
			return Result{}, fmt.Errorf("%w %q: %s", ErrBadQuery, q.Text, reason)
		}
		return Result{}, fmt.Errorf("search: query %q in %s: %s: %s", q.Text, e.index, res.Status(), reason)
	}
	var out struct {
		Hits struct {
			Total struct {
				Value uint64 `json:"value"`
			} `json:"total"`
			Hits []struct {
				Source Document `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return Result{}, fmt.Errorf("search: read the answer to %q from %s: %w", q.Text, e.index, err)
	}
	r := Result{Total: out.Hits.Total.Value, Documents: make([]Document, 0, len(out.Hits.Hits))}
	for _, h := range out.Hits.Hits {
		r.Documents = append(r.Documents, h.Source)
	}
	return r, nil
}

// Close closes the client's connections.
func (e *Elasticsearch) Close() error {
	if err := e.es.Close(context.Background()); err != nil {
		return fmt.Errorf("search: close Elasticsearch client: %w", err)
	}
	return nil
}

// esReason is the first cause of an Elasticsearch error answer.
type esReason struct {
	Type   string
	Reason string
}

func (r esReason) String() string {
	if r.Type == "" {
		return r.Reason
	}
	return r.Type + ": " + r.Reason
}

// esError reads the reason of an error answer.
func esError(res *esapi.Response) esReason {
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var body struct {
		Error struct {
			Type      string `json:"type"`
			Reason    string `json:"reason"`
			RootCause []struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"root_cause"`
		} `json:"error"`
	}
	if json.Unmarshal(b, &body) != nil || body.Error.Type == "" {
		return esReason{Reason: strings.TrimSpace(string(b))}
	}
	if len(body.Error.RootCause) > 0 {
		return esReason{Type: body.Error.RootCause[0].Type, Reason: body.Error.RootCause[0].Reason}
	}
	return esReason{Type: body.Error.Type, Reason: body.Error.Reason}
}
