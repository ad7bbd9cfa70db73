package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Bleve is an Index in a bleve index on disk: nothing to install, and it
// survives restarts. Open it with OpenBleve.
type Bleve struct {
	idx  bleve.Index
	path string
}

// sourceField holds each document as JSON, stored but not indexed, so a
// hit is read back whole.
const sourceField = "_source"

// OpenBleve opens the bleve index at path, creating it (and its parent
// folders) if it does not exist.
func OpenBleve(path string) (*Bleve, error) {
	idx, err := bleve.Open(path)
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		idx, err = bleve.New(path, bleveMapping())
	}
	if err != nil {
		return nil, fmt.Errorf("search: open bleve index %s: %w", path, err)
	}
	return &Bleve{idx: idx, path: path}, nil
}

// bleveMapping maps a Document: words in state, product, customer and
// level are analyzed (lower-cased, split), id is one exact term, numbers
// and the time are ranges and sort keys.
func bleveMapping() mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = "standard"
		return f
	}
	num := bleve.NewNumericFieldMapping
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("id", bleve.NewKeywordFieldMapping())
	doc.AddFieldMappingsAt("customerId", num())
	doc.AddFieldMappingsAt("state", text())
	doc.AddFieldMappingsAt("product", text())
	doc.AddFieldMappingsAt("quantity", num())
	doc.AddFieldMappingsAt("price", num())
	doc.AddFieldMappingsAt("customer", text())
	doc.AddFieldMappingsAt("level", text())
	updated := bleve.NewDateTimeFieldMapping()
	updated.IncludeInAll = false
	doc.AddFieldMappingsAt("updated", updated)
	source := bleve.NewTextFieldMapping()
	source.Index, source.Store, source.IncludeInAll = false, true, false
	source.DocValues = false
	doc.AddFieldMappingsAt(sourceField, source)

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = "standard"
	return m
}

// Upsert indexes doc under its id, replacing the previous document.
func (b *Bleve) Upsert(ctx context.Context, doc Document) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: index order %s: %w", doc.ID, err)
	}
	src, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("search: encode order %s: %w", doc.ID, err)
	}
	fields := map[string]any{
		"id": doc.ID, "customerId": float64(doc.CustomerID), "state": string(doc.State),
		"product": string(doc.Product), "quantity": float64(doc.Quantity), "price": doc.Price,
		"customer": doc.Customer, "level": doc.Level, "updated": doc.Updated,
		sourceField: string(src),
	}
	if err := b.idx.Index(doc.ID, fields); err != nil {
		return fmt.Errorf("search: index order %s in %s: %w", doc.ID, b.path, err)
	}
	return nil
}

// Search runs q, best match first, then newest first.
func (b *Bleve) Search(ctx context.Context, q Query) (Result, error) {
	var bq query.Query = bleve.NewMatchAllQuery()
	if q.Text != "" {
		parsed, err := query.NewQueryStringQuery(q.Text).Parse()
		if err != nil {
			return Result{}, fmt.Errorf("%w %q: %v", ErrBadQuery, q.Text, err)
		}
		bq = parsed
	}
	req := bleve.NewSearchRequestOptions(bq, q.limit(), 0, false)
	req.Fields = []string{sourceField}
	req.SortBy([]string{"-_score", "-updated", "_id"})
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: query %q in %s: %w", q.Text, b.path, err)
	}
	out := Result{Total: res.Total, Documents: make([]Document, 0, len(res.Hits))}
	for _, h := range res.Hits {
		src, _ := h.Fields[sourceField].(string)
		var d Document
		if err := json.Unmarshal([]byte(src), &d); err != nil {
			return Result{}, fmt.Errorf("search: document %s in %s: %w", h.ID, b.path, err)
		}
		out.Documents = append(out.Documents, d)
	}
	return out, nil
}

// Count returns how many documents the index holds.
func (b *Bleve) Count() (uint64, error) {
	n, err := b.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count documents in %s: %w", b.path, err)
	}
	return n, nil
}

// Close closes the index; its files stay on disk for the next OpenBleve.
func (b *Bleve) Close() error {
	if err := b.idx.Close(); err != nil {
		return fmt.Errorf("search: close %s: %w", b.path, err)
	}
	return nil
}

// RemoveBleve deletes the index at path, for a fresh start.
func RemoveBleve(path string) error { return os.RemoveAll(path) }
