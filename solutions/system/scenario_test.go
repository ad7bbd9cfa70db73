package system_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/generator"
	"github.com/streamworkshop/workshop/solutions/internal/snapshot"
	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/solutions/system"
)

// waitFor bounds every wait of the end-to-end tests for the system to
// catch up.
const waitFor = 60 * time.Second

// env is what a scenario runs on: brokers whose order-system topics are
// empty, and a prefix for application IDs nobody used before.
type env struct {
	brokers []string
	prefix  string
}

// seed writes the tutorial's customers and the given stock.
func seed(t *testing.T, ctx context.Context, e env, stock generator.Stock) *generator.Producer {
	t.Helper()
	p, err := generator.NewProducer(e.brokers, nil)
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	cs, err := generator.Customers()
	require.NoError(t, err)
	require.NoError(t, generator.SeedCustomers(ctx, p, cs))
	require.NoError(t, generator.SeedInventory(ctx, p, stock))
	return p
}

func start(t *testing.T, ctx context.Context, e env, cfg system.Config) *system.System {
	t.Helper()
	cfg.Kafka = platform.Kafka{BootstrapServers: strings.Join(e.brokers, ",")}
	cfg.AppIDPrefix = e.prefix
	// SYSTEM_TEST_LOG=info (or debug, warn, error) shows the services' logs.
	if level := os.Getenv("SYSTEM_TEST_LOG"); level != "" {
		var l slog.Level
		require.NoError(t, l.UnmarshalText([]byte(level)), "SYSTEM_TEST_LOG")
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	s, err := system.Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// client talks to one orders instance.
type client struct {
	t    *testing.T
	base string
}

func (c client) do(method, path, body string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, string(b)
}

// post posts an order and requires 201 with its Location.
func (c client) post(o domain.Order) {
	c.t.Helper()
	body, err := json.Marshal(o)
	require.NoError(c.t, err)
	req, err := http.NewRequest(http.MethodPost, c.base+"/v1/orders/", strings.NewReader(string(body))) // the trailing slash, as the original's client
	require.NoError(c.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(c.t, http.StatusCreated, resp.StatusCode, string(b))
	require.Equal(c.t, "/v1/orders/"+o.ID, resp.Header.Get("Location"))
}

// validated long-polls the order's final state.
func (c client) validated(id string) domain.Order {
	c.t.Helper()
	status, body := c.do(http.MethodGet, "/v1/orders/"+id+"/validated?timeout="+waitFor.String(), "")
	require.Equal(c.t, http.StatusOK, status, body)
	var o domain.Order
	require.NoError(c.t, json.Unmarshal([]byte(body), &o))
	return o
}

func pay(t *testing.T, ctx context.Context, p *generator.Producer, o domain.Order) {
	t.Helper()
	pm := domain.Payment{ID: "Payment:" + o.ID, OrderID: o.ID, Ccy: "CZK", Amount: o.Value()}
	require.NoError(t, generator.Produce(ctx, p, domain.PaymentsTopic(), pm.ID, pm))
}

// eventually polls cond until it holds or waitFor passes.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v; last: %s", what, waitFor, last)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition, not waiting for a result
	}
}

// runEndToEnd is the original tutorial's end-to-end test, and more: the
// whole system on e, orders through the REST API, read back in their
// final states; the outbox, the search index and the orders topic checked
// against what was posted.
func runEndToEnd(t *testing.T, e env, cfg system.Config) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := seed(t, ctx, e, generator.Stock{domain.Underpants: 75, domain.Jumpers: 10})
	s := start(t, ctx, e, cfg)
	c := client{t, s.OrdersURL(0)}

	var accepted []domain.Order // every order the service took, in its final state
	var emailed []string        // the ids of paid orders of known customers
	order := func(id string, customer int64, product domain.Product, quantity int32) domain.Order {
		return domain.Order{ID: id, CustomerID: customer, State: domain.Created, Product: product, Quantity: quantity, Price: 1}
	}
	placeAndCheck := func(t *testing.T, o domain.Order, want domain.OrderState) {
		t.Helper()
		c.post(o)
		pay(t, ctx, p, o)
		got := c.validated(o.ID)
		require.Equal(t, o.WithState(want), got, "order %s", o.ID)
		accepted = append(accepted, got)
		if o.CustomerID >= 1 && o.CustomerID <= 9 {
			emailed = append(emailed, o.ID)
		}
	}

	t.Run("an order is validated", func(t *testing.T) {
		placeAndCheck(t, order("one", 2, domain.Underpants, 1), domain.Validated)
	})
	t.Run("ten valid orders use the ten jumpers", func(t *testing.T) {
		for i := range 10 {
			placeAndCheck(t, order(fmt.Sprintf("valid-%d", i), int64(1+i%9), domain.Jumpers, 1), domain.Validated)
		}
	})
	t.Run("ten more jumpers fail: none left", func(t *testing.T) {
		for i := range 10 {
			placeAndCheck(t, order(fmt.Sprintf("invalid-%d", i), int64(1+i%9), domain.Jumpers, 1), domain.Failed)
		}
	})
	t.Run("an unknown customer's order is validated, not emailed", func(t *testing.T) {
		placeAndCheck(t, order("stranger", 42, domain.Underpants, 1), domain.Validated)
	})
	t.Run("bad input", func(t *testing.T) {
		tests := []struct {
			name   string
			body   string
			status int
			reason string
		}{
			{"malformed JSON", `{"customerId": 1, "product": "JUMPERS",`, http.StatusBadRequest, "malformed JSON"},
			{"wrong types", `{"customerId": "one", "product": "JUMPERS", "quantity": 1, "price": 1}`, http.StatusBadRequest, `field \"customerId\"`},
			{"unknown product", `{"customerId": 1, "product": "SOCKS", "quantity": 1, "price": 1}`, http.StatusBadRequest, `unknown product \"SOCKS\"`},
			{"missing fields", `{"customerId": 1}`, http.StatusBadRequest, "missing field(s): product, quantity, price"},
			{"a later state", `{"customerId": 1, "state": "VALIDATED", "product": "JUMPERS", "quantity": 1, "price": 1}`, http.StatusBadRequest, "decided by validation"},
			{"huge body", `{"customerId": 1, "product": "` + strings.Repeat("J", 100<<10) + `"}`, http.StatusRequestEntityTooLarge, "larger than"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				status, body := c.do(http.MethodPost, "/v1/orders", tt.body)
				require.Equal(t, tt.status, status, body)
				require.Contains(t, body, `"error":`)
				require.Contains(t, body, tt.reason)
			})
		}
		t.Run("negative quantity: accepted, then failed by validation", func(t *testing.T) {
			placeAndCheck(t, order("negative", 3, domain.Underpants, -1), domain.Failed)
		})
	})

	t.Run("the outbox has one email per paid order of a known customer", func(t *testing.T) {
		eventually(t, "emails in the outbox", func() (bool, string) {
			entries, err := os.ReadDir(s.OutboxDir())
			require.NoError(t, err)
			return len(entries) == len(emailed), fmt.Sprintf("%d of %d files", len(entries), len(emailed))
		})
		for _, id := range emailed {
			b, err := os.ReadFile(filepath.Join(s.OutboxDir(), "order-"+id+".eml"))
			require.NoError(t, err, "order %s", id)
			require.Contains(t, string(b), "@example.com")
		}
		_, err := os.Stat(filepath.Join(s.OutboxDir(), "order-stranger.eml"))
		require.ErrorIs(t, err, os.ErrNotExist, "no email for an unknown customer")
	})

	t.Run("the search index holds each order's final state", func(t *testing.T) {
		count := func(q string) uint64 {
			res, err := s.Index().Search(ctx, search.Query{Text: q, Limit: 1})
			require.NoError(t, err)
			return res.Total
		}
		validated, failed := 0, 0
		for _, o := range accepted {
			if o.State == domain.Validated {
				validated++
			} else {
				failed++
			}
		}
		eventually(t, "the index", func() (bool, string) {
			v, f, all := count("state:validated"), count("state:failed"), count("")
			return v == uint64(validated) && f == uint64(failed) && all == uint64(len(accepted)),
				fmt.Sprintf("%d validated, %d failed, %d in all", v, f, all)
		})
		status, body := c.do(http.MethodGet, "/v1/search?q=id:stranger", "")
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `"state":"VALIDATED"`)
		require.NotContains(t, body, `"customer":`, "an unknown customer has no name")
		status, body = c.do(http.MethodGet, "/v1/search?q=id:valid-0", "")
		require.Equal(t, http.StatusOK, status)
		require.Contains(t, body, `"customer":"Jay Kreps"`)
	})

	t.Run("the feed told it all", func(t *testing.T) {
		eventually(t, "the events of order one", func() (bool, string) {
			kinds := map[string]int{}
			for _, ev := range s.Feed().Recent() {
				if ev.OrderID == "one" {
					kinds[ev.Kind]++
				}
			}
			return kinds[system.KindOrder] == 2 && kinds[system.KindValidation] == 3 && kinds[system.KindEmail] == 1, fmt.Sprint(kinds)
		})
	})

	t.Run("the orders topic holds each accepted order twice, nothing else", func(t *testing.T) {
		recs, err := snapshot.Read(ctx, e.brokers, domain.OrdersTopic(), nil)
		require.NoError(t, err)
		byID := map[string][]domain.OrderState{}
		for _, r := range recs {
			require.Equal(t, r.Key, r.Value.ID)
			byID[r.Key] = append(byID[r.Key], r.Value.State)
		}
		want := map[string][]domain.OrderState{}
		for _, o := range accepted {
			want[o.ID] = []domain.OrderState{domain.Created, o.State}
		}
		require.Equal(t, want, byID)
	})
}

