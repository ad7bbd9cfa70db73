package search

import (
	"context"
	"errors"
	"time"

	"github.com/streamworkshop/workshop/domain"
)

// Document is what the index holds for one order: its latest state, the
// customer it belongs to (when the customers table knows them), and when
// that state was written.
type Document struct {
	ID         string            `json:"id"`
	CustomerID int64             `json:"customerId"`
	State      domain.OrderState `json:"state"`
	Product    domain.Product    `json:"product"`
	Quantity   int32             `json:"quantity"`
	Price      float64           `json:"price"`
	// Customer is the customer's full name, empty when unknown.
	Customer string `json:"customer,omitempty"`
	// Level is the customer's level, empty when unknown.
	Level string `json:"level,omitempty"`
	// Updated is the timestamp of the record that carried this state.
	Updated time.Time `json:"updated"`
}

// NewDocument makes the document of an order written at updated, with its
// customer when c is not nil.
func NewDocument(o domain.Order, c *domain.Customer, updated time.Time) Document {
	d := Document{
		ID: o.ID, CustomerID: o.CustomerID, State: o.State, Product: o.Product,
		Quantity: o.Quantity, Price: o.Price, Updated: updated.UTC(),
	}
	if c != nil {
		d.Customer = c.FirstName + " " + c.LastName
		d.Level = c.LevelOrDefault()
	}
	return d
}

// Query is a search: Text in the query syntax of the package doc (empty
// means every document), and at most Limit results (DefaultLimit when 0,
// at most MaxLimit).
type Query struct {
	Text  string
	Limit int
}

// Limits of Query.Limit.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

func (q Query) limit() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	}
	return q.Limit
}

// Result is the answer to a Query.
type Result struct {
	// Total is how many documents match, of which Documents holds the
	// first Limit.
	Total     uint64     `json:"total"`
	Documents []Document `json:"orders"`
}

// ErrBadQuery reports query text the index cannot parse. Errors of Search
// wrap it, with the index's reason, when the query is at fault.
var ErrBadQuery = errors.New("search: bad query")

// Index is a search index of orders. Implementations are safe for
// concurrent use.
type Index interface {
	// Upsert stores doc under doc.ID, replacing any document stored
	// there before.
	Upsert(ctx context.Context, doc Document) error
	// Search returns the documents that match q, best first and then
	// newest first. Its error wraps ErrBadQuery when q.Text does not
	// parse.
	Search(ctx context.Context, q Query) (Result, error)
	// Close releases the index. Calls after Close fail.
	Close() error
}
