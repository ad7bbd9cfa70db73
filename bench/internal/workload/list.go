package workload

import (
	"encoding/json"
	"strings"

	"github.com/streamworkshop/workshop/bench/internal/harness"
)

// Options tune the implementations.
type Options struct {
	// Goroutines is streamlib's Config.Goroutines.
	Goroutines int
}

// Names of the workloads, in the order they run.
const (
	NameCeiling   = "ceiling"
	NameStateless = "stateless"
	NameCount     = "count"
	NameWindowed  = "windowed-count"
	NameJoin      = "join"
	NamePipeline  = "pipeline"
)

// Logical topic names.
const (
	topicIn       = "bench-in"
	topicOut      = "bench-out"
	topicProfiles = "bench-profiles"
)

// Enriched is the stateless workload's result: the event with its amount
// in cents and its category upper-cased.
type Enriched struct {
	Seq         int64  `json:"seq"`
	Key         string `json:"key"`
	AmountCents int64  `json:"amountCents"`
	Category    string `json:"category"`
	Note        string `json:"note"`
}

// keep is the stateless filter: three inputs in four pass.
func keep(e Event) bool { return e.Amount >= 25 }

// enrich is the stateless map.
func enrich(e Event) Enriched {
	return Enriched{Seq: e.Seq, Key: e.Key, AmountCents: e.Amount * 100, Category: strings.ToUpper(e.Category), Note: e.Note}
}

// Profile is a row of the join's table, one per key.
type Profile struct {
	Level  string `json:"level"`
	Region string `json:"region"`
}

// Joined is the join's result.
type Joined struct {
	Seq    int64  `json:"seq"`
	Key    string `json:"key"`
	Amount int64  `json:"amount"`
	Level  string `json:"level"`
	Region string `json:"region"`
}

func profileOf(i int64) Profile {
	levels := []string{"bronze", "silver", "gold", "platinum"}
	return Profile{Level: levels[i%4], Region: "region-" + string(rune('a'+i%26))}
}

func all(int64) bool { return true }

// All returns the workloads in the order they run.
func All(o Options) []*Workload {
	return []*Workload{
		{
			Name: NameCeiling, About: "consumer group → producer, no deserialization, no work",
			Topics: []string{topicIn, topicOut}, Input: topicIn, Outputs: []string{topicOut},
			Value: eventValue, Want: all, Decode: jsonDecoder,
			Impls: map[Lib]Starter{Ceiling: ceilingPipe},
		},
		{
			Name: NameStateless, About: "JSON in, filter (3 in 4 pass), map values, JSON out",
			Topics: []string{topicIn, topicOut}, Input: topicIn, Outputs: []string{topicOut},
			Value: eventValue, Want: func(seq int64) bool { return keep(Event{Amount: amount(seq)}) }, Decode: jsonDecoder,
			Impls: map[Lib]Starter{Streamlib: streamlibStateless(o), Goka: gokaStateless},
		},
		{
			Name: NameCount, About: "count per key: a persistent, changelogged table; every update out",
			Topics: []string{topicIn, topicOut}, Input: topicIn, Outputs: []string{topicOut},
			Value: eventValue, Want: all, Decode: countDecoder,
			Impls: map[Lib]Starter{Streamlib: streamlibCount(o), Goka: gokaCount},
		},
		{
			Name: NameWindowed, About: "tumbling 1-minute windowed count per key, persistent and changelogged; every update out",
			Topics: []string{topicIn, topicOut}, Input: topicIn, Outputs: []string{topicOut},
			Value: eventValue, Want: all, Decode: windowedDecoder,
			Impls: map[Lib]Starter{Streamlib: streamlibWindowed(o), Goka: gokaWindowed},
		},
		{
			Name: NameJoin, About: "stream-table join: each event enriched with its key's profile row",
			Topics: []string{topicIn, topicOut, topicProfiles}, Compacted: []string{topicProfiles},
			Input: topicIn, Outputs: []string{topicOut},
			Preload: func(env *harness.Env) []harness.Record {
				rows := make([]harness.Record, env.Settings.Keys)
				for i := range rows {
					v, _ := json.Marshal(profileOf(int64(i)))
					rows[i] = harness.Record{Topic: env.Topic(topicProfiles), Key: KeyOf(int64(i)), Value: v, Timestamp: env.Settings.Base - 1}
				}
				return rows
			},
			Value: eventValue, Want: all, Decode: jsonDecoder,
			Impls: map[Lib]Starter{Streamlib: streamlibJoin(o)},
		},
		pipeline(o),
	}
}
