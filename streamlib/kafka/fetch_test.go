package kafka

import (
	"encoding/binary"
	"fmt"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib"
)

// batch makes a record batch of values at first, first+1, ...
func batch(first int64, producer int64, txn bool, values ...string) *sarama.Records {
	b := &sarama.RecordBatch{FirstOffset: first, ProducerID: producer, IsTransactional: txn, LastOffsetDelta: int32(len(values) - 1), FirstTimestamp: time.UnixMilli(1000)}
	for i, v := range values {
		b.Records = append(b.Records, &sarama.Record{OffsetDelta: int64(i), Key: []byte("k"), Value: []byte(v), TimestampDelta: time.Duration(i) * time.Millisecond})
	}
	return &sarama.Records{RecordBatch: b}
}

// marker makes a control batch: a transaction's commit or abort marker.
func marker(offset int64, producer int64, commit bool) *sarama.Records {
	key := binary.BigEndian.AppendUint16(nil, 0)
	typ := uint16(0)
	if commit {
		typ = 1
	}
	key = binary.BigEndian.AppendUint16(key, typ)
	return &sarama.Records{RecordBatch: &sarama.RecordBatch{
		FirstOffset: offset, ProducerID: producer, IsTransactional: true, Control: true,
		Records: []*sarama.Record{{Key: key, Value: []byte{0, 0, 0, 0, 0, 0}}},
	}}
}

func TestApplyBlock(t *testing.T) {
	// Offsets: 0-1 aborted by producer 1 (marker at 2), 3-4 committed by
	// producer 2 (marker at 5), 6 without a transaction, 7-8 aborted by
	// producer 1 again (marker at 9), then a batch cut off by the fetch size.
	block := &sarama.FetchResponseBlock{
		AbortedTransactions: []*sarama.AbortedTransaction{{ProducerID: 1, FirstOffset: 7}, {ProducerID: 1, FirstOffset: 0}},
		RecordsSet: []*sarama.Records{
			batch(0, 1, true, "a0", "a1"),
			marker(2, 1, false),
			batch(3, 2, true, "c3", "c4"),
			marker(5, 2, true),
			batch(6, -1, false, "n6"),
			batch(7, 1, true, "a7", "a8"),
			marker(9, 1, false),
			{RecordBatch: &sarama.RecordBatch{FirstOffset: 10, PartialTrailingRecord: true}},
		},
	}
	tests := []struct {
		name      string
		isolation sarama.IsolationLevel
		from      int64
		want      []string
		wantNext  int64
	}{
		{"read committed drops aborted transactions", sarama.ReadCommitted, 0, []string{"c3@3/1000", "c4@4/1001", "n6@6/1000"}, 10},
		{"read uncommitted sees them", sarama.ReadUncommitted, 0,
			[]string{"a0@0/1000", "a1@1/1001", "c3@3/1000", "c4@4/1001", "n6@6/1000", "a7@7/1000", "a8@8/1001"}, 10},
		{"records before the position are skipped", sarama.ReadCommitted, 4, []string{"c4@4/1001", "n6@6/1000"}, 10},
		{"a position past the data", sarama.ReadCommitted, 10, nil, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &reader{isolation: tt.isolation}
			var got []string
			next, err := r.applyBlock(tp{"t", 0}, tt.from, block, func(raw *streamlib.RawRecord) error {
				got = append(got, fmt.Sprintf("%s@%d/%d", raw.Value, raw.Offset, raw.Timestamp))
				return nil
			})
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("records (-want +got):\n%s", diff)
			}
			require.Equal(t, tt.wantNext, next, "position after the block: past markers and aborted batches, not past the cut-off batch")
		})
	}
}
