// Command search runs the search service: it keeps one document per order
// (its latest state, with its customer) in a search index and answers
// GET /v1/search?q= from it.
//
//	go run ./solutions/cmd/search --bootstrap-servers localhost:9092 --listen :8082
//	curl 'localhost:8082/v1/search?q=state:failed'
//
// The index is bleve in --index-dir [INDEX_DIR] (default <state
// dir>/orders.bleve), or Elasticsearch when --elasticsearch-url
// [ELASTICSEARCH_URL] is set (--elasticsearch-index, -user, -password
// [ELASTICSEARCH_...]). The Kafka and service flags are those of every
// command (see solutions/cmd/fraud).
package main

import (
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/streamworkshop/workshop/solutions/platform"
	"github.com/streamworkshop/workshop/solutions/search"
	"github.com/streamworkshop/workshop/streamlib/kafka"
)

func env(name, def string) string {
	if v, ok := os.LookupEnv(platform.Env(name)); ok {
		return v
	}
	return def
}

func main() {
	var svc platform.Service
	svc.Register(flag.CommandLine, "search-service", ":8082")
	indexDir := flag.String("index-dir", env("index-dir", ""), "bleve index folder, default <state dir>/orders.bleve (env INDEX_DIR)")
	esURL := flag.String("elasticsearch-url", env("elasticsearch-url", ""), "Elasticsearch URLs, comma-separated; empty uses bleve (env ELASTICSEARCH_URL)")
	esIndex := flag.String("elasticsearch-index", env("elasticsearch-index", search.DefaultElasticsearchIndex), "Elasticsearch index (env ELASTICSEARCH_INDEX)")
	esUser := flag.String("elasticsearch-user", env("elasticsearch-user", ""), "Elasticsearch user (env ELASTICSEARCH_USER)")
	esPassword := flag.String("elasticsearch-password", env("elasticsearch-password", ""), "Elasticsearch password (env ELASTICSEARCH_PASSWORD)")
	flag.Parse()
	platform.Main("search", func(ctx context.Context) error {
		log, err := svc.Logger()
		if err != nil {
			return err
		}
		var idx search.Index
		if *esURL != "" {
			idx, err = search.OpenElasticsearch(ctx, search.ElasticsearchConfig{
				URLs: strings.Split(*esURL, ","), Index: *esIndex, Username: *esUser, Password: *esPassword,
			})
			log.Info("index in Elasticsearch", "urls", *esURL, "index", *esIndex)
		} else {
			if *indexDir == "" {
				*indexDir = filepath.Join(svc.StateDir, "orders.bleve")
			}
			idx, err = search.OpenBleve(*indexDir)
			log.Info("index in bleve", "dir", *indexDir)
		}
		if err != nil {
			return err
		}
		defer idx.Close()
		topo, err := search.Topology(idx)
		if err != nil {
			return err
		}
		cfg, err := svc.Config(search.ApplicationID, log)
		if err != nil {
			return err
		}
		app, err := kafka.New(topo, cfg)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		search.Register(mux, idx)
		return platform.RunApp(ctx, app, svc.Listen, mux, log)
	})
}
