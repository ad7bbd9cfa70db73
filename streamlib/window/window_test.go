package window_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/streamworkshop/workshop/streamlib/window"
)

// Kafka Streams' TimeWindows#windowsFor: windows aligned to the epoch, the
// first start max(0, ts-size+advance) rounded down to the advance.
func TestWindowsFor(t *testing.T) {
	ms := time.Millisecond
	w := func(s, e int64) window.Window { return window.Window{Start: s, End: e} }
	cases := []struct {
		name string
		def  window.TimeWindows
		ts   int64
		want []window.Window
	}{
		{"tumbling, first window", window.Tumbling(10*ms, 0), 0, []window.Window{w(0, 10)}},
		{"tumbling, end is exclusive", window.Tumbling(10*ms, 0), 10, []window.Window{w(10, 20)}},
		{"tumbling, last ms", window.Tumbling(10*ms, 0), 19, []window.Window{w(10, 20)}},
		{"hopping, near 0", window.Hopping(5000*ms, 3000*ms, 0), 10, []window.Window{w(0, 5000)}},
		{"hopping, two windows", window.Hopping(5000*ms, 3000*ms, 0), 4000, []window.Window{w(0, 5000), w(3000, 8000)}},
		{"hopping, one window", window.Hopping(5000*ms, 3000*ms, 0), 5500, []window.Window{w(3000, 8000)}},
		{"hopping, advance divides size", window.Hopping(10*ms, 5*ms, 0), 12, []window.Window{w(5, 15), w(10, 20)}},
		{"hopping, advance of 1", window.Hopping(3*ms, ms, 0), 5, []window.Window{w(3, 6), w(4, 7), w(5, 8)}},
		{"hopping, advance 1 near 0", window.Hopping(3*ms, ms, 0), 1, []window.Window{w(0, 3), w(1, 4)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, c.def.Validate())
			got := c.def.WindowsFor(c.ts)
			require.Equal(t, c.want, got)
			for _, win := range got {
				require.True(t, win.Start <= c.ts && c.ts < win.End, "%v does not contain %d", win, c.ts)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"tumbling zero size", window.Tumbling(0, 0).Validate(), "size"},
		{"hopping advance over size", window.Hopping(time.Second, 2*time.Second, 0).Validate(), "advance"},
		{"hopping zero advance", window.Hopping(time.Second, 0, 0).Validate(), "advance"},
		{"negative grace", window.Tumbling(time.Second, -time.Millisecond).Validate(), "grace"},
		{"fractional milliseconds", window.Tumbling(1500*time.Microsecond, 0).Validate(), "whole milliseconds"},
		{"sliding zero difference", window.Sliding(0, 0).Validate(), "difference"},
		{"sliding negative grace", window.Sliding(time.Second, -1).Validate(), "grace"},
		{"sliding fractional milliseconds", window.Sliding(time.Microsecond, 0).Validate(), "whole milliseconds"},
		{"session zero gap", window.Sessions(0, 0).Validate(), "gap"},
		{"session fractional milliseconds", window.Sessions(time.Microsecond, 0).Validate(), "whole milliseconds"},
		{"session negative grace", window.Sessions(time.Second, -time.Second).Validate(), "grace"},
		{"join negative bound", window.JoinWindows{Before: -time.Second}.Validate(), "must not be negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, c.err, window.ErrInvalid)
			require.ErrorContains(t, c.err, c.want)
		})
	}
	for _, ok := range []error{
		window.Tumbling(time.Minute, 0).Validate(),
		window.Hopping(time.Minute, time.Second, time.Hour).Validate(),
		window.Sliding(time.Second, 0).Validate(),
		window.Sessions(time.Second, 0).Validate(),
		window.JoinWithin(0, 0).Validate(),
	} {
		require.NoError(t, ok)
	}
}

func TestWindowTimes(t *testing.T) {
	w := window.Window{Start: 1_700_000_000_000, End: 1_700_000_060_000}
	require.Equal(t, time.UnixMilli(w.Start).UTC(), w.StartTime())
	require.Equal(t, time.Minute, w.EndTime().Sub(w.StartTime()))
	require.Equal(t, "[1700000000000,1700000060000)", w.String())
	require.Equal(t, "k@[1700000000000,1700000060000)", window.Windowed[string]{Key: "k", Window: w}.String())
	require.Equal(t, int64(60_000), window.Tumbling(time.Minute, 0).SizeMs())
	require.Equal(t, int64(5_000), window.Tumbling(time.Minute, 5*time.Second).GraceMs())
}
