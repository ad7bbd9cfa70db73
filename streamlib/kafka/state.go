package kafka

import "fmt"

// State is where an Application is in its life.
//
//	Created ──Start──▶ Rebalancing ◀──▶ Running
//	                        │              │
//	                        ▼              ▼
//	                  PendingShutdown ──▶ NotRunning   (Close, context cancelled)
//	                        │
//	                        ▼
//	                      Error                      (a processor or the cluster failed)
type State int

const (
	// Created is the state of a new Application before Start.
	Created State = iota
	// Rebalancing means the application is reading global tables, joining
	// its consumer group, or restoring the stores of newly assigned tasks.
	// It processes no records of the tasks being set up.
	Rebalancing
	// Running means every processing goroutine owns its tasks, restored,
	// and processes records.
	Running
	// PendingShutdown means the application is stopping: committing,
	// flushing and closing its stores.
	PendingShutdown
	// NotRunning is the state after a clean stop.
	NotRunning
	// Error is the state after a failure stopped the application; Err
	// returns the failure.
	Error
)

// String returns the state's name in upper case, as Kafka Streams prints it.
func (s State) String() string {
	switch s {
	case Created:
		return "CREATED"
	case Rebalancing:
		return "REBALANCING"
	case Running:
		return "RUNNING"
	case PendingShutdown:
		return "PENDING_SHUTDOWN"
	case NotRunning:
		return "NOT_RUNNING"
	case Error:
		return "ERROR"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// MarshalText encodes the state as its name, so that JSON metrics read
// "RUNNING" rather than a number.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// terminal reports whether no transition leaves s.
func (s State) terminal() bool { return s == NotRunning || s == Error }

// validTransition lists the moves the application makes.
func validTransition(from, to State) bool {
	switch from {
	case Created:
		return to == Rebalancing || to == PendingShutdown
	case Rebalancing:
		return to == Running || to == PendingShutdown
	case Running:
		return to == Rebalancing || to == PendingShutdown
	case PendingShutdown:
		return to == NotRunning || to == Error
	}
	return false
}
