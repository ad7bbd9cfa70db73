package generator

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/streamworkshop/workshop/domain"
)

// DefaultPrices are the prices RunOrders gives each product.
func DefaultPrices() map[domain.Product]float64 {
	return map[domain.Product]float64{domain.Jumpers: 40, domain.Underpants: 10, domain.Stockings: 15}
}

// OrdersConfig configures RunOrders. Zero fields take the defaults named in
// their comments.
type OrdersConfig struct {
	// URL is the orders service's base URL, such as
	// http://localhost:8080. Required.
	URL string
	// Payments writes each order's payment. Required.
	Payments *Producer
	// Rate is how many orders to post per second; 0 posts as fast as the
	// service answers (default 1).
	Rate float64
	// Count is how many orders to post; 0 posts until ctx is done.
	Count int
	// Customers are the customer ids orders are for, picked at random
	// (CustomerIDs of the seed file; the original picked 0–5, and 0 is no
	// customer).
	Customers []int64
	// Products are the products ordered, picked at random (every known
	// product).
	Products []domain.Product
	// MaxQuantity bounds the quantity of an order, picked from 1 to
	// MaxQuantity (default 1, as in the original).
	MaxQuantity int32
	// Prices is the price of each product (DefaultPrices).
	Prices map[domain.Product]float64
	// IDPrefix starts every order id; ids are IDPrefix + "-" + a counter
	// from 1 (a random "g" + 4 hexadecimal digits, so two runs do not
	// reuse ids).
	IDPrefix string
	// Wait makes RunOrders follow each order to VALIDATED or FAILED (GET
	// /v1/orders/{id}/validated) and count the outcomes in Stats.
	Wait bool
	// Rand picks customers, products and quantities (seeded at random).
	Rand *mrand.Rand
	// Client posts the orders (a client with a 30 s timeout).
	Client *http.Client
	// Progress, when set, receives a progress line: rewritten in place
	// when Live is set (a terminal), else once a second and at the end.
	Progress io.Writer
	// Live redraws the progress line in place.
	Live bool
	// OnOrder, when set, is called with each order once it and its
	// payment are written.
	OnOrder func(domain.Order)
}

// Stats counts what RunOrders did.
type Stats struct {
	// Posted orders, each acknowledged with 201.
	Posted int
	// Rejected orders: the service answered 4xx (and RunOrders went on
	// with the next order).
	Rejected int
	// Retries of an order after a network error or a 5xx answer.
	Retries int
	// Validated and Failed count outcomes when OrdersConfig.Wait is set.
	Validated, Failed int
	// Elapsed is the time since the first order.
	Elapsed time.Duration
}

// String is the progress line.
func (s Stats) String() string {
	rate := 0.0
	if s.Elapsed > 0 {
		rate = float64(s.Posted) / s.Elapsed.Seconds()
	}
	line := fmt.Sprintf("%d posted and paid, %.1f/s", s.Posted, rate)
	if s.Validated+s.Failed > 0 {
		line += fmt.Sprintf(", %d validated, %d failed", s.Validated, s.Failed)
	}
	if s.Rejected > 0 {
		line += fmt.Sprintf(", %d rejected", s.Rejected)
	}
	if s.Retries > 0 {
		line += fmt.Sprintf(", %d retries", s.Retries)
	}
	return line
}

func (c OrdersConfig) withDefaults() (OrdersConfig, error) {
	if c.URL == "" {
		return c, errors.New("generator: OrdersConfig.URL is empty")
	}
	if c.Payments == nil {
		return c, errors.New("generator: OrdersConfig.Payments is nil")
	}
	if c.Rate < 0 || c.Count < 0 || c.MaxQuantity < 0 {
		return c, fmt.Errorf("generator: negative rate %v, count %d or quantity %d", c.Rate, c.Count, c.MaxQuantity)
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.Customers == nil {
		c.Customers = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	if len(c.Products) == 0 {
		c.Products = domain.Products()
	}
	if c.MaxQuantity == 0 {
		c.MaxQuantity = 1
	}
	if c.Prices == nil {
		c.Prices = DefaultPrices()
	}
	if c.IDPrefix == "" {
		var b [2]byte
		_, _ = rand.Read(b[:])
		c.IDPrefix = "g" + hex.EncodeToString(b[:])
	}
	if c.Rand == nil {
		c.Rand = mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64()))
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 30 * time.Second}
	}
	return c, nil
}

// retryPause is the pause before posting an order again.
const retryPause = time.Second