// runForwarding runs two orders instances and asks the one that does not
// hold an order for it.
func runForwarding(t *testing.T, e env) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := seed(t, ctx, e, generator.Stock{domain.Underpants: 75, domain.Jumpers: 10})
	s := start(t, ctx, e, system.Config{OrdersAddrs: []string{"127.0.0.1:0", "127.0.0.1:0"}})

	// An id the second instance holds, once the two share the work.
	var id string
	eventually(t, "both orders instances hold partitions", func() (bool, string) {
		owners := map[int]bool{}
		for i := range 30 {
			cand := fmt.Sprintf("fwd-%d", i)
			n, err := s.Owner(cand)
			if err != nil {
				return false, err.Error()
			}
			owners[n] = true
			if n == 1 && id == "" {
				id = cand
			}
		}
		return owners[0] && owners[1], fmt.Sprintf("owners %v", owners)
	})

	first, second := client{t, s.OrdersURL(0)}, client{t, s.OrdersURL(1)}
	o := domain.Order{ID: id, CustomerID: 4, State: domain.Created, Product: domain.Underpants, Quantity: 2, Price: 3}
	first.post(o)
	pay(t, ctx, p, o)
	require.Equal(t, o.WithState(domain.Validated), first.validated(id), "answered by the second instance, through the first")
	require.Equal(t, o.WithState(domain.Validated), second.validated(id), "answered by the second instance itself")
	status, body := first.do(http.MethodGet, "/v1/orders/"+id, "")
	require.Equal(t, http.StatusOK, status, body)
	status, body = first.do(http.MethodGet, "/v1/orders/never-posted?timeout=300ms", "")
	require.Equal(t, http.StatusGatewayTimeout, status, body)
}
