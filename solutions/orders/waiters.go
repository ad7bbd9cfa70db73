package orders

import (
	"context"
	"sync"

	"github.com/streamworkshop/workshop/domain"
)

// Waiters lets GET requests wait for an order to reach a state they accept.
// The read side calls Notify with each order it materializes; every waiter
// whose condition holds gets the order, however many wait for one id, and a
// waiter that gives up (its context ends) is removed at once, so nothing
// accumulates for orders nobody asks about any more.
//
// The zero value is ready to use; a Waiters is safe for concurrent use.
type Waiters struct {
	mu   sync.Mutex
	byID map[string]map[*waiter]struct{}
}

type waiter struct {
	accept func(domain.Order) bool
	ch     chan domain.Order // buffered 1: Notify never blocks
}

// Wait registers a waiter for id, then calls current (to close the race
// between a read of the store and the registration); if current reports an
// order that accept takes, Wait returns it at once. Otherwise it waits for a
// Notify with an accepted order, or for ctx to end (then it returns
// ctx.Err()).
func (ws *Waiters) Wait(ctx context.Context, id string, accept func(domain.Order) bool, current func() (domain.Order, bool, error)) (domain.Order, error) {
	w := &waiter{accept: accept, ch: make(chan domain.Order, 1)}
	ws.mu.Lock()
	if ws.byID == nil {
		ws.byID = make(map[string]map[*waiter]struct{})
	}
	set := ws.byID[id]
	if set == nil {
		set = make(map[*waiter]struct{})
		ws.byID[id] = set
	}
	set[w] = struct{}{}
	ws.mu.Unlock()
	defer ws.remove(id, w)

	if current != nil {
		o, ok, err := current()
		if err != nil {
			return domain.Order{}, err
		}
		if ok && accept(o) {
			return o, nil
		}
	}
	select {
	case o := <-w.ch:
		return o, nil
	case <-ctx.Done():
		return domain.Order{}, ctx.Err()
	}
}

func (ws *Waiters) remove(id string, w *waiter) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	set := ws.byID[id]
	delete(set, w)
	if len(set) == 0 {
		delete(ws.byID, id)
	}
}

// Notify hands o to every waiter for id whose condition accepts it; those
// waiters stop waiting. Others keep waiting for a later state.
func (ws *Waiters) Notify(id string, o domain.Order) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for w := range ws.byID[id] {
		if w.accept(o) {
			select {
			case w.ch <- o:
			default: // already answered
			}
		}
	}
}

// Len returns how many ids have waiters (for tests and metrics).
func (ws *Waiters) Len() int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return len(ws.byID)
}
