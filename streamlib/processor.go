package streamlib

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/streamworkshop/workshop/streamlib/store"
)

// Processor is a node of a topology written by hand: the Processor API.
// The DSL builds on the same interface.
//
// Init is called once per task before any record, with the context the
// processor keeps for forwarding records, reaching stores and scheduling
// punctuations. Process is called for each input record, in order, from one
// goroutine. Close is called once when the task closes. An error returned by
// any of them stops the task and reaches the caller of the runtime (or of the
// test driver) wrapped with the node's name: errors, not panics, are the way
// to fail.
type Processor[KIn, VIn, KOut, VOut any] interface {
	Init(pctx ProcessorContext[KOut, VOut]) error
	Process(ctx context.Context, r Record[KIn, VIn]) error
	Close() error
}

// ProcessorSupplier makes a fresh Processor for each task.
type ProcessorSupplier[KIn, VIn, KOut, VOut any] func() Processor[KIn, VIn, KOut, VOut]

// ProcessFunc adapts a function to a stateless Processor whose Init and Close
// do nothing. The function receives the processor context to forward with.
func ProcessFunc[KIn, VIn, KOut, VOut any](f func(ctx context.Context, pctx ProcessorContext[KOut, VOut], r Record[KIn, VIn]) error) ProcessorSupplier[KIn, VIn, KOut, VOut] {
	return func() Processor[KIn, VIn, KOut, VOut] { return &funcProcessor[KIn, VIn, KOut, VOut]{f: f} }
}

type funcProcessor[KIn, VIn, KOut, VOut any] struct {
	pctx ProcessorContext[KOut, VOut]
	f    func(context.Context, ProcessorContext[KOut, VOut], Record[KIn, VIn]) error
}

func (p *funcProcessor[KIn, VIn, KOut, VOut]) Init(pctx ProcessorContext[KOut, VOut]) error {
	p.pctx = pctx
	return nil
}

func (p *funcProcessor[KIn, VIn, KOut, VOut]) Process(ctx context.Context, r Record[KIn, VIn]) error {
	return p.f(ctx, p.pctx, r)
}

func (p *funcProcessor[KIn, VIn, KOut, VOut]) Close() error { return nil }

// TaskContext is what a processor can know and do besides forwarding: reach
// stores, read time, schedule punctuations, count drops.
type TaskContext interface {
	// ApplicationID is the application's ID ("driver" in the test driver).
	ApplicationID() string
	// TaskID is the task running this processor.
	TaskID() TaskID
	// Store returns the state store with that name, which must be connected
	// to this processor (see Builder.AddStore and KStream.Process). Use the
	// typed helpers KeyValueStoreOf, WindowStoreOf and SessionStoreOf.
	Store(name string) (store.StateStore, error)
	// StreamTime is the largest record timestamp the task has processed.
	StreamTime() int64
	// WallClock is the current wall-clock time in milliseconds (the test
	// driver's mock clock when testing).
	WallClock() int64
	// RecordMetadata says where the record being processed came from; ok is
	// false during punctuation.
	RecordMetadata() (md RecordMetadata, ok bool)
	// Schedule calls fn every interval, on stream time or on wall-clock time.
	Schedule(interval time.Duration, typ PunctuationType, fn Punctuator) (Cancel, error)
	// Dropped counts a record this processor chose to drop (late, null key,
	// no join partner...) under reason, and logs it at debug level.
	Dropped(reason string)
	// Logger is the task's logger, with task and node attributes.
	Logger() *slog.Logger
}

// ProcessorContext is the TaskContext of a processor that outputs records
// of type Record[K, V].
type ProcessorContext[K, V any] interface {
	TaskContext
	// Forward sends r to every child of this processor.
	Forward(ctx context.Context, r Record[K, V]) error
	// ForwardTo sends r to the named child only.
	ForwardTo(ctx context.Context, child string, r Record[K, V]) error
}

// PunctuationType says which clock drives a punctuation.
type PunctuationType int

const (
	// StreamTime punctuations fire as record timestamps advance stream time.
	// They never fire while no records arrive.
	StreamTime PunctuationType = iota
	// WallClockTime punctuations fire as the system clock advances (the test
	// driver's AdvanceWallClock in tests).
	WallClockTime
)

func (t PunctuationType) String() string {
	if t == StreamTime {
		return "stream-time"
	}
	return "wall-clock-time"
}

// Punctuator is called by a schedule with the time (in milliseconds, of the
// schedule's clock) at which it fires.
type Punctuator func(ctx context.Context, timestamp int64) error

// Cancel stops a schedule.
type Cancel func()

// ErrNoSuchStore is returned when a processor asks for a store that does not
// exist or is not connected to it.
var ErrNoSuchStore = errors.New("streamlib: no such store")

// ErrStoreType is returned when a store has a different shape or types than
// the caller asked for.
var ErrStoreType = errors.New("streamlib: store has another type")

// KeyValueStoreOf returns the named key-value store with its types.
func KeyValueStoreOf[K, V any](tc TaskContext, name string) (store.KeyValueStore[K, V], error) {
	return storeAs[store.KeyValueStore[K, V]](tc, name)
}

// WindowStoreOf returns the named window store with its types.
func WindowStoreOf[K, V any](tc TaskContext, name string) (store.WindowStore[K, V], error) {
	return storeAs[store.WindowStore[K, V]](tc, name)
}

// SessionStoreOf returns the named session store with its types.
func SessionStoreOf[K, V any](tc TaskContext, name string) (store.SessionStore[K, V], error) {
	return storeAs[store.SessionStore[K, V]](tc, name)
}

func storeAs[S any](tc TaskContext, name string) (S, error) {
	var zero S
	st, err := tc.Store(name)
	if err != nil {
		return zero, err
	}
	s, ok := st.(S)
	if !ok {
		return zero, fmt.Errorf("store %q is a %T, not a %T: %w", name, st, zero, ErrStoreType)
	}
	return s, nil
}
