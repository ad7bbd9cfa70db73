package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/streamworkshop/workshop/domain"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("github.com/rcrowley/go-metrics.(*meterArbiter).tick"),
		goleak.IgnoreAnyFunction("github.com/eapache/go-resiliency/breaker.(*Breaker).timer"),
		goleak.IgnoreTopFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"),
	)
}

// syncBuffer is a bytes.Buffer the demo's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var ordersURL = regexp.MustCompile(`orders API\s+(http://\S+)/v1/orders`)

// demo runs the demo with args until stop is called, which returns run's
// error and everything it printed.
func demo(t *testing.T, args ...string) (out *syncBuffer, base string, stop func() (string, error)) {
	t.Helper()
	o, err := parseFlags(args)
	require.NoError(t, err)
	out = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, o, out) }()
	require.Eventually(t, func() bool { return ordersURL.MatchString(out.String()) }, 60*time.Second, 20*time.Millisecond, "the banner")
	base = ordersURL.FindStringSubmatch(out.String())[1]
	return out, base, func() (string, error) {
		cancel()
		err := <-done
		return out.String(), err
	}
}

// TestDemoRunsStopsAndResumes runs the demo with the generator, stops it,
// and runs it again on the same data directory: it resumes without
// seeding again, and still knows the orders of the first run.
func TestDemoRunsStopsAndResumes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out, base, stop := demo(t, "--data-dir", dir, "--listen", "127.0.0.1:0", "--generate", "--rate", "50", "--count", "5")
	require.Eventually(t, func() bool {
		return strings.Count(out.String(), "FAILED")+strings.Count(out.String(), "VALIDATED") >= 5
	},
		60*time.Second, 20*time.Millisecond, "five orders through to their verdict")
	resp, err := http.Get(base + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	printed, err := stop()
	require.NoError(t, err)
	require.Contains(t, printed, "fresh, in "+dir)
	require.Contains(t, printed, "seeded       9 customers")
	require.Contains(t, printed, "stopping:")
	id := regexp.MustCompile(`(g[0-9a-f]{4}-1)\s+CREATED`).FindStringSubmatch(printed)
	require.NotNil(t, id, "the first generated order in the log:\n%s", printed)
	entries, err := os.ReadDir(filepath.Join(dir, "outbox"))
	require.NoError(t, err)
	require.Len(t, entries, 5, "an email per generated order")

	_, base, stop = demo(t, "--data-dir", dir, "--listen", "127.0.0.1:0", "--quiet")
	resp, err = http.Get(base + "/v1/orders/" + id[1] + "/validated?timeout=30s")
	require.NoError(t, err)
	var o domain.Order
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&o))
	resp.Body.Close()
	require.Contains(t, []domain.OrderState{domain.Validated, domain.Failed}, o.State, "the order of the first run, from the restored store")
	printed, err = stop()
	require.NoError(t, err)
	require.Contains(t, printed, "resumed from "+dir)
	require.NotContains(t, printed, "seeded ")
}
