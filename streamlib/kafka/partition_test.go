package kafka

import (
	"fmt"
	"testing"

	"github.com/IBM/sarama"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
)

// TestPartitionForKeyMatchesJavaClients holds PartitionForKey to sarama's
// murmur2 partitioner, which documents compatibility with the Java
// client's default partitioner, over keys of every length class.
func TestPartitionForKeyMatchesJavaClients(t *testing.T) {
	ref := sarama.NewMurmur2Partitioner("t")
	for i := range 2000 {
		key := []byte(fmt.Sprintf("key-%d-%s", i, string(make([]byte, i%7))))
		for _, n := range []int32{1, 2, 3, 7, 12, 100} {
			want, err := ref.Partition(&sarama.ProducerMessage{Key: sarama.ByteEncoder(key)}, n)
			require.NoError(t, err)
			require.Equal(t, want, PartitionForKey(key, n), "key %q, %d partitions", key, n)
		}
	}
}

// TestMurmur2 checks hash values the Java client's own tests use.
func TestMurmur2(t *testing.T) {
	for in, want := range map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
		"abc": 479470107,
	} {
		require.Equal(t, want, int32(murmur2([]byte(in))), "murmur2(%q)", in)
	}
}

func TestChoosePartition(t *testing.T) {
	var rotate uint32
	fixed := func(string, []byte, []byte, int32) int32 { return 2 }
	declines := func(string, []byte, []byte, int32) int32 { return -1 }
	tests := []struct {
		name string
		r    streamlib.OutgoingRecord
		want int32
	}{
		{"the sink's partitioner decides", streamlib.OutgoingRecord{Key: []byte("k"), Partitioner: fixed}, 2},
		{"a declining partitioner falls back to the key", streamlib.OutgoingRecord{Key: []byte("k"), Partitioner: declines}, PartitionForKey([]byte("k"), 4)},
		{"a key picks by murmur2", streamlib.OutgoingRecord{Key: []byte("orders-17")}, PartitionForKey([]byte("orders-17"), 4)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, choosePartition(&tt.r, 4, &rotate))
		})
	}
	seen := map[int32]bool{}
	for range 4 {
		seen[choosePartition(&streamlib.OutgoingRecord{}, 4, &rotate)] = true
	}
	require.Len(t, seen, 4, "records without key rotate over the partitions")
}
