// Package search is the search service of the order system: it keeps a
// search index with one document per order, always the order's latest
// state, and answers GET /v1/search?q= from it.
//
// The service is a stream topology. It reads the orders topic, looks each
// order's customer up in a global table of customers (so a search for
// "Kreps" finds Jay Kreps' orders), and upserts the result into an Index
// under the order's id: a VALIDATED order replaces its CREATED self, so
// the index never holds two documents for one order. The original
// tutorial's Elasticsearch sink wrote one document per state change
// instead.
//
//	idx, err := search.OpenBleve(filepath.Join(dataDir, "orders.bleve"))
//	if err != nil {
//		return err
//	}
//	defer idx.Close()
//	topo, err := search.Topology(idx)
//	app, err := kafka.New(topo, kafka.Config{ApplicationID: search.ApplicationID, ...})
//	mux.Handle("GET /v1/search", search.Handler(idx))
//
// Two indexes implement Index: Bleve, a bleve index in a folder on disk
// (the default; nothing to install), and Elasticsearch, through the
// official client, for a cluster named by its URL (docker compose runs
// one). Both take the same query syntax:
//
//	jumpers                  any field
//	state:failed             one field (id, state, product, customer, level, customerId, quantity, price)
//	+product:jumpers -state:validated   must have, must not have
//	quantity:>2              numeric ranges
//
// Words match case-insensitively, except in id, which matches exactly.
// Results come best match first, then newest first; an empty query lists
// the newest orders.
//
// Updates of one order arrive in order (they share a partition), and an
// upsert is idempotent, so at-least-once delivery cannot leave an older
// state in the index.
package search
