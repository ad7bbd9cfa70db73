package kafka

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/streamworkshop/workshop/streamlib/serde"
)

// ForwardedHeader marks a request ServeKey forwarded to another instance,
// with the forwarding instance's application server as its value. An
// instance that receives a forwarded request for a key it does not hold
// answers 503 instead of forwarding again, so requests never loop while
// instances disagree about the assignment during a rebalance.
const ForwardedHeader = "X-Streamlib-Forwarded-By"

// ServeKey answers r, a request about key (serialized with the store's key
// serde) of the named store, on the instance that holds the key: here,
// by calling local, when this instance runs the key's task; otherwise by
// forwarding r (method, path, query, headers and body) to the application
// server of the instance that does, and copying its answer back. Every
// instance must serve the same routes at its Config.ApplicationServer.
//
// It answers 503 Service Unavailable, with Retry-After, when no instance
// holds the key's task at the moment (a rebalance is under way), and 502
// Bad Gateway when the owner cannot be reached.
//
// A handler of GET /orders/{id} that answers from a local store:
//
//	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
//		id := r.PathValue("id")
//		app.ServeKey(w, r, "orders", []byte(id), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//			orders, _ := kafka.KeyValueStore[string, Order](app, "orders")
//			order, ok, err := orders.Get(id)
//			// ... write 200, 404 or 500
//		}))
//	})
func (a *Application) ServeKey(w http.ResponseWriter, r *http.Request, storeName string, key []byte, local http.Handler) {
	md, err := a.KeyMetadata(storeName, key)
	switch {
	case errors.Is(err, ErrUnknownStore):
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	case err != nil:
		unavailable(w, err.Error())
		return
	case md.Local:
		local.ServeHTTP(w, r)
		return
	case md.Host == "":
		unavailable(w, fmt.Sprintf("no instance runs task %s of store %s at the moment", md.Task, storeName))
		return
	case md.Host == a.cfg.ApplicationServer:
		unavailable(w, fmt.Sprintf("task %s of store %s is being set up on this instance", md.Task, storeName))
		return
	case r.Header.Get(ForwardedHeader) != "":
		unavailable(w, fmt.Sprintf("forwarded by %s for task %s, which %s runs", r.Header.Get(ForwardedHeader), md.Task, md.Host))
		return
	}
	a.forward(w, r, md.Host)
}

func unavailable(w http.ResponseWriter, msg string) {
	w.Header().Set("Retry-After", "1")
	http.Error(w, msg, http.StatusServiceUnavailable)
}

// forward sends r to host and copies the answer to w.
func (a *Application) forward(w http.ResponseWriter, r *http.Request, host string) {
	url := "http://" + host + r.URL.RequestURI()
	out, err := http.NewRequestWithContext(r.Context(), r.Method, url, r.Body)
	if err != nil {
		http.Error(w, fmt.Sprintf("forward to %s: %v", host, err), http.StatusInternalServerError)
		return
	}
	out.Header = r.Header.Clone()
	out.Header.Set(ForwardedHeader, a.cfg.ApplicationServer)
	out.ContentLength = r.ContentLength
	resp, err := a.cfg.QueryClient.Do(out)
	if err != nil {
		http.Error(w, fmt.Sprintf("forward to %s: %v", host, err), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

// KeyValueHandler returns a handler that answers a request for one key of
// a key-value store (or a table's store) as JSON, forwarding it through
// ServeKey when another instance holds the key. keyOf reads the key from
// the request (for example from r.PathValue); ks is the store's key
// serde. It answers 200 with the JSON value, 404 when the key has no
// value, 400 when keyOf fails.
//
//	mux.Handle("GET /counts/{word}", kafka.KeyValueHandler[string, int64](app, "counts", serde.String(),
//		func(r *http.Request) (string, error) { return r.PathValue("word"), nil }))
func KeyValueHandler[K, V any](a *Application, storeName string, ks serde.Serde[K], keyOf func(*http.Request) (K, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, err := keyOf(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		kb, err := ks.Serialize(key)
		if err != nil {
			http.Error(w, fmt.Sprintf("serialize key: %v", err), http.StatusBadRequest)
			return
		}
		a.ServeKey(w, r, storeName, kb, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			st, err := KeyValueStore[K, V](a, storeName)
			if err != nil {
				unavailable(w, err.Error())
				return
			}
			v, ok, err := st.Get(key)
			switch {
			case err != nil:
				http.Error(w, err.Error(), http.StatusInternalServerError)
			case !ok:
				http.Error(w, fmt.Sprintf("no value for key %v in store %s", key, storeName), http.StatusNotFound)
			default:
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(v)
			}
		}))
	})
}
