package streamlib

import (
	"errors"
	"fmt"
	"slices"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// ErrTopology is wrapped by every error Build reports about a topology that
// cannot work (a missing store, a name used twice, ...).
var ErrTopology = errors.New("streamlib: invalid topology")

// Builder assembles a topology with the DSL (Stream, Table, GlobalTable and
// the operations on them) or node by node with the Processor API. DSL calls
// do not return errors; problems are collected and reported together by
// Build, so that a chain of calls reads like the data flow it describes.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	counter        int
	nodes          []*node
	names          map[string]*node
	stores         map[string]*storeDef
	storeOrder     []string
	internalTopics map[string]*InternalTopic
	copartition    [][]string
	errs           []error
	built          bool
}

// NewBuilder returns an empty builder.
func NewBuilder() *Builder {
	return &Builder{
		names:          map[string]*node{},
		stores:         map[string]*storeDef{},
		internalTopics: map[string]*InternalTopic{},
	}
}

// errorf records a build error.
func (b *Builder) errorf(format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf(format+": %w", append(args, ErrTopology)...))
}

// nextName returns prefix followed by the builder's counter in ten digits,
// the naming scheme of Kafka Streams (KSTREAM-FILTER-0000000001).
func (b *Builder) nextName(prefix string) string {
	n := fmt.Sprintf("%s%010d", prefix, b.counter)
	b.counter++
	return n
}

// name returns the user's name when given, else the next generated one.
func (b *Builder) name(o options, prefix string) string {
	if o.name != "" {
		return o.name
	}
	return b.nextName(prefix)
}

// storeName returns the user's store name when given, else a generated
// "<prefix>STATE-STORE-NNNNNNNNNN".
func (b *Builder) storeName(o options, prefix string) string {
	if o.storeName != "" {
		return o.storeName
	}
	return b.nextName(prefix + "STATE-STORE-")
}

func (b *Builder) addNode(n *node, parents ...*node) *node {
	if _, dup := b.names[n.name]; dup {
		b.errorf("node name %q is used twice", n.name)
		n.name = b.nextName(n.name + "-DUP-")
	}
	n.id = len(b.nodes)
	b.nodes = append(b.nodes, n)
	b.names[n.name] = n
	for _, p := range parents {
		if p == nil {
			continue
		}
		p.children = append(p.children, n)
		n.parents = append(n.parents, p)
	}
	return n
}

// AddStore registers a state store and connects it to the named processors,
// which may then reach it through TaskContext.Store. A store can be added
// before its processors exist; connect it later with ConnectStore or by
// naming it in Process.
func (b *Builder) AddStore(sb store.Builder, processors ...string) {
	if sb == nil {
		b.errorf("AddStore: nil store builder")
		return
	}
	if _, dup := b.stores[sb.Name()]; dup {
		b.errorf("store %q is added twice", sb.Name())
		return
	}
	b.stores[sb.Name()] = &storeDef{builder: sb}
	b.storeOrder = append(b.storeOrder, sb.Name())
	for _, p := range processors {
		b.ConnectStore(sb.Name(), p)
	}
}

// ConnectStore gives the named processor access to the named store.
func (b *Builder) ConnectStore(storeName, processor string) {
	n, ok := b.names[processor]
	if !ok {
		b.errorf("ConnectStore: no processor named %q", processor)
		return
	}
	if !slices.Contains(n.stores, storeName) {
		n.stores = append(n.stores, storeName)
	}
}

func (b *Builder) addStoreDef(sb store.Builder, global bool, n *node) {
	b.AddStore(sb)
	if sd, ok := b.stores[sb.Name()]; ok {
		sd.global = global
	}
	if n != nil && !slices.Contains(n.stores, sb.Name()) {
		n.stores = append(n.stores, sb.Name())
	}
}

func (b *Builder) addInternalTopic(name string, kind InternalTopicKind, partitions int32) {
	if _, ok := b.internalTopics[name]; ok {
		b.errorf("internal topic %q is created twice; give the operations distinct names", name)
		return
	}
	b.internalTopics[name] = &InternalTopic{Name: name, Kind: kind, Partitions: partitions}
}

// copartitioned records that the given source topics must have the same
// number of partitions (both sides of a join).
func (b *Builder) copartitioned(topics ...string) {
	b.copartition = append(b.copartition, topics)
}

// Build checks the topology and returns it. It reports every problem found
// by the DSL calls, joined. A builder can be built once.
func (b *Builder) Build() (*Topology, error) {
	if b.built {
		return nil, fmt.Errorf("Build called twice: %w", ErrTopology)
	}
	b.built = true
	for _, name := range b.storeOrder {
		used := false
		for _, n := range b.nodes {
			if slices.Contains(n.stores, name) {
				used = true
			}
		}
		if !used {
			b.errorf("store %q is not connected to any processor", name)
		}
	}
	for _, n := range b.nodes {
		for _, s := range n.stores {
			if _, ok := b.stores[s]; !ok {
				b.errorf("processor %q uses store %q, which was never added", n.name, s)
			}
		}
	}
	if len(b.nodes) == 0 {
		b.errorf("the topology has no nodes")
	}
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return newTopology(b)
}
