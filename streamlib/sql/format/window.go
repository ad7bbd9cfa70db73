package format

import (
	"encoding/binary"
	"fmt"
)

// Windowed keys on the wire, as Kafka Streams writes them: a key of a
// time window (tumbling or hopping) is the key bytes followed by the
// window start as 8 big-endian bytes of milliseconds; a key of a session
// window is followed by the session end and then its start.

// TimeWindowedKey appends the window start to key bytes.
func TimeWindowedKey(key []byte, start int64) []byte {
	out := make([]byte, 0, len(key)+8)
	out = append(out, key...)
	return binary.BigEndian.AppendUint64(out, uint64(start))
}

// SplitTimeWindowedKey splits a time-windowed key into the key bytes and
// the window start.
func SplitTimeWindowedKey(b []byte) (key []byte, start int64, err error) {
	if len(b) < 8 {
		return nil, 0, fmt.Errorf("a time-windowed key has at least 8 bytes, got %d", len(b))
	}
	n := len(b) - 8
	return b[:n], int64(binary.BigEndian.Uint64(b[n:])), nil
}

// SessionWindowedKey appends the session end and start to key bytes.
func SessionWindowedKey(key []byte, start, end int64) []byte {
	out := make([]byte, 0, len(key)+16)
	out = append(out, key...)
	out = binary.BigEndian.AppendUint64(out, uint64(end))
	return binary.BigEndian.AppendUint64(out, uint64(start))
}

// SplitSessionWindowedKey splits a session-windowed key into the key
// bytes, the session start and the session end.
func SplitSessionWindowedKey(b []byte) (key []byte, start, end int64, err error) {
	if len(b) < 16 {
		return nil, 0, 0, fmt.Errorf("a session-windowed key has at least 16 bytes, got %d", len(b))
	}
	n := len(b) - 16
	end = int64(binary.BigEndian.Uint64(b[n : n+8]))
	start = int64(binary.BigEndian.Uint64(b[n+8:]))
	return b[:n], start, end, nil
}
