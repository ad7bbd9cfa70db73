package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/search"
)

func ExampleOpenBleve() {
	dir, _ := os.MkdirTemp("", "search-example")
	defer os.RemoveAll(dir)
	idx, err := search.OpenBleve(filepath.Join(dir, "orders.bleve"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer idx.Close()

	ctx := context.Background()
	jay := &domain.Customer{ID: 1, FirstName: "Jay", LastName: "Kreps", Level: domain.LevelPlatinum}
	order := domain.Order{ID: "7", CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 2, Price: 40}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	_ = idx.Upsert(ctx, search.NewDocument(order, jay, now))
	_ = idx.Upsert(ctx, search.NewDocument(order.WithState(domain.Validated), jay, now.Add(time.Second)))

	res, _ := idx.Search(ctx, search.Query{Text: "kreps +product:jumpers"})
	for _, d := range res.Documents {
		fmt.Println(res.Total, d.ID, d.State, d.Customer)
	}
	// Output:
	// 1 7 VALIDATED Jay Kreps
}
