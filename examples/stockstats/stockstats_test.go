package stockstats_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/examples/stockstats"
	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/testdriver"
	"github.com/streamworkshop/workshop/streamlib/window"
)

func TestStockStatistics(t *testing.T) {
	topo, err := stockstats.Topology()
	require.NoError(t, err)
	d := testdriver.New(t, topo)
	in := testdriver.InputTopic(d, stockstats.TradesTopic, serde.String(), serde.JSON[stockstats.Trade]())
	out := testdriver.OutputTopic(d, stockstats.StatsTopic, streamlib.TimeWindowedSerde(serde.String(), 5*time.Second), serde.JSON[stockstats.Stats]())

	in.PipeAt("ACME", stockstats.Trade{Ticker: "ACME", AskPrice: 10, Shares: 100}, 6_000)
	in.PipeAt("ACME", stockstats.Trade{Ticker: "ACME", AskPrice: 8, Shares: 50}, 7_500)
	in.PipeAt("ZEN", stockstats.Trade{Ticker: "ZEN", AskPrice: 99, Shares: 1}, 7_600)

	final := map[window.Windowed[string]]stockstats.Stats{}
	for _, r := range out.ReadRecords() {
		final[r.Key] = r.Value
	}
	// 6000 lands in the five windows starting at 2000..6000; 7500 in
	// 3000..7000: four windows hold both trades.
	both := stockstats.Stats{Trades: 2, MinAsk: 8, SumAsk: 18, AverageAsk: 9, TotalShares: 150}
	for _, start := range []int64{3000, 4000, 5000, 6000} {
		require.Equal(t, both, final[window.Windowed[string]{Key: "ACME", Window: window.Window{Start: start, End: start + 5000}}], "window %d", start)
	}
	require.Equal(t, int64(1), final[window.Windowed[string]{Key: "ACME", Window: window.Window{Start: 2000, End: 7000}}].Trades)
	require.Equal(t, int64(1), final[window.Windowed[string]{Key: "ACME", Window: window.Window{Start: 7000, End: 12000}}].Trades)
	require.Len(t, final, 6+5, "ACME has six windows, ZEN five")

	// A trade later than the grace period is dropped and counted.
	in.PipeAt("ACME", stockstats.Trade{Ticker: "ACME", AskPrice: 1, Shares: 1}, 20_000)
	in.PipeAt("ACME", stockstats.Trade{Ticker: "ACME", AskPrice: 1, Shares: 1}, 2_500)
	// 2500 belongs to the windows starting at 0, 1000 and 2000 (no window
	// starts before 0), all closed by stream time 20000.
	require.Equal(t, int64(3), d.Metrics().Dropped["late"])
}
