package kafka

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
)

// queryApp is an application that was never started, with a plan and a
// task map set by hand: word count over 4 partitions, its "counts" store in
// sub-topology 1.
func queryApp(t *testing.T, self string) *Application {
	t.Helper()
	a, err := New(wordCountTopology(t), Config{ApplicationID: "app", BootstrapServers: []string{"unused:9092"}, ApplicationServer: self, StateDir: t.TempDir()})
	require.NoError(t, err)
	plan, err := planTopics(a.topo, "app", map[string]int32{"lines": 4})
	require.NoError(t, err)
	a.plan = plan
	return a
}

func TestServeKey(t *testing.T) {
	var forwarded *http.Request
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		forwarded = r
		w.Header().Set("X-Answer", "other")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "from the other instance")
	}))
	defer other.Close()
	otherAddr := strings.TrimPrefix(other.URL, "http://")

	a := queryApp(t, "self:1")
	a.cfg.QueryClient = other.Client()
	key := []byte("kafka")
	id := streamlib.TaskID{Subtopology: 1, Partition: PartitionForKey(key, 4)}
	local := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "local") })

	serve := func(store string, header http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/counts/kafka?x=1", nil)
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		a.ServeKey(w, r, store, key, local)
		return w
	}

	w := serve("nope", nil)
	require.Equal(t, http.StatusNotFound, w.Code, "unknown store")

	w = serve("counts", nil)
	require.Equal(t, http.StatusServiceUnavailable, w.Code, "nobody holds the task yet")
	require.Equal(t, "1", w.Header().Get("Retry-After"))

	a.setHosts(map[string][]string{otherAddr: {id.String()}}, 3)
	w = serve("counts", nil)
	require.Equal(t, http.StatusTeapot, w.Code, "the other instance's answer, status included")
	require.Equal(t, "from the other instance", w.Body.String())
	require.Equal(t, "other", w.Header().Get("X-Answer"))
	require.NotNil(t, forwarded)
	require.Equal(t, "/counts/kafka?x=1", forwarded.URL.RequestURI(), "path and query forwarded")
	require.Equal(t, "self:1", forwarded.Header.Get(ForwardedHeader))

	w = serve("counts", http.Header{ForwardedHeader: {"third:1"}})
	require.Equal(t, http.StatusServiceUnavailable, w.Code, "a forwarded request is never forwarded again")

	a.setHosts(map[string][]string{"self:1": {id.String()}}, 2)
	w = serve("counts", nil)
	require.Equal(t, http.StatusTeapot, w.Code, "an older generation's hosts are ignored")

	a.setHosts(map[string][]string{"self:1": {id.String()}}, 4)
	w = serve("counts", nil)
	require.Equal(t, http.StatusServiceUnavailable, w.Code, "assigned here but not running yet")

	a.tasks[id] = &task{id: id}
	w = serve("counts", nil)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "local", w.Body.String())

	md, err := a.KeyMetadata("counts", key)
	require.NoError(t, err)
	require.Equal(t, KeyMetadata{Store: "counts", Task: id, Host: "self:1", Local: true}, md)
}

func TestMetricsHandler(t *testing.T) {
	a := queryApp(t, "")
	for _, tt := range []struct {
		name, query, accept, contentType, contains string
	}{
		{"prometheus by default", "", "", "text/plain; version=0.0.4; charset=utf-8", `streamlib_state{application="app",state="CREATED"} 1`},
		{"json on request", "?format=json", "", "application/json", `"ApplicationID":"app"`},
		{"json by Accept", "", "application/json", "application/json", `"State":"CREATED"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/metrics"+tt.query, nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			w := httptest.NewRecorder()
			a.MetricsHandler().ServeHTTP(w, r)
			require.Equal(t, http.StatusOK, w.Code)
			require.Equal(t, tt.contentType, w.Header().Get("Content-Type"))
			require.Contains(t, w.Body.String(), tt.contains)
		})
	}
}
