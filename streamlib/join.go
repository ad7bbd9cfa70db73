package streamlib

import (
	"slices"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// Joins combine two streams or tables by key. The family follows Kafka
// Streams:
//
//   - stream-stream (Join, LeftJoin, OuterJoin): records of both streams
//     whose timestamps are close enough (a window.JoinWindows) are paired.
//     Both sides are kept in window stores for the length of the window.
//   - stream-table (JoinTable, LeftJoinTable): each stream record looks up
//     the table's current row for its key. Only the stream triggers output.
//   - stream-global table (JoinGlobal, LeftJoinGlobal): like stream-table,
//     but the lookup key is computed from each record, and the table is
//     replicated to every instance, so nothing needs co-partitioning.
//   - table-table (TableJoin, TableLeftJoin, TableOuterJoin): the result is
//     a table that follows both inputs: every update of either side
//     updates (or deletes) the joined row.
//
// Joiners receive the key and both values. For the side that may be missing
// (the right side of a left join, both sides of an outer join) they receive
// a pointer, nil when there is no match. Joiners never see tombstones.
//
// Records of a key meet only if both sides have their records of that key in
// the same task: both inputs must be partitioned by the join key into the
// same number of partitions (co-partitioned). A stream whose key was changed
// upstream (Map, SelectKey, ...) is therefore repartitioned through an
// internal topic before it joins, and the topology records which topics must
// have equal partition counts (see Topology.CopartitionGroups); the Kafka
// runtime refuses to start when they differ.

// joinRepartition returns s repartitioned when its key changed upstream, so
// that it is partitioned by the join key. A stream repartitioned once for a
// join is read back from the same topic when it is joined again.
func joinRepartition[K, V any](s KStream[K, V], name, suffix string, o options) KStream[K, V] {
	if !s.rekeyed {
		return s
	}
	base := s.n.name
	if name != "" {
		base = name + suffix
	}
	topic := base + "-repartition"
	if _, exists := s.b.internalTopics[topic]; exists {
		if src := existingRepartition(s.b, s.n, topic); src != nil {
			return KStream[K, V]{b: s.b, n: src, keySerde: s.keySerde, valueSerde: s.valueSerde}
		}
	}
	return repartitionThrough(s, base, options{partitions: o.partitions, partitioner: o.partitioner})
}

// existingRepartition finds the source node that reads topic back when n
// already writes it.
func existingRepartition(b *Builder, n *node, topic string) *node {
	for _, c := range n.children {
		if c.kind != sinkKind || c.topic != topic {
			continue
		}
		for _, other := range b.nodes {
			if other.kind == sourceKind && slices.Equal(other.topics, []string{topic}) {
				return other
			}
		}
	}
	return nil
}

// upstreamTopics returns the source topics that feed n within its
// sub-topology: it walks up the parents to source nodes (repartition topics
// included, global topics excluded).
func upstreamTopics(n *node) []string {
	var out []string
	seen := map[*node]bool{}
	var walk func(*node)
	walk = func(n *node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if n.kind == sourceKind {
			if !n.global {
				out = append(out, n.topics...)
			}
			return
		}
		for _, p := range n.parents {
			walk(p)
		}
	}
	walk(n)
	return out
}

// requireCopartitioned records that the topics feeding the given nodes must
// have the same number of partitions.
func requireCopartitioned(b *Builder, nodes ...*node) {
	var topics []string
	for _, n := range nodes {
		topics = append(topics, upstreamTopics(n)...)
	}
	slices.Sort(topics)
	topics = slices.Compact(topics)
	if len(topics) < 2 {
		return
	}
	for _, g := range b.copartition {
		if slices.Equal(g, topics) {
			return
		}
	}
	b.copartitioned(topics...)
}

// joinStoreOptions turns the DSL's store options into store options.
func joinStoreOptions(o options) []store.Option {
	var sopts []store.Option
	if o.persistent {
		sopts = append(sopts, store.Persistent())
	}
	if o.noLogging {
		sopts = append(sopts, store.WithoutLogging())
	}
	if o.logConfig != nil {
		sopts = append(sopts, store.WithLogConfig(o.logConfig))
	}
	return sopts
}

// sameBuilder reports a build error when two inputs of a join come from
// different builders.
func sameBuilder(op string, a, b *Builder) bool {
	if a != b {
		a.errorf("%s: the two inputs come from different builders", op)
		return false
	}
	return true
}
