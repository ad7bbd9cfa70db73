package window

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalid reports a window definition that cannot work (zero size, an
// advance larger than the size, a negative grace, ...).
var ErrInvalid = errors.New("window: invalid definition")

// Window is a time interval [Start, End) in milliseconds. For sliding and
// session windows both ends are inclusive; see the definition that made it.
type Window struct {
	Start int64
	End   int64
}

// StartTime returns Start as a time.Time in UTC.
func (w Window) StartTime() time.Time { return time.UnixMilli(w.Start).UTC() }

// EndTime returns End as a time.Time in UTC.
func (w Window) EndTime() time.Time { return time.UnixMilli(w.End).UTC() }

// String formats the window as [start,end) in milliseconds.
func (w Window) String() string { return fmt.Sprintf("[%d,%d)", w.Start, w.End) }

// Windowed is a key together with the window it was aggregated in.
type Windowed[K any] struct {
	Key    K
	Window Window
}

// String formats the windowed key as key@[start,end).
func (w Windowed[K]) String() string { return fmt.Sprintf("%v@%v", w.Key, w.Window) }

func ms(d time.Duration) int64 { return d.Milliseconds() }

// TimeWindows defines tumbling (Advance == Size) and hopping (Advance < Size)
// windows aligned to the epoch: window n covers [n*Advance, n*Advance+Size).
type TimeWindows struct {
	Size    time.Duration
	Advance time.Duration
	Grace   time.Duration
}

// Tumbling returns windows of the given size that do not overlap.
func Tumbling(size, grace time.Duration) TimeWindows {
	return TimeWindows{Size: size, Advance: size, Grace: grace}
}

// Hopping returns windows of the given size that start every advance.
func Hopping(size, advance, grace time.Duration) TimeWindows {
	return TimeWindows{Size: size, Advance: advance, Grace: grace}
}

// Validate reports whether the definition is usable.
func (t TimeWindows) Validate() error {
	switch {
	case t.Size <= 0:
		return fmt.Errorf("time window size %v must be positive: %w", t.Size, ErrInvalid)
	case t.Advance <= 0 || t.Advance > t.Size:
		return fmt.Errorf("time window advance %v must be in (0, size %v]: %w", t.Advance, t.Size, ErrInvalid)
	case t.Grace < 0:
		return fmt.Errorf("grace %v must not be negative: %w", t.Grace, ErrInvalid)
	case t.Size%time.Millisecond != 0 || t.Advance%time.Millisecond != 0:
		return fmt.Errorf("time window size and advance must be whole milliseconds: %w", ErrInvalid)
	}
	return nil
}

// SizeMs returns the size in milliseconds.
func (t TimeWindows) SizeMs() int64 { return ms(t.Size) }

// GraceMs returns the grace period in milliseconds.
func (t TimeWindows) GraceMs() int64 { return ms(t.Grace) }

// WindowsFor returns every window that contains timestamp ts, earliest first.
// Timestamps are assumed to be non-negative, as in Kafka.
func (t TimeWindows) WindowsFor(ts int64) []Window {
	size, adv := ms(t.Size), ms(t.Advance)
	start := max(0, ts-size+adv) / adv * adv
	out := make([]Window, 0, (size+adv-1)/adv)
	for ; start <= ts; start += adv {
		out = append(out, Window{Start: start, End: start + size})
	}
	return out
}

// SlidingWindows defines windows of a maximum time difference between
// records: each window is [t-Difference, t] with both ends inclusive.
type SlidingWindows struct {
	Difference time.Duration
	Grace      time.Duration
}

// Sliding returns sliding windows of the given time difference.
func Sliding(difference, grace time.Duration) SlidingWindows {
	return SlidingWindows{Difference: difference, Grace: grace}
}

// Validate reports whether the definition is usable.
func (s SlidingWindows) Validate() error {
	if s.Difference <= 0 {
		return fmt.Errorf("sliding window difference %v must be positive: %w", s.Difference, ErrInvalid)
	}
	if s.Difference%time.Millisecond != 0 {
		return fmt.Errorf("sliding window difference %v must be whole milliseconds: %w", s.Difference, ErrInvalid)
	}
	if s.Grace < 0 {
		return fmt.Errorf("grace %v must not be negative: %w", s.Grace, ErrInvalid)
	}
	return nil
}

// SessionWindows defines per-key sessions that end after Gap of inactivity.
// A session [start, end] has both ends inclusive; a lone record makes [t, t].
type SessionWindows struct {
	Gap   time.Duration
	Grace time.Duration
}

// Sessions returns session windows with the given inactivity gap.
func Sessions(gap, grace time.Duration) SessionWindows {
	return SessionWindows{Gap: gap, Grace: grace}
}

// Validate reports whether the definition is usable.
func (s SessionWindows) Validate() error {
	if s.Gap <= 0 {
		return fmt.Errorf("session gap %v must be positive: %w", s.Gap, ErrInvalid)
	}
	if s.Gap%time.Millisecond != 0 {
		return fmt.Errorf("session gap %v must be whole milliseconds: %w", s.Gap, ErrInvalid)
	}
	if s.Grace < 0 {
		return fmt.Errorf("grace %v must not be negative: %w", s.Grace, ErrInvalid)
	}
	return nil
}

// JoinWindows bounds a stream-stream join: a left record at t joins right
// records with timestamps in [t-Before, t+After]. Grace is how long after
// that interval ends late records are still joined, and when unmatched
// left/outer results are finally emitted.
type JoinWindows struct {
	Before time.Duration
	After  time.Duration
	Grace  time.Duration
}

// JoinWithin returns symmetric join windows: records join when their
// timestamps differ by at most d.
func JoinWithin(d, grace time.Duration) JoinWindows {
	return JoinWindows{Before: d, After: d, Grace: grace}
}

// Validate reports whether the definition is usable.
func (j JoinWindows) Validate() error {
	if j.Before < 0 || j.After < 0 || j.Before+j.After < 0 {
		return fmt.Errorf("join window before %v and after %v must not be negative: %w", j.Before, j.After, ErrInvalid)
	}
	if j.Grace < 0 {
		return fmt.Errorf("grace %v must not be negative: %w", j.Grace, ErrInvalid)
	}
	return nil
}
