package system

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/streamworkshop/workshop/domain"
)

// Kinds of Event.
const (
	// KindOrder: an order was written to the orders topic in a new state.
	KindOrder = "order"
	// KindValidation: a validator wrote its verdict on an order.
	KindValidation = "validation"
	// KindEmail: the customer of a paid order was sent an email.
	KindEmail = "email"
)

// Event is one thing that happened in the system, as the feed tells it.
type Event struct {
	// Seq numbers the feed's events from 1, in the order published.
	Seq int64 `json:"seq"`
	// Time is when it happened: the timestamp of the record that says so
	// (a service's output carries the timestamp of the input it came
	// from, so an order's states share their CREATED time).
	Time time.Time `json:"time"`
	// Seen is when the system's monitor saw it.
	Seen time.Time `json:"seen"`
	// Kind is KindOrder, KindValidation or KindEmail.
	Kind    string `json:"kind"`
	OrderID string `json:"orderId"`
	// Order is the order in its new state (KindOrder).
	Order *domain.Order `json:"order,omitempty"`
	// Customer is the order's customer, when the customers table knows
	// them (KindOrder, KindEmail).
	Customer *domain.Customer `json:"customer,omitempty"`
	// Check and Result are the verdict (KindValidation).
	Check  domain.OrderValidationType   `json:"check,omitempty"`
	Result domain.OrderValidationResult `json:"result,omitempty"`
	// To is the recipient and Where where the message went (KindEmail).
	To    string `json:"to,omitempty"`
	Where string `json:"where,omitempty"`
}

// Feed passes the system's events to whoever watches: the demo's terminal
// log, a web page. It keeps the last few for a watcher that comes late.
// Publishing never blocks: a watcher that does not keep up loses events
// (Dropped counts them). The zero value is not usable; call NewFeed.
type Feed struct {
	mu      sync.Mutex
	seq     int64
	recent  []Event // ring of the last cap(recent) events
	next    int
	subs    map[chan Event]struct{}
	dropped int64
	closed  bool
}

// DefaultHistory is how many events a feed keeps for late watchers.
const DefaultHistory = 200

// subscriberBuffer is how many events a watcher may fall behind.
const subscriberBuffer = 1024

// NewFeed returns a feed that keeps the last history events
// (DefaultHistory when history < 1).
func NewFeed(history int) *Feed {
	if history < 1 {
		history = DefaultHistory
	}
	return &Feed{recent: make([]Event, 0, history), subs: map[chan Event]struct{}{}}
}

// Publish numbers e and hands it to every watcher.
func (f *Feed) Publish(e Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	e.Seq = f.seq
	if len(f.recent) < cap(f.recent) {
		f.recent = append(f.recent, e)
	} else {
		f.recent[f.next] = e
		f.next = (f.next + 1) % cap(f.recent)
	}
	for ch := range f.subs {
		select {
		case ch <- e:
		default:
			f.dropped++
		}
	}
}

// Recent returns the events the feed keeps, oldest first.
func (f *Feed) Recent() []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.recentLocked()
}

func (f *Feed) recentLocked() []Event {
	out := make([]Event, 0, len(f.recent))
	out = append(out, f.recent[f.next:]...)
	return append(out, f.recent[:f.next]...)
}

// Subscribe returns the events kept so far and a channel of every later
// one. The channel is closed when ctx ends or the feed is closed.
func (f *Feed) Subscribe(ctx context.Context) ([]Event, <-chan Event) {
	ch := make(chan Event, subscriberBuffer)
	f.mu.Lock()
	defer f.mu.Unlock()
	recent := f.recentLocked()
	if f.closed {
		close(ch)
		return recent, ch
	}
	f.subs[ch] = struct{}{}
	context.AfterFunc(ctx, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	})
	return recent, ch
}

// Close ends every subscription (their channels close) and refuses new
// ones, so that watchers such as Handler's streams end. Publish still
// keeps events for Recent.
func (f *Feed) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for ch := range f.subs {
		delete(f.subs, ch)
		close(ch)
	}
}

// Dropped returns how many events watchers lost by falling behind.
func (f *Feed) Dropped() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}

// EventsPath is where Handler is served.
const EventsPath = "/v1/events"

// Handler serves the feed as server-sent events (text/event-stream): the
// kept events first, then each new one, as JSON, until the client goes
// away. A web page reads it with new EventSource("/v1/events").
func (f *Feed) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flusher, ok := w.(http.Flusher)
		if !ok {
			http.Error(w, "streaming not supported", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		recent, ch := f.Subscribe(r.Context())
		send := func(e Event) bool {
			b, err := json.Marshal(e)
			if err != nil {
				return false
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.Seq, e.Kind, b); err != nil {
				return false
			}
			return true
		}
		for _, e := range recent {
			if !send(e) {
				return
			}
		}
		flusher.Flush()
		for e := range ch {
			if !send(e) {
				return
			}
			flusher.Flush()
		}
	})
}
