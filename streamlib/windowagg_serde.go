package streamlib

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// TimeWindowedSerde serializes a time-windowed key as the inner key's bytes
// followed by the window start (8 bytes, big-endian), the layout of Kafka
// Streams' TimeWindowedSerializer. The end is not written: it is the start
// plus size, which the deserializer must be told.
func TimeWindowedSerde[K any](inner serde.Serde[K], size time.Duration) serde.Serde[window.Windowed[K]] {
	return timeWindowedSerde[K]{inner: inner, size: size.Milliseconds()}
}

type timeWindowedSerde[K any] struct {
	inner serde.Serde[K]
	size  int64
}

func (s timeWindowedSerde[K]) Serialize(w window.Windowed[K]) ([]byte, error) {
	kb, err := s.inner.Serialize(w.Key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(kb), len(kb)+8)
	copy(out, kb)
	return binary.BigEndian.AppendUint64(out, uint64(w.Window.Start)), nil
}

func (s timeWindowedSerde[K]) Deserialize(data []byte) (window.Windowed[K], error) {
	var w window.Windowed[K]
	if len(data) < 8 {
		return w, fmt.Errorf("time-windowed key needs at least 8 bytes, got %d: %w", len(data), serde.ErrSize)
	}
	k, err := s.inner.Deserialize(data[:len(data)-8])
	if err != nil {
		return w, err
	}
	start := int64(binary.BigEndian.Uint64(data[len(data)-8:]))
	return window.Windowed[K]{Key: k, Window: window.Window{Start: start, End: start + s.size}}, nil
}

// SessionWindowedSerde serializes a session-windowed key as the inner key's
// bytes, the session end and the session start (8 bytes each, big-endian),
// the layout of Kafka Streams' session keys.
func SessionWindowedSerde[K any](inner serde.Serde[K]) serde.Serde[window.Windowed[K]] {
	return sessionWindowedSerde[K]{inner: inner}
}

type sessionWindowedSerde[K any] struct{ inner serde.Serde[K] }

func (s sessionWindowedSerde[K]) Serialize(w window.Windowed[K]) ([]byte, error) {
	kb, err := s.inner.Serialize(w.Key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(kb), len(kb)+16)
	copy(out, kb)
	out = binary.BigEndian.AppendUint64(out, uint64(w.Window.End))
	return binary.BigEndian.AppendUint64(out, uint64(w.Window.Start)), nil
}

func (s sessionWindowedSerde[K]) Deserialize(data []byte) (window.Windowed[K], error) {
	var w window.Windowed[K]
	if len(data) < 16 {
		return w, fmt.Errorf("session-windowed key needs at least 16 bytes, got %d: %w", len(data), serde.ErrSize)
	}
	n := len(data) - 16
	k, err := s.inner.Deserialize(data[:n])
	if err != nil {
		return w, err
	}
	end := int64(binary.BigEndian.Uint64(data[n : n+8]))
	start := int64(binary.BigEndian.Uint64(data[n+8:]))
	return window.Windowed[K]{Key: k, Window: window.Window{Start: start, End: end}}, nil
}
