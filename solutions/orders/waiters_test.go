package orders_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/orders"
)

func validated(o domain.Order) bool { return o.State == domain.Validated || o.State == domain.Failed }

func TestWaitersAnswerEveryWaiterAndLeakNothing(t *testing.T) {
	var ws orders.Waiters
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const n = 5
	var wg sync.WaitGroup
	got := make([]domain.Order, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = ws.Wait(ctx, "o1", validated, nil)
		}()
	}
	require.Eventually(t, func() bool { return ws.Len() == 1 }, 5*time.Second, time.Millisecond)
	// Notify repeatedly until all waiters registered and answered.
	o := domain.Order{ID: "o1", State: domain.Created}
	ws.Notify("o1", o) // not accepted: nobody returns
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	v := o.WithState(domain.Validated)
	for {
		ws.Notify("o1", v)
		select {
		case <-done:
			for i := range n {
				require.NoError(t, errs[i])
				require.Equal(t, domain.Validated, got[i].State)
			}
			require.Equal(t, 0, ws.Len())
			return
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func TestWaitersCurrentAndTimeout(t *testing.T) {
	var ws orders.Waiters
	o, err := ws.Wait(context.Background(), "o2", validated, func() (domain.Order, bool, error) {
		return domain.Order{ID: "o2", State: domain.Failed}, true, nil
	})
	require.NoError(t, err)
	require.Equal(t, domain.Failed, o.State)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = ws.Wait(ctx, "o3", validated, nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Equal(t, 0, ws.Len())
}
