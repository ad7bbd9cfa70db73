package testdriver_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
)

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, as the real one does, without failing the test.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs f with a recorder and returns what it failed with.
func fatalOf(t *testing.T, f func(tb testing.TB)) string {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	<-done
	return rec.msg
}

func TestUnknownTopicsListTheTopologysTopics(t *testing.T) {
	topo := passThrough(t)
	d := testdriver.New(t, topo)

	msg := fatalOf(t, func(tb testing.TB) {
		testdriver.InputTopic(testdriver.New(tb, topo), "nope", serde.String(), serde.Int64())
	})
	require.Contains(t, msg, `does not read topic "nope"`)
	require.Contains(t, msg, "the topology reads [in] and writes [driver-counts-changelog out]")

	msg = fatalOf(t, func(tb testing.TB) {
		testdriver.OutputTopic(testdriver.New(tb, topo), "in", serde.String(), serde.Int64())
	})
	require.Contains(t, msg, `never writes topic "in"`)
	require.Contains(t, msg, "the topology reads [in] and writes [driver-counts-changelog out]")

	// A store's changelog is written (and readable); internal topics are
	// not inputs.
	require.Equal(t, "driver-counts-changelog", d.ChangelogTopic("counts"))
}

// Records keep their headers and timestamps through the topology; MapRecord
// reads and sets both.
func TestHeadersAndTimestamps(t *testing.T) {
	b := streamlib.NewBuilder()
	s := streamlib.Stream(b, "in", serde.String(), serde.Int64())
	s.To("copy")
	streamlib.MapRecord(s, func(r streamlib.Record[string, int64]) (streamlib.Record[string, int64], bool) {
		r.Headers = append(r.Headers, streamlib.Header{Key: "seen", Value: []byte("yes")})
		r.Timestamp += 1000
		return r, true
	}).To("stamped")
	topo, err := b.Build()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, "in", serde.String(), serde.Int64())
	in.PipeRecord(streamlib.Record[string, int64]{Key: "a", Value: 1, Timestamp: 5, Headers: streamlib.Headers{{Key: "trace", Value: []byte("t1")}}})

	cp := testdriver.OutputTopic(d, "copy", serde.String(), serde.Int64()).ReadRecord()
	require.Equal(t, int64(5), cp.Timestamp)
	require.Equal(t, streamlib.Headers{{Key: "trace", Value: []byte("t1")}}, cp.Headers)

	st := testdriver.OutputTopic(d, "stamped", serde.String(), serde.Int64()).ReadRecord()
	require.Equal(t, int64(1005), st.Timestamp)
	require.Equal(t, streamlib.Headers{{Key: "trace", Value: []byte("t1")}, {Key: "seen", Value: []byte("yes")}}, st.Headers)
}
