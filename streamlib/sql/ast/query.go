package ast

import (
	"fmt"
	"time"
)

// Query is SELECT ... FROM ... with its clauses, in the order the grammar
// fixes: SELECT, FROM, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING,
// EMIT, LIMIT. On its own it is a statement (a push query with EMIT
// CHANGES, a pull query without); it is also the body of CREATE ... AS
// SELECT and INSERT INTO ... SELECT.
type Query struct {
	Loc
	Select []SelectItem
	From   Relation
	// Window is the WINDOW clause; nil when absent.
	Window *Window
	// Where is the WHERE condition; nil when absent.
	Where   Expr
	GroupBy []Expr
	// PartitionBy holds the PARTITION BY expressions; PARTITION BY NULL is
	// a single NullLit.
	PartitionBy []Expr
	// Having is the HAVING condition; nil when absent.
	Having Expr
	Emit   Emit
	// Limit is the LIMIT row count; nil when absent.
	Limit *int64
}

// Emit is the EMIT clause of a query.
type Emit int

// The EMIT clauses.
const (
	EmitNone    Emit = iota // no EMIT clause
	EmitChanges             // EMIT CHANGES: every update
	EmitFinal               // EMIT FINAL: one result per window when it closes
)

// String returns CHANGES, FINAL or the empty string.
func (e Emit) String() string {
	switch e {
	case EmitChanges:
		return "CHANGES"
	case EmitFinal:
		return "FINAL"
	}
	return ""
}

// SelectItem is one entry of the SELECT list: *SelectAll or *SelectExpr.
type SelectItem interface {
	Node
	selectItemNode()
}

// SelectAll is * or Source.*.
type SelectAll struct {
	Loc
	// Source is the qualifier of Source.*; zero for a bare *.
	Source Ident
}

// SelectExpr is an expression with an optional alias: expr [AS alias].
type SelectExpr struct {
	Loc
	Expr  Expr
	Alias Ident
}

func (*SelectAll) selectItemNode()  {}
func (*SelectExpr) selectItemNode() {}

// Relation is what FROM reads: a *Source, or a *Join of relations.
type Relation interface {
	Node
	relationNode()
}

// Source is a stream or table named in FROM or JOIN, with an optional
// alias.
type Source struct {
	Loc
	Name  Ident
	Alias Ident
}

// JoinType is the kind of a JOIN.
type JoinType int

// The join types.
const (
	InnerJoin JoinType = iota + 1
	LeftJoin
	RightJoin
	FullJoin
)

// String returns the join type as SQL (INNER JOIN, LEFT JOIN, ...).
func (t JoinType) String() string {
	switch t {
	case InnerJoin:
		return "INNER JOIN"
	case LeftJoin:
		return "LEFT JOIN"
	case RightJoin:
		return "RIGHT JOIN"
	case FullJoin:
		return "FULL OUTER JOIN"
	}
	return fmt.Sprintf("JoinType(%d)", int(t))
}

// Join is Left <type> JOIN Right [WITHIN ...] ON On. Joins chain to the
// left: A JOIN B ON ... JOIN C ON ... is Join{Left: Join{A, B}, Right: C}.
type Join struct {
	Loc
	Type  JoinType
	Left  Relation
	Right *Source
	// Within is the join window of a stream-stream join; nil when absent.
	Within *Within
	On     Expr
}

func (*Source) relationNode() {}
func (*Join) relationNode()   {}

// TimeUnit is the unit of a Duration.
type TimeUnit int

// The time units of window sizes, advances, gaps and grace periods.
const (
	Milliseconds TimeUnit = iota + 1
	Seconds
	Minutes
	Hours
	Days
)

var unitDurations = map[TimeUnit]time.Duration{
	Milliseconds: time.Millisecond, Seconds: time.Second, Minutes: time.Minute,
	Hours: time.Hour, Days: 24 * time.Hour,
}

var unitNames = map[TimeUnit][2]string{
	Milliseconds: {"MILLISECOND", "MILLISECONDS"}, Seconds: {"SECOND", "SECONDS"},
	Minutes: {"MINUTE", "MINUTES"}, Hours: {"HOUR", "HOURS"}, Days: {"DAY", "DAYS"},
}

// String returns the unit's plural SQL name.
func (u TimeUnit) String() string { return unitNames[u][1] }

// Duration is an amount of time as written in SQL: 30 SECONDS.
type Duration struct {
	Value int64
	Unit  TimeUnit
}

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d.Value) * unitDurations[d.Unit] }

// String returns the duration as SQL, singular for 1 (1 SECOND, 30 SECONDS).
func (d Duration) String() string {
	names := unitNames[d.Unit]
	if d.Value == 1 {
		return fmt.Sprintf("%d %s", d.Value, names[0])
	}
	return fmt.Sprintf("%d %s", d.Value, names[1])
}

// WindowType is the kind of a WINDOW clause.
type WindowType int

// The window types.
const (
	Tumbling WindowType = iota + 1
	Hopping
	Session
)

// String returns the window type as SQL.
func (t WindowType) String() string {
	switch t {
	case Tumbling:
		return "TUMBLING"
	case Hopping:
		return "HOPPING"
	case Session:
		return "SESSION"
	}
	return fmt.Sprintf("WindowType(%d)", int(t))
}

// Window is a WINDOW clause:
//
//	WINDOW TUMBLING (SIZE n unit [, RETENTION n unit] [, GRACE PERIOD n unit])
//	WINDOW HOPPING (SIZE n unit, ADVANCE BY n unit [, RETENTION ...] [, GRACE PERIOD ...])
//	WINDOW SESSION (n unit [, RETENTION ...] [, GRACE PERIOD ...])
type Window struct {
	Loc
	Type WindowType
	// Size is the window size; for a session window, the inactivity gap.
	Size Duration
	// Advance is the hop of a hopping window.
	Advance Duration
	// Retention and Grace are nil when not given.
	Retention *Duration
	Grace     *Duration
}

// Within is the join window of a stream-stream join: WITHIN n unit (the
// same before and after) or WITHIN (before, after), with an optional GRACE
// PERIOD.
type Within struct {
	Loc
	Before, After Duration
	// Symmetric records the single-size form WITHIN n unit.
	Symmetric bool
	// Grace is nil when not given.
	Grace *Duration
}
