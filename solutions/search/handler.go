package search

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Path is where the search is served: GET /v1/search?q=&limit=.
const Path = "/v1/search"

// Register mounts Handler(idx) on mux at GET Path.
func Register(mux *http.ServeMux, idx Index) {
	mux.Handle("GET "+Path, Handler(idx))
}

// Handler answers GET /v1/search?q=<query>&limit=<n> from idx with JSON:
//
//	{"query": "jumpers", "total": 2, "orders": [{"id": "o-1", ...}, ...]}
//
// A query that does not parse, or a limit that is not a positive number,
// gets 400 with {"error": reason}; a failing index 503.
func Handler(idx Index) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := Query{Text: r.URL.Query().Get("q")}
		if s := r.URL.Query().Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "limit " + strconv.Quote(s) + ": want a positive number"})
				return
			}
			q.Limit = n
		}
		res, err := idx.Search(r.Context(), q)
		switch {
		case errors.Is(err, ErrBadQuery):
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": err.Error()})
		default:
			writeJSON(w, http.StatusOK, struct {
				Query string `json:"query"`
				Result
			}{q.Text, res})
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
