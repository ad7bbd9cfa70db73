package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

// DefaultGetTimeout is how long a GET waits when it names no ?timeout=.
const DefaultGetTimeout = 10 * time.Second

// Reader is the read side of the orders service: GET /v1/orders/{id} and
// GET /v1/orders/{id}/validated, answered from the materialized store named
// Store of App. A key another instance owns is forwarded to it by the
// runtime (kafka.Application.ServeKey). Waiting is long-polling on Waiters,
// which the code that materializes the store must Notify.
type Reader struct {
	App     *kafka.Application
	Store   string
	Waiters *Waiters
}

// Register adds the GET routes to mux.
func (rd *Reader) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET "+Path+"/{id}", func(w http.ResponseWriter, r *http.Request) {
		rd.serve(w, r, func(domain.Order) bool { return true })
	})
	mux.HandleFunc("GET "+Path+"/{id}/validated", func(w http.ResponseWriter, r *http.Request) {
		rd.serve(w, r, func(o domain.Order) bool { return o.State == domain.Validated || o.State == domain.Failed })
	})
}

func (rd *Reader) serve(w http.ResponseWriter, r *http.Request, accept func(domain.Order) bool) {
	id := r.PathValue("id")
	timeout := DefaultGetTimeout
	if s := r.URL.Query().Get("timeout"); s != "" {
		d, err := parseTimeout(s)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		timeout = d
	}
	key, err := domain.OrdersTopic().KeySerde().Serialize(id)
	if err != nil {
		http.Error(w, fmt.Sprintf("order id %q: %v", id, err), http.StatusBadRequest)
		return
	}
	deadline := time.Now().Add(timeout)
	if !rd.awaitOwner(r.Context(), key, deadline) {
		return // the client is gone
	}
	var local http.HandlerFunc
	local = func(w http.ResponseWriter, r *http.Request) {
		for {
			// Wait in slices: between two, check that this instance still
			// holds the key, since a rebalance may have moved it, and a
			// waiter here would then never be notified.
			slice := time.Now().Add(ownerRecheck)
			if deadline.Before(slice) {
				slice = deadline
			}
			ctx, cancel := context.WithDeadline(r.Context(), slice)
			o, err := rd.Waiters.Wait(ctx, id, accept, func() (domain.Order, bool, error) {
				st, err := kafka.KeyValueStore[string, domain.Order](rd.App, rd.Store)
				if err != nil {
					return domain.Order{}, false, err
				}
				return st.Get(id)
			})
			cancel()
			switch {
			case err == nil:
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(o)
				return
			case r.Context().Err() != nil:
				return // the client is gone
			case errors.Is(err, context.DeadlineExceeded) && time.Now().Before(deadline):
				if md, err := rd.App.KeyMetadata(rd.Store, key); err == nil && !md.Local {
					if rd.awaitOwner(r.Context(), key, deadline) {
						rd.App.ServeKey(w, r, rd.Store, key, local)
					}
					return
				}
			case errors.Is(err, context.DeadlineExceeded):
				http.Error(w, fmt.Sprintf("order %s: not in the requested state after %v", id, timeout), http.StatusGatewayTimeout)
				return
			default:
				http.Error(w, fmt.Sprintf("order %s: %v", id, err), http.StatusServiceUnavailable)
				return
			}
		}
	}
	rd.App.ServeKey(w, r, rd.Store, key, local)
}

// ownerRecheck is how often a waiting GET checks that its key's task is
// still on this instance.
const ownerRecheck = 500 * time.Millisecond

// ownerPoll is how often a GET looks again for the instance that holds its
// key while none does (during a rebalance).
const ownerPoll = 50 * time.Millisecond

// awaitOwner waits until some instance holds key's task, or until
// deadline, as the original service waited for the key's metadata; then
// ServeKey answers or forwards. It returns false if ctx ended first.
func (rd *Reader) awaitOwner(ctx context.Context, key []byte, deadline time.Time) bool {
	for {
		md, err := rd.App.KeyMetadata(rd.Store, key)
		if err != nil || md.Local || md.Host != "" || !time.Now().Before(deadline) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(ownerPoll):
		}
	}
}

// parseTimeout reads ?timeout= as a Go duration ("2s") or as milliseconds
// ("2000", as the original service took it).
func parseTimeout(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	var ms int64
	if _, err := fmt.Sscanf(s, "%d", &ms); err != nil || ms <= 0 {
		return 0, fmt.Errorf("timeout %q: want a positive duration such as 2s or milliseconds", s)
	}
	return time.Duration(ms) * time.Millisecond, nil
}
