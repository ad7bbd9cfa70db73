package workload

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/streamworkshop/workshop/bench/internal/harness"
	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/fraud"
	"github.com/streamworkshop/workshop/solutions/inventory"
	"github.com/streamworkshop/workshop/solutions/orderdetails"
	"github.com/streamworkshop/workshop/solutions/validations"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// waitForStock waits until the inventory application's table holds the
// stock of every product.
func waitForStock(ctx context.Context, app *kafka.Application) error {
	deadline := time.Now().Add(time.Minute)
	for {
		stock, err := kafka.KeyValueStore[domain.Product, int32](app, inventory.WarehouseStockStore)
		found := 0
		if err == nil {
			for _, p := range domain.Products() {
				if _, ok, err := stock.Get(p); err == nil && ok {
					found++
				}
			}
		}
		if found == len(domain.Products()) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("inventory: %d of %d stock rows loaded after a minute (last error: %v)", found, len(domain.Products()), err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-app.Done():
			return fmt.Errorf("inventory stopped: %w", app.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// orderDetailsAppID names the bench's streamlib form of the order-details
// check.
const orderDetailsAppID = "OrderDetailsTopology"

// buildOrderDetails is the order-details check as a topology: every new
// order gets orderdetails.Validate's verdict. The workshop's service
// (solutions/orderdetails) is a plain consumer and producer that sends
// one validation at a time and waits for it, to teach the client API; as
// a topology the same rule runs at the pipeline's pace, so the pipeline
// measures streamlib rather than that service's synchronous sends.
func buildOrderDetails(b *streamlib.Builder) {
	ordersTopic, validationsTopic := domain.OrdersTopic(), domain.OrderValidationsTopic()
	orders := streamlib.Stream(b, ordersTopic.Name(), ordersTopic.KeySerde(), ordersTopic.ValueSerde())
	created := orders.Filter(func(_ string, o domain.Order) bool { return o.State == domain.Created })
	streamlib.MapValues(created, func(_ string, o domain.Order) domain.OrderValidation {
		return domain.OrderValidation{OrderID: o.ID, CheckType: domain.OrderDetailsCheck, ValidationResult: orderdetails.Validate(o)}
	}).WithSerdes(validationsTopic.KeySerde(), validationsTopic.ValueSerde()).To(validationsTopic.Name())
}

// pipeline is the order-validation system: the fraud, inventory and
// order-details checks and the validations aggregator, four applications
// on one broker. Every order is valid (a known product, quantity 1, a
// tiny price, so no customer nears the fraud limit, and the warehouse
// holds more than enough), so each one comes back VALIDATED.
func pipeline(o Options) *Workload {
	fixed := []string{domain.OrdersTopicName, domain.OrderValidationsTopicName, domain.WarehouseInventoryTopicName}
	return &Workload{
		Name:  NamePipeline,
		About: "order validation: fraud, inventory, order-details checks and the aggregator (4 applications), orders/s to VALIDATED",
		Fixed: fixed, Topics: fixed, Compacted: []string{domain.WarehouseInventoryTopicName},
		Input: domain.OrdersTopicName, Outputs: []string{domain.OrdersTopicName},
		Records: func(s harness.Settings) int64 { return max(s.Records/10, 1) },
		// The inventory check joins orders with the warehouse's stock; a
		// task of the runtime processes what it has fetched without waiting
		// for its other partitions, so orders that arrive before the
		// stock rows are fetched would fail. The applications start first
		// and the orders follow once the stock table is loaded.
		StartFirst: true,
		Preload: func(env *harness.Env) []harness.Record {
			var rows []harness.Record
			for _, p := range domain.Products() {
				stock := binary.BigEndian.AppendUint32(nil, math.MaxInt32)
				rows = append(rows, harness.Record{Topic: domain.WarehouseInventoryTopicName, Key: []byte(p), Value: stock, Timestamp: env.Settings.Base - 1})
			}
			return rows
		},
		Key: func(_ *harness.Env, seq int64) []byte { return []byte(domain.OrderID(seq)) },
		Value: func(env *harness.Env, seq int64) []byte {
			products := domain.Products()
			v, _ := json.Marshal(domain.Order{
				ID: domain.OrderID(seq), CustomerID: seq % env.Settings.Keys, State: domain.Created,
				Product: products[seq%int64(len(products))], Quantity: 1, Price: 0.01,
			})
			return v
		},
		Want: all,
		Decode: func(*harness.Env) harness.Decoder {
			validated := []byte(`"state":"` + string(domain.Validated) + `"`)
			return func(k, v []byte) (int64, bool) {
				if !bytes.Contains(v, validated) {
					return 0, false
				}
				n, err := strconv.ParseInt(string(k), 10, 64)
				return n, err == nil
			}
		},
		Impls: map[Lib]Starter{Streamlib: func(ctx context.Context, env *harness.Env) (func() error, error) {
			topos := map[string]*streamlib.Topology{}
			for id, build := range map[string]func(*streamlib.Builder){
				fraud.ApplicationID: fraud.Build, inventory.ApplicationID: inventory.Build,
				validations.ApplicationID: validations.Build, orderDetailsAppID: buildOrderDetails,
			} {
				b := streamlib.NewBuilder()
				build(b)
				topo, err := b.Build()
				if err != nil {
					return nil, err
				}
				topos[id] = topo
			}
			stop, apps, err := startAppsOf(ctx, env, o, topos)
			if err != nil {
				return nil, err
			}
			if err := waitForStock(ctx, apps[inventory.ApplicationID]); err != nil {
				_ = stop()
				return nil, err
			}
			return stop, nil
		}},
	}
}