// RunOrders posts orders to the orders service, Rate a second, and writes
// a payment for each one it accepted, until Count orders are posted or ctx
// is done. An order the service could not take (a network error, a 5xx) is
// posted again with the same id after a pause. It returns what it did;
// the error is nil when it stopped because ctx ended or Count was reached,
// and reports a payment that could not be written otherwise.
func RunOrders(ctx context.Context, cfg OrdersConfig) (Stats, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	g := &orderGen{cfg: cfg, start: time.Now()}
	var wg sync.WaitGroup
	defer func() {
		wg.Wait()
		g.progress(true)
	}()

	var tick <-chan time.Time
	if cfg.Rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / cfg.Rate))
		defer t.Stop()
		tick = t.C
	}
	lastShown := time.Time{}
	for n := 1; cfg.Count == 0 || n <= cfg.Count; n++ {
		if n > 1 && tick != nil {
			select {
			case <-ctx.Done():
				return g.stats(), nil
			case <-tick:
			}
		}
		o := g.order(n)
		ok, err := g.post(ctx, o)
		if ctx.Err() != nil {
			return g.stats(), nil
		}
		if err != nil {
			return g.stats(), err
		}
		if !ok {
			continue
		}
		p := domain.Payment{ID: "Payment:" + o.ID, OrderID: o.ID, Ccy: "CZK", Amount: o.Value()}
		if err := Produce(ctx, cfg.Payments, domain.PaymentsTopic(), p.ID, p); err != nil {
			if ctx.Err() != nil {
				return g.stats(), nil
			}
			return g.stats(), fmt.Errorf("generator: payment of order %s: %w", o.ID, err)
		}
		g.update(func(s *Stats) { s.Posted++ })
		if cfg.OnOrder != nil {
			cfg.OnOrder(o)
		}
		if cfg.Wait {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g.follow(ctx, o.ID)
			}()
		}
		if cfg.Live || time.Since(lastShown) >= time.Second {
			g.progress(false)
			lastShown = time.Now()
		}
	}
	return g.stats(), nil
}

type orderGen struct {
	cfg   OrdersConfig
	start time.Time

	mu sync.Mutex
	s  Stats
}

func (g *orderGen) update(f func(*Stats)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f(&g.s)
}

func (g *orderGen) stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.s
	s.Elapsed = time.Since(g.start)
	return s
}

func (g *orderGen) progress(final bool) {
	if g.cfg.Progress == nil {
		return
	}
	line := "orders: " + g.stats().String()
	switch {
	case g.cfg.Live && final:
		fmt.Fprintf(g.cfg.Progress, "\r\033[K%s\n", line)
	case g.cfg.Live:
		fmt.Fprintf(g.cfg.Progress, "\r\033[K%s", line)
	default:
		fmt.Fprintln(g.cfg.Progress, line)
	}
}

// order makes the n-th order.
func (g *orderGen) order(n int) domain.Order {
	r := g.cfg.Rand
	product := g.cfg.Products[r.IntN(len(g.cfg.Products))]
	o := domain.Order{
		ID:       fmt.Sprintf("%s-%d", g.cfg.IDPrefix, n),
		State:    domain.Created,
		Product:  product,
		Quantity: 1 + r.Int32N(g.cfg.MaxQuantity),
		Price:    g.cfg.Prices[product],
	}
	if len(g.cfg.Customers) > 0 {
		o.CustomerID = g.cfg.Customers[r.IntN(len(g.cfg.Customers))]
	}
	return o
}

// post posts o until the service takes it (true) or refuses it (false).
func (g *orderGen) post(ctx context.Context, o domain.Order) (bool, error) {
	body, err := json.Marshal(o)
	if err != nil {
		return false, fmt.Errorf("generator: encode order %s: %w", o.ID, err)
	}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.cfg.URL+"/v1/orders", bytes.NewReader(body))
		if err != nil {
			return false, fmt.Errorf("generator: order %s: %w", o.ID, err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := g.cfg.Client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusCreated:
				return true, nil
			case resp.StatusCode >= 400 && resp.StatusCode < 500:
				g.update(func(s *Stats) { s.Rejected++ })
				return false, nil
			}
		}
		if ctx.Err() != nil {
			return false, nil
		}
		g.update(func(s *Stats) { s.Retries++ })
		select {
		case <-ctx.Done():
			return false, nil
		case <-time.After(retryPause):
		}
	}
}

// follow waits for order id to be VALIDATED or FAILED and counts it.
func (g *orderGen) follow(ctx context.Context, id string) {
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.cfg.URL+"/v1/orders/"+url.PathEscape(id)+"/validated?timeout=20s", nil)
		if err != nil {
			return
		}
		resp, err := g.cfg.Client.Do(req)
		var o domain.Order
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&o)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = errors.New(resp.Status)
			}
		}
		if err == nil {
			g.update(func(s *Stats) {
				if o.State == domain.Validated {
					s.Validated++
				} else {
					s.Failed++
				}
			})
			return
		}
		select { // 504, 503 or no answer: ask again
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}
