// Command generate puts data into the order system, as the shop's other
// systems would:
//
//	go run ./solutions/cmd/generate customers                  # the nine customers, to customers
//	go run ./solutions/cmd/generate inventory --stockings 5    # 20 UNDERPANTS, 10 JUMPERS, 5 STOCKINGS
//	go run ./solutions/cmd/generate orders --rate 2 --count 100 --wait
//
// customers writes the seed file's customers (or --file's) keyed by id;
// inventory writes the warehouse stock (--underpants 20, --jumpers 10,
// --stockings 0: the original's numbers); orders posts orders to the
// orders service (--orders-url [ORDERS_URL], default
// http://localhost:8080) at --rate a second, --count of them (0: until
// Ctrl-C), each followed by its payment, and shows its progress; --wait
// also follows each to VALIDATED or FAILED. Every subcommand takes the
// Kafka flags of every command (see solutions/cmd/fraud).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/generator"
	"github.com/streamworkshop/workshop/solutions/platform"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(platform.Env(name)); ok {
		return v
	}
	return def
}

const usage = `usage: generate customers|inventory|orders [flags]
run "generate <subcommand> -h" for its flags`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	sub, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet("generate "+sub, flag.ExitOnError)
	var kc platform.Kafka
	kc.Register(fs)
	var run func(ctx context.Context, p *generator.Producer) error
	switch sub {
	case "customers":
		file := fs.String("file", "", "seed file of customers (JSON array); empty: the built-in nine")
		run = func(ctx context.Context, p *generator.Producer) error {
			cs, err := generator.Customers()
			if *file != "" {
				var data []byte
				if data, err = os.ReadFile(*file); err == nil {
					cs, err = generator.ReadCustomers(data)
				}
			}
			if err != nil {
				return err
			}
			if err := generator.SeedCustomers(ctx, p, cs); err != nil {
				return err
			}
			fmt.Printf("wrote %d customers to %s\n", len(cs), domain.CustomersTopicName)
			return nil
		}
	case "inventory":
		def := generator.DefaultStock()
		underpants := fs.Int("underpants", int(def[domain.Underpants]), "UNDERPANTS in stock")
		jumpers := fs.Int("jumpers", int(def[domain.Jumpers]), "JUMPERS in stock")
		stockings := fs.Int("stockings", 0, "STOCKINGS in stock (0: none written, as in the original)")
		run = func(ctx context.Context, p *generator.Producer) error {
			stock := generator.Stock{domain.Underpants: int32(*underpants), domain.Jumpers: int32(*jumpers)}
			if *stockings > 0 {
				stock[domain.Stockings] = int32(*stockings)
			}
			if err := generator.SeedInventory(ctx, p, stock); err != nil {
				return err
			}
			fmt.Printf("wrote the stock %v to %s\n", stock, domain.WarehouseInventoryTopicName)
			return nil
		}
	case "orders":
		url := fs.String("orders-url", env("orders-url", "http://localhost:8080"), "base URL of the orders service (env ORDERS_URL)")
		rate := fs.Float64("rate", 1, "orders per second (0: as fast as the service answers)")
		count := fs.Int("count", 0, "orders to post (0: until Ctrl-C)")
		customers := fs.String("customers", "1-9", "customer ids to pick from: a range 1-9 or a list 0,1,2 (0 is nobody)")
		maxQuantity := fs.Int("max-quantity", 1, "largest quantity of an order")
		wait := fs.Bool("wait", false, "follow each order to VALIDATED or FAILED and count them")
		run = func(ctx context.Context, p *generator.Producer) error {
			ids, err := parseIDs(*customers)
			if err != nil {
				return err
			}
			live := false
			if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				live = true
			}
			_, err = generator.RunOrders(ctx, generator.OrdersConfig{
				URL: *url, Payments: p, Rate: *rate, Count: *count, Customers: ids,
				MaxQuantity: int32(*maxQuantity), Wait: *wait, Progress: os.Stderr, Live: live,
			})
			return err
		}
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	_ = fs.Parse(args)
	platform.Main("generate "+sub, func(ctx context.Context) error {
		if err := kc.Validate(); err != nil {
			return err
		}
		p, err := generator.NewProducer(kc.Brokers(), kc.Sarama)
		if err != nil {
			return err
		}
		return errors.Join(run(ctx, p), p.Close())
	})
}

// parseIDs reads "1-9" or "0,1,2".
func parseIDs(s string) ([]int64, error) {
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err1 := strconv.ParseInt(lo, 10, 64)
		b, err2 := strconv.ParseInt(hi, 10, 64)
		if err1 != nil || err2 != nil || a > b {
			return nil, fmt.Errorf("--customers %q: want a range such as 1-9", s)
		}
		var ids []int64
		for i := a; i <= b; i++ {
			ids = append(ids, i)
		}
		return ids, nil
	}
	var ids []int64
	for _, part := range strings.Split(s, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--customers %q: want a list such as 0,1,2", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
