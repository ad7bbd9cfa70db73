package window_test

import (
	"fmt"
	"time"

	"github.com/streamworkshop/workshop/streamlib/window"
)

// A record belongs to every hopping window that contains it: here size 5 s,
// advancing by 3 s, so one or two windows, and fewer near 0.
func ExampleTimeWindows_WindowsFor() {
	w := window.Hopping(5*time.Second, 3*time.Second, 0)
	for _, ts := range []int64{10, 4000, 5500, 6000} {
		fmt.Println(ts, w.WindowsFor(ts))
	}
	// Output:
	// 10 [[0,5000)]
	// 4000 [[0,5000) [3000,8000)]
	// 5500 [[3000,8000)]
	// 6000 [[3000,8000) [6000,11000)]
}

// Definitions are checked when the topology is built; Validate says why one
// cannot work.
func ExampleTimeWindows_Validate() {
	fmt.Println(window.Hopping(time.Minute, 2*time.Minute, 0).Validate())
	fmt.Println(window.Tumbling(time.Minute, 10*time.Second).Validate())
	// Output:
	// time window advance 2m0s must be in (0, size 1m0s]: window: invalid definition
	// <nil>
}

func ExampleWindowed_String() {
	k := window.Windowed[string]{Key: "alice", Window: window.Window{Start: 60_000, End: 120_000}}
	fmt.Println(k, k.Window.StartTime().Format(time.TimeOnly))
	// Output:
	// alice@[60000,120000) 00:01:00
}
