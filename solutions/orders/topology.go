package orders

import (
	"context"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib"
)

// StoreName is the key-value store in which the read side materializes the
// orders topic: the latest state of each order, by id.
const StoreName = "orders-store"

// AddReadSide adds to b the orders service's read side: the orders topic as
// a table in StoreName, and a step after each update that hands the new
// state to ws, so waiting GETs are answered as soon as the store has it.
func AddReadSide(b *streamlib.Builder, ws *Waiters) streamlib.KTable[string, domain.Order] {
	t := domain.OrdersTopic()
	tbl := streamlib.Table(b, t.Name(), t.KeySerde(), t.ValueSerde(), streamlib.Materialized(StoreName))
	tbl.ToStream().Foreach(func(_ context.Context, id string, o domain.Order) error {
		if o.ID == "" { // a tombstone: the order was deleted, nothing to hand out
			return nil
		}
		ws.Notify(id, o)
		return nil
	})
	return tbl
}
