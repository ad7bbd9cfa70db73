package system_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/domain"
	"github.com/streamworkshop/workshop/solutions/system"
)

func TestFeedKeepsRecentAndDeliversNew(t *testing.T) {
	f := system.NewFeed(2)
	for _, id := range []string{"a", "b", "c"} {
		f.Publish(system.Event{Kind: system.KindOrder, OrderID: id})
	}
	recent := f.Recent()
	require.Len(t, recent, 2)
	require.Equal(t, "b", recent[0].OrderID, "oldest kept first")
	require.Equal(t, int64(3), recent[1].Seq)

	ctx, cancel := context.WithCancel(context.Background())
	got, ch := f.Subscribe(ctx)
	require.Equal(t, recent, got)
	f.Publish(system.Event{Kind: system.KindEmail, OrderID: "d"})
	e := <-ch
	require.Equal(t, "d", e.OrderID)
	require.Equal(t, int64(4), e.Seq)
	cancel()
	for range ch { // closed once ctx ends
	}
	f.Publish(system.Event{OrderID: "e"}) // no watcher: nothing blocks
	f.Close()
	_, ch = f.Subscribe(context.Background())
	_, open := <-ch
	require.False(t, open, "a closed feed takes no watchers")
}

func TestFeedHandlerStreamsEvents(t *testing.T) {
	f := system.NewFeed(0)
	f.Publish(system.Event{Kind: system.KindOrder, OrderID: "early"})
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	r := bufio.NewReader(resp.Body)
	readEvent := func() system.Event {
		var e system.Event
		for {
			line, err := r.ReadString('\n')
			require.NoError(t, err)
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				require.NoError(t, json.Unmarshal([]byte(data), &e))
				return e
			}
		}
	}
	require.Equal(t, "early", readEvent().OrderID, "kept events come first")
	f.Publish(system.Event{Kind: system.KindValidation, OrderID: "late"})
	require.Equal(t, "late", readEvent().OrderID)
	f.Close() // ends the stream, as the system does before it stops HTTP
	_, err = r.ReadString('\n')
	for err == nil {
		_, err = r.ReadString('\n')
	}
}

func TestConsole(t *testing.T) {
	f := system.NewFeed(0)
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		system.Console(context.Background(), f, &out, false)
	}()
	// Console starts with the kept events, so it misses none of these
	// whenever its goroutine subscribes.

	t0 := time.Date(2026, 5, 1, 12, 0, 1, 0, time.Local)
	o := domain.Order{ID: "g1-1", CustomerID: 1, State: domain.Created, Product: domain.Jumpers, Quantity: 2, Price: 40}
	jay := &domain.Customer{ID: 1, FirstName: "Jay", LastName: "Kreps", Level: domain.LevelPlatinum}
	v := func(check domain.OrderValidationType, r domain.OrderValidationResult) system.Event {
		return system.Event{Kind: system.KindValidation, OrderID: o.ID, Check: check, Result: r, Time: t0}
	}
	failed := o.WithState(domain.Failed)
	stranger := domain.Order{ID: "g1-2", CustomerID: 42, State: domain.Created, Product: domain.Stockings, Quantity: 1, Price: 15}
	for _, e := range []system.Event{
		{Kind: system.KindOrder, OrderID: o.ID, Order: &o, Customer: jay, Time: t0},
		v(domain.OrderDetailsCheck, domain.Pass),
		v(domain.InventoryCheck, domain.Fail),
		{Kind: system.KindOrder, OrderID: o.ID, Order: &failed, Time: t0, Seen: t0.Add(27 * time.Millisecond)},
		v(domain.FraudCheck, domain.Pass), // late: after the FAILED line
		{Kind: system.KindEmail, OrderID: o.ID, To: "jay.kreps@example.com", Where: "/tmp/outbox/order-g1-1.eml", Time: t0.Add(30 * time.Millisecond)},
		{Kind: system.KindOrder, OrderID: stranger.ID, Order: &stranger, Time: t0.Add(time.Second)},
	} {
		f.Publish(e)
	}
	f.Close()
	<-done
	want := "" +
		"12:00:01.000  g1-1      CREATED    2 × JUMPERS at 40.00     Jay Kreps (platinum)\n" +
		"12:00:01.027  g1-1      FAILED     in 27ms                  details ✓  fraud ·  inventory ✗\n" +
		"12:00:01.030  g1-1      ✉ jay.kreps@example.com             order-g1-1.eml\n" +
		"12:00:02.000  g1-2      CREATED    1 × STOCKINGS at 15.00   customer 42 (unknown)\n"
	require.Equal(t, want, out.String())
}
