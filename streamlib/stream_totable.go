package streamlib

// ToTable reads the stream as a changelog: each record replaces the row of
// its key and a tombstone deletes it, as if the stream had been written to
// a topic and read back with Table. The rows are kept in a key-value store
// (named with Materialized, or generated), so joins can look them up. A
// stream whose key changed upstream is repartitioned first, so that each
// key's rows meet in one task.
//
// Unlike Table, the rows can be computed from the records first (a value
// mapper that reads the record's timestamp, say), which is how the SQL
// layer turns a topic into a table of typed rows.
//
// Options: Named, Materialized, Persistent, WithoutLogging, WithLogConfig,
// WithPartitions (repartition topic).
func (s KStream[K, V]) ToTable(opts ...Option) KTable[K, V] {
	o := applyOptions(opts)
	storeName := s.b.storeName(o, "KSTREAM-TOTABLE-")
	if s.rekeyed {
		s = repartitionThrough(s, storeName, options{partitions: o.partitions})
	}
	name := s.b.name(o, "KSTREAM-TOTABLE-")
	n := addProcessor(s.b, name, tableSourceSupplier[K, V](storeName), s.n)
	s.b.addStoreDef(tableStore(storeName, s.keySerde, s.valueSerde, o, false), false, n)
	return KTable[K, V]{b: s.b, n: n, keySerde: s.keySerde, valueSerde: s.valueSerde, storeName: storeName, getter: storeGetter[K, V](storeName)}
}
