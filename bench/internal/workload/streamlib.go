package workload

import (
	"context"
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/bench/internal/harness"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/kafka"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// startApps starts one streamlib application per topology, named by
// their application IDs, with streamlib's defaults except Goroutines.
func startApps(ctx context.Context, env *harness.Env, o Options, topos map[string]*streamlib.Topology) (func() error, error) {
	stop, _, err := startAppsOf(ctx, env, o, topos)
	return stop, err
}

// startAppsOf is startApps that also returns the applications by ID.
func startAppsOf(ctx context.Context, env *harness.Env, o Options, topos map[string]*streamlib.Topology) (func() error, map[string]*kafka.Application, error) {
	byID := map[string]*kafka.Application{}
	var apps []*kafka.Application
	stop := func() error {
		var first error
		for _, a := range apps {
			if err := a.Close(); err != nil && first == nil {
				first = err
			}
		}
		return first
	}
	for id, topo := range topos {
		app, err := kafka.New(topo, kafka.Config{
			ApplicationID:    env.Group(id),
			BootstrapServers: env.Brokers,
			StateDir:         env.StateDir,
			Goroutines:       o.Goroutines,
		})
		if err != nil {
			_ = stop()
			return nil, nil, err
		}
		if err := app.Start(ctx); err != nil {
			_ = stop()
			return nil, nil, fmt.Errorf("start %s: %w", id, err)
		}
		apps = append(apps, app)
		byID[id] = app
	}
	return stop, byID, nil
}

func startTopology(o Options, id string, build func(env *harness.Env, b *streamlib.Builder)) Starter {
	return func(ctx context.Context, env *harness.Env) (func() error, error) {
		b := streamlib.NewBuilder()
		build(env, b)
		topo, err := b.Build()
		if err != nil {
			return nil, err
		}
		return startApps(ctx, env, o, map[string]*streamlib.Topology{id: topo})
	}
}

func streamlibStateless(o Options) Starter {
	return startTopology(o, "streamlib-stateless", func(env *harness.Env, b *streamlib.Builder) {
		in := streamlib.Stream(b, env.Topic(topicIn), serde.String(), serde.JSON[Event]())
		out := streamlib.MapValues(in.Filter(func(_ string, e Event) bool { return keep(e) }),
			func(_ string, e Event) Enriched { return enrich(e) })
		out.WithSerdes(serde.String(), serde.JSON[Enriched]()).To(env.Topic(topicOut))
	})
}

func streamlibCount(o Options) Starter {
	return startTopology(o, "streamlib-count", func(env *harness.Env, b *streamlib.Builder) {
		in := streamlib.Stream(b, env.Topic(topicIn), serde.String(), serde.Bytes())
		counts := streamlib.Count(streamlib.GroupByKey(in), streamlib.Materialized("counts"), streamlib.Persistent())
		counts.ToStream().WithSerdes(serde.String(), serde.Int64()).To(env.Topic(topicOut))
	})
}

func streamlibWindowed(o Options) Starter {
	return startTopology(o, "streamlib-windowed", func(env *harness.Env, b *streamlib.Builder) {
		in := streamlib.Stream(b, env.Topic(topicIn), serde.String(), serde.Bytes())
		counts := streamlib.WindowedCount(streamlib.WindowedBy(streamlib.GroupByKey(in), window.Tumbling(windowSize*time.Millisecond, 0)),
			streamlib.Materialized("windowed-counts"), streamlib.Persistent())
		counts.ToStream().
			WithSerdes(streamlib.TimeWindowedSerde(serde.String(), windowSize*time.Millisecond), serde.Int64()).
			To(env.Topic(topicOut))
	})
}

func streamlibJoin(o Options) Starter {
	return startTopology(o, "streamlib-join", func(env *harness.Env, b *streamlib.Builder) {
		in := streamlib.Stream(b, env.Topic(topicIn), serde.String(), serde.JSON[Event]())
		// A global table: read to its end before any record is processed.
		// (A co-partitioned Table joined with JoinTable loses the records
		// processed before its task has fetched the table's rows; see
		// BENCHMARKS.md.)
		profiles := streamlib.GlobalTable(b, env.Topic(topicProfiles), serde.String(), serde.JSON[Profile](),
			streamlib.Materialized("profiles"), streamlib.Persistent())
		joined := streamlib.JoinGlobal(in, profiles, func(k string, _ Event) string { return k }, func(_ string, e Event, p Profile) Joined {
			return Joined{Seq: e.Seq, Key: e.Key, Amount: e.Amount, Level: p.Level, Region: p.Region}
		})
		joined.WithSerdes(serde.String(), serde.JSON[Joined]()).To(env.Topic(topicOut))
	})
}
