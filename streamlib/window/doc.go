// Package window defines the windows a stream can be grouped into, and the
// windowed keys that aggregations over them produce.
//
// All times are milliseconds since the Unix epoch, the unit Kafka uses for
// record timestamps. Sizes, gaps and grace periods are time.Duration, in
// whole milliseconds.
//
// Four kinds of windows follow Kafka Streams:
//
//   - Tumbling: fixed size, no overlap. [0,5s), [5s,10s), ...
//   - Hopping: fixed size, advancing by less than the size, so windows
//     overlap and one record lands in several of them. Windows are aligned to
//     the epoch: window n is [n*advance, n*advance+size).
//   - Sliding: a window of a fixed time difference that ends at (or starts
//     just after) each record; both ends inclusive. Only windows that hold
//     records exist.
//   - Session: per-key periods of activity separated by an inactivity gap;
//     they grow and merge as records arrive. Both ends are inclusive; a lone
//     record makes the session [t, t].
//
// # Grace, closing and late records
//
// Every window definition states its grace period: how long after a window
// ends late records are still accepted. There is no default (Kafka Streams
// once defaulted to 24 hours, which made final results look stuck); zero is
// a valid and common choice. Time here is stream time, the largest record
// timestamp an aggregation has seen: a time window [start, end) closes when
// stream time reaches end + grace, a sliding window [start, end] (both ends
// inclusive) when it passes end + grace, a session when it passes end + gap
// + grace. Records for a closed window are dropped and counted as late, and
// a closed session is never extended or merged again. Since only records
// move stream time, a window of an idle stream never closes.
//
//	hourly := window.Tumbling(time.Hour, 5*time.Minute)
//	hourly.WindowsFor(90 * 60 * 1000) // [1h, 2h): closes at stream time 2h05m
//
// # Windowed keys
//
// Aggregations over windows produce tables keyed by Windowed[K]: the key and
// its window. Package streamlib serializes them as Kafka Streams does
// (streamlib.TimeWindowedSerde, streamlib.SessionWindowedSerde), so other
// Kafka Streams applications can read the results.
package window
