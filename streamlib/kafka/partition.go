package kafka

import (
	"encoding/binary"

	"github.com/streamworkshop/workshop/streamlib"
)

// PartitionForKey returns the partition the application writes a record
// with this serialized key to, among partitions: (murmur2(key) &
// 0x7fffffff) % partitions, the rule of the Java client's default
// partitioner for keyed records. Producers outside the application that
// write its input topics should partition the same way, so that records
// meant to be joined meet in one task and KeyMetadata finds the keys of
// tables read straight from input topics: sarama.NewMurmur2Partitioner
// does, and so does any Java producer with default settings. (sarama's
// default, FNV-1a, does not.)
func PartitionForKey(key []byte, partitions int32) int32 {
	if partitions <= 0 {
		return 0
	}
	return int32(murmur2(key)&0x7fffffff) % partitions
}

// murmur2 is the 32-bit MurmurHash2 variant Kafka uses, with its seed.
func murmur2(data []byte) uint32 {
	const (
		seed uint32 = 0x9747b28c
		m    uint32 = 0x5bd1e995
		r           = 24
	)
	h := seed ^ uint32(len(data))
	for len(data) >= 4 {
		k := binary.LittleEndian.Uint32(data)
		k *= m
		k ^= k >> r
		k *= m
		h *= m
		h ^= k
		data = data[4:]
	}
	switch len(data) {
	case 3:
		h ^= uint32(data[2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[0])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}

// choosePartition picks the partition of an outgoing record: the sink's
// partitioner when it gives one, murmur2 of the key otherwise, and for a
// record without key the next partition of the caller's rotation.
func choosePartition(r *streamlib.OutgoingRecord, partitions int32, rotate *uint32) int32 {
	if r.Partitioner != nil {
		if p := r.Partitioner(r.Topic, r.Key, r.Value, partitions); p >= 0 && p < partitions {
			return p
		}
	}
	if r.Key == nil {
		*rotate++
		return int32(*rotate % uint32(partitions))
	}
	return PartitionForKey(r.Key, partitions)
}
