// Package kafka runs a streamlib topology on a Kafka cluster, through
// sarama. The topology is the one the test driver runs: nothing in it
// changes for production.
//
//	topo, err := b.Build() // a streamlib.Topology, e.g. word count
//	app, err := kafka.New(topo, kafka.Config{
//		ApplicationID:     "wordcount",
//		BootstrapServers:  []string{"localhost:9092"},
//		StateDir:          "/var/lib/wordcount",
//		Guarantee:         kafka.ExactlyOnce,
//		ApplicationServer: "10.0.0.7:8080", // where this instance answers queries
//	})
//	if err := app.Start(ctx); err != nil {
//		return err // missing topics, partition mismatches, no cluster
//	}
//	defer app.Close()
//	counts, _ := kafka.KeyValueStore[string, int64](app, "counts")
//	n, ok, err := counts.Get("kafka")
//
// Start returns once the application is checked and running in the
// background. It stops when Start's context is cancelled or Close is
// called (both shut down gracefully: commit, flush, close the stores), or
// when something fails: a processor returns an error, a record cannot be
// deserialized and the handler says fail, the brokers refuse a record.
// Then Done is closed and Err and Close return the error, with the node
// and the record's topic, partition and offset. There is no silent
// restart: restart the process, which resumes from the last commit.
// Run combines Start, waiting and Close.
//
// # Tasks and topics
//
// Repartition topics cut a topology into sub-topologies (see
// streamlib.Topology.Describe). Each sub-topology runs as one task per
// partition: task 1_3 reads partition 3 of every source topic of
// sub-topology 1, so records with the same key from co-partitioned topics
// meet in one task. Start checks that the topics joined by key have equal
// partition counts and fails with ErrPartitionMismatch naming them; it
// creates the internal topics it needs, named after the application:
//
//	<application id>-<name>-repartition   as many partitions as the topics feeding it
//	<application id>-<store>-changelog    compacted, one partition per task of the store
//
// Records of repartition topics are deleted once committed (every 30 s),
// since nothing reads them again.
//
// Records with a key go to the partition PartitionForKey picks:
// murmur2 of the serialized key, as the Java client's default partitioner
// does. Producers writing the application's input topics should use the
// same (sarama.NewMurmur2Partitioner, or any Java producer), so that keys
// meet where joins and KeyMetadata expect them; sarama's default (FNV-1a)
// spreads keys differently.
//
// # State
//
// Every logged store, in memory or on disk (Pebble), mirrors its writes to
// its changelog topic. When a task starts on an instance, its stores are
// restored from their changelogs before it processes a record: an
// in-memory store from the beginning, a persistent one from the offset its
// checkpoint records (store.Checkpointer), so a restart reads only the
// tail. Restore progress is logged and counted in Metrics. Global tables
// (streamlib.GlobalTable) are read to the end of their topic on every
// instance before any task runs, then followed for as long as the
// application runs.
//
// Changelog writes are coalesced per key until the next commit: a key
// updated many times between two commits gets one changelog record, its
// last value, which is what compaction would keep. A count over 10,000
// keys fed a million records writes 10,000 changelog records per commit
// instead of a million; restores and checkpoints are as before, since
// every commit sends the buffered writes first.
//
// # Guarantees
//
// Under AtLeastOnce (the default) input offsets are committed every
// CommitInterval, after every record produced before them was
// acknowledged. A crash loses nothing, but the records since the last
// commit are processed again: their outputs and store updates appear
// twice.
//
// Under ExactlyOnce each processing goroutine has a transactional producer
// (its transactional ID is <application id>-<instance id>-<goroutine>,
// stable across restarts); outputs, changelog records and input offsets
// are committed in one transaction per CommitInterval (100 ms by default),
// and the application reads with isolation level read_committed. After a
// crash the open transaction is aborted and its input processed again: a
// consumer reading the outputs with read_committed sees each result once.
// Consumers reading with read_uncommitted (sarama's default) see aborted
// records too. A persistent store's checkpoint is invalid while its task
// runs, so a crash makes the next start rebuild the store from its
// changelog rather than trust writes of an aborted transaction.
//
// # Running several instances
//
// Start the same program with the same ApplicationID and topology on as
// many machines (or processes) as you like. Each instance needs its own
// StateDir and, to take part in interactive queries, its own
// ApplicationServer. Together they form one consumer group; each
// processing goroutine (Config.Goroutines) is one member, so a group can
// use at most as many goroutines as there are tasks. The members share
// the tasks evenly: a task stays where it ran as long as that keeps the
// load even, and otherwise prefers an instance with its state on disk.
//
// When an instance joins or leaves, the group rebalances: every member
// commits, then the tasks are dealt again. A member keeps the stores of
// tasks it keeps; a task that moves is restored from its changelog on its
// new instance before it runs, so counts and tables continue exactly where
// the last commit left them. An instance that stops cleanly hands its tasks
// over at once; one that crashes is noticed after the group's session
// timeout.
//
// # Interactive queries
//
// KeyValueStore, WindowStore and SessionStore return read-only views of a
// store over the tasks of this instance (and of a global store). Each
// instance holds only its tasks' keys; KeyMetadata says which instance
// holds a key (every instance learns the whole group's assignment at each
// rebalance), and ServeKey answers an HTTP request about a key locally or
// forwards it to the instance that holds it:
//
//	mux.HandleFunc("GET /counts/{word}", func(w http.ResponseWriter, r *http.Request) {
//		word := r.PathValue("word")
//		app.ServeKey(w, r, "counts", []byte(word), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//			counts, _ := kafka.KeyValueStore[string, int64](app, "counts")
//			n, ok, err := counts.Get(word)
//			// ... write n, 404 or 500
//		}))
//	})
//
// KeyValueHandler is that handler, ready-made, for JSON values. Serve it
// on every instance at its ApplicationServer address.
//
// # Errors, states and metrics
//
// OnDeserializationError decides about poison pills: LogAndFail (the
// default), LogAndContinue, or DeadLetterTopic, which writes the raw
// record to a topic with headers naming the error. OnProductionError
// decides about records the brokers refuse under AtLeastOnce.
//
// State reports the lifecycle (Created, Rebalancing, Running,
// PendingShutdown, NotRunning, Error), StateListener is told of every
// change, and WaitRunning waits for Running. Metrics returns counters per
// application and task (records in and out, dropped records by reason,
// skipped poison pills, commits, rebalances, restore progress);
// MetricsHandler serves them in the Prometheus text format or as JSON.
//
// # Differences from Kafka Streams
//
// Rebalances are eager (every member pauses while the group re-forms),
// there are no standby replicas, stores have no record cache (every
// update is forwarded downstream), and the offset reset is one setting
// for all source topics.
package kafka
