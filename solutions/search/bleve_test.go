package search_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/search"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func jay() *domain.Customer {
	return &domain.Customer{ID: 1, FirstName: "Jay", LastName: "Kreps", Level: domain.LevelPlatinum}
}

func ids(r search.Result) []string {
	out := []string{}
	for _, d := range r.Documents {
		out = append(out, d.ID)
	}
	return out
}

// TestBleve upserts the states of a few orders into a bleve index on disk
// and asks it the questions the orders page asks.
func TestBleve(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "orders.bleve")
	idx, err := search.OpenBleve(path)
	require.NoError(t, err)
	closed := false
	t.Cleanup(func() {
		if !closed {
			idx.Close()
		}
	})

	o1 := domain.Order{ID: "o-1", CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 1, Price: 40}
	o2 := domain.Order{ID: "o-2", CustomerID: 4, State: domain.Created, Product: domain.Underpants, Quantity: 3, Price: 10}
	o3 := domain.Order{ID: "o-3", CustomerID: 99, State: domain.Created, Product: domain.Stockings, Quantity: 1, Price: 15}
	for i, d := range []search.Document{
		search.NewDocument(o1, jay(), t0),
		search.NewDocument(o2, &domain.Customer{ID: 4, FirstName: "Trisha", LastName: "Smith", Level: domain.LevelBronze}, t0.Add(time.Second)),
		search.NewDocument(o3, nil, t0.Add(2*time.Second)),
		search.NewDocument(o1.WithState(domain.Validated), jay(), t0.Add(3*time.Second)),
		search.NewDocument(o2.WithState(domain.Failed), &domain.Customer{ID: 4, FirstName: "Trisha", LastName: "Smith", Level: domain.LevelBronze}, t0.Add(4*time.Second)),
	} {
		require.NoError(t, idx.Upsert(ctx, d), "upsert %d", i)
	}

	n, err := idx.Count()
	require.NoError(t, err)
	require.Equal(t, uint64(3), n, "one document per order, however many states it went through")

	tests := []struct {
		q    string
		want []string
	}{
		{"", []string{"o-2", "o-1", "o-3"}}, // newest first
		{"jumpers", []string{"o-1"}},
		{"state:validated", []string{"o-1"}},
		{"state:CREATED", []string{"o-3"}}, // o-1 and o-2 moved on
		{"failed", []string{"o-2"}},
		{"kreps", []string{"o-1"}},
		{"level:bronze", []string{"o-2"}},
		{"id:o-3", []string{"o-3"}},
		{"quantity:>2", []string{"o-2"}},
		{"+customerId:>=1 +customerId:<=4 -state:failed", []string{"o-1"}},
		{"socks", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res, err := idx.Search(ctx, search.Query{Text: tt.q})
			require.NoError(t, err)
			require.Equal(t, tt.want, ids(res))
			require.Equal(t, uint64(len(tt.want)), res.Total)
		})
	}

	res, err := idx.Search(ctx, search.Query{Text: "id:o-1"})
	require.NoError(t, err)
	require.Equal(t, []search.Document{search.NewDocument(o1.WithState(domain.Validated), jay(), t0.Add(3*time.Second))}, res.Documents,
		"a hit reads back as the document that was stored")

	res, err = idx.Search(ctx, search.Query{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []string{"o-2"}, ids(res))
	require.Equal(t, uint64(3), res.Total, "Total counts every match, not only those returned")

	_, err = idx.Search(ctx, search.Query{Text: `state:"failed`})
	require.ErrorIs(t, err, search.ErrBadQuery)

	// The index lives on disk: closed and opened again, it has it all.
	require.NoError(t, idx.Close())
	closed = true
	idx, err = search.OpenBleve(path)
	require.NoError(t, err)
	defer idx.Close()
	res, err = idx.Search(ctx, search.Query{Text: "validated"})
	require.NoError(t, err)
	require.Equal(t, []string{"o-1"}, ids(res))
}
