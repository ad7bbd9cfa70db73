// Package stockstats keeps statistics per stock ticker over hopping
// windows: five seconds long, one every second. Each trade lands in five
// overlapping windows.
package stockstats

import (
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// Topics of the example.
const (
	TradesTopic = "stock-trades"
	StatsTopic  = "stock-stats"
)

// Trade is one trade of a stock, keyed by ticker.
type Trade struct {
	Ticker   string  `json:"ticker"`
	AskPrice float64 `json:"askPrice"`
	Shares   int     `json:"shares"`
}

// Stats are the statistics of one ticker in one window.
type Stats struct {
	Trades      int64   `json:"trades"`
	MinAsk      float64 `json:"minAsk"`
	SumAsk      float64 `json:"sumAsk"`
	AverageAsk  float64 `json:"averageAsk"`
	TotalShares int64   `json:"totalShares"`
}

// add folds one trade into the statistics.
func (s Stats) add(t Trade) Stats {
	if s.Trades == 0 || t.AskPrice < s.MinAsk {
		s.MinAsk = t.AskPrice
	}
	s.Trades++
	s.SumAsk += t.AskPrice
	s.AverageAsk = s.SumAsk / float64(s.Trades)
	s.TotalShares += int64(t.Shares)
	return s
}

// Windows are five seconds long and start every second; a trade up to one
// second late is still counted.
var Windows = window.Hopping(5*time.Second, time.Second, time.Second)

// Build adds the topology to b.
func Build(b *streamlib.Builder) {
	trades := streamlib.Stream(b, TradesTopic, serde.String(), serde.JSON[Trade]())
	windowed := streamlib.WindowedBy(streamlib.GroupByKey(trades), Windows)
	stats := streamlib.WindowedAggregate(windowed, func() Stats { return Stats{} },
		func(_ string, t Trade, s Stats) Stats { return s.add(t) },
		streamlib.Materialized("stock-stats"))
	stats.ToStream().To(StatsTopic)
}

// Topology returns the built topology.
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}
