// Package streamlib is a small Kafka Streams for Go.
package streamlib
