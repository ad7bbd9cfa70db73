package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/sql/types"
)

// Query is an analyzed SELECT: everything a planner needs to build the
// topology, with every expression compiled.
//
// The rows flow like this (see the package documentation for the recipe):
// each source's records become rows laid out as Input (SourceRef.Fill),
// the Joins combine them, Where filters, then either Aggregation groups
// (by its Keys, over Window) and HAVING filters its Output rows, or
// Repartition re-keys; finally Projection computes the output columns.
type Query struct {
	// Text is the canonical SQL of the query.
	Text string
	// Persistent is set for the body of CREATE ... AS SELECT and INSERT
	// INTO ... SELECT; clear for a push query.
	Persistent bool
	// Sources are the streams and tables in FROM, left to right.
	Sources []*SourceRef
	// Joins[i] joins the result of Sources[0..i] with Sources[i+1].
	Joins []*Join
	// Input is the layout of the rows that WHERE, GROUP BY, PARTITION BY,
	// the aggregate arguments and (without aggregation) the projection
	// read: the columns of every source in order (see SourceRef), then,
	// for a join, the ROWTIME of the joined row.
	Input *expr.Scope
	// RowtimeSlot is the slot of the joined row's ROWTIME in Input (the
	// join's output timestamp), or -1 when there is no join.
	RowtimeSlot int
	// Where is the WHERE condition over Input; nil when absent. A row is
	// kept only when it is TRUE (not NULL).
	Where expr.Expr
	// Window is the WINDOW clause; nil when absent.
	Window *Window
	// Aggregation is set for GROUP BY queries.
	Aggregation *Aggregation
	// Repartition is set for PARTITION BY.
	Repartition *Repartition
	// Projection lists the SELECT columns in order, expanded (* becomes
	// the columns). Their expressions read Aggregation.Output when there
	// is an aggregation, Input otherwise.
	Projection []*OutputColumn
	// Keys are the indexes in Projection of the result's key columns, in
	// key order. Empty for push queries, whose rows have no key.
	Keys []int
	// ResultType is STREAM or TABLE.
	ResultType SourceType
	// ResultWindow is set when the result is keyed by window too (a
	// windowed aggregation).
	ResultWindow *WindowInfo
	Emit         ast.Emit
	// Limit ends a push query after that many rows; nil for none.
	Limit *int64
}

// SourceNames returns the names of the sources the query reads.
func (q *Query) SourceNames() []string {
	out := make([]string, len(q.Sources))
	for i, s := range q.Sources {
		out[i] = s.Source.Name
	}
	return out
}

// KeyColumns returns the key columns of the result, in key order.
func (q *Query) KeyColumns() []Column {
	out := make([]Column, len(q.Keys))
	for i, k := range q.Keys {
		p := q.Projection[k]
		out[i] = Column{Name: p.Name, Type: p.Type, Key: true}
	}
	return out
}

// ValueColumns returns the value columns of the result: the projection
// without the key columns and the hidden window bounds.
func (q *Query) ValueColumns() []Column {
	var out []Column
	for _, p := range q.Projection {
		if !p.Key && !p.Hidden {
			out = append(out, Column{Name: p.Name, Type: p.Type})
		}
	}
	return out
}

// SourceRef is a source as one query reads it, under an alias. Its
// columns occupy Width consecutive slots of Query.Input from Offset: the
// source's Columns (keys, then values), then the pseudo-columns ROWTIME,
// ROWPARTITION and ROWOFFSET, then WINDOWSTART and WINDOWEND when the
// source is windowed.
type SourceRef struct {
	Source *Source
	// Alias is the name qualified references use (the source name when
	// the query gives no alias).
	Alias  string
	Offset int
}

// Width is the number of slots the source occupies in Input.
func (r *SourceRef) Width() int {
	n := len(r.Source.Columns) + 3
	if r.Source.Window != nil {
		n += 2
	}
	return n
}

// RowtimeSlot is the slot of the source's ROWTIME; ROWPARTITION and
// ROWOFFSET follow it.
func (r *SourceRef) RowtimeSlot() int { return r.Offset + len(r.Source.Columns) }

// RecordMeta is what a row knows about the record it came from.
type RecordMeta struct {
	// Timestamp is the event time in milliseconds.
	Timestamp int64
	Partition int32
	Offset    int64
	// WindowStart and WindowEnd are the window of a windowed source's key.
	WindowStart, WindowEnd int64
}

// Fill writes one record of the source into row, which is laid out as
// Query.Input: key holds the key columns' values and value the value
// columns' (a nil value, a tombstone, makes them all NULL).
func (r *SourceRef) Fill(row expr.Row, key, value []any, m RecordMeta) {
	k, v := 0, 0
	for i, c := range r.Source.Columns {
		var x any
		if c.Key {
			if k < len(key) {
				x = key[k]
			}
			k++
		} else {
			if v < len(value) {
				x = value[v]
			}
			v++
		}
		row[r.Offset+i] = x
	}
	t := r.RowtimeSlot()
	row[t], row[t+1], row[t+2] = m.Timestamp, m.Partition, m.Offset
	if r.Source.Window != nil {
		row[t+3], row[t+4] = m.WindowStart, m.WindowEnd
	}
}

// JoinKind classifies a join by the types of its two sides.
type JoinKind int

// The join kinds.
const (
	// StreamStream joins records of two streams that are WITHIN a time
	// distance; both sides trigger output.
	StreamStream JoinKind = iota + 1
	// StreamTable looks each stream record up in the table; only the
	// stream side triggers output.
	StreamTable
	// TableTable joins two tables on their primary keys (or, with
	// ForeignKey, a left column to the right's primary key); both sides
	// trigger output, and the result is a table.
	TableTable
)

// String returns "stream-stream", "stream-table" or "table-table".
func (k JoinKind) String() string {
	switch k {
	case StreamStream:
		return "stream-stream"
	case StreamTable:
		return "stream-table"
	case TableTable:
		return "table-table"
	}
	return fmt.Sprintf("JoinKind(%d)", int(k))
}

// Join is one join of a query.
type Join struct {
	Type ast.JoinType
	Kind JoinKind
	// Right is the source joined to the rows so far.
	Right *SourceRef
	// LeftKey and RightKey are the two sides of the ON equality, compiled
	// over Query.Input: LeftKey reads only slots of the sources on the
	// left, RightKey only those of Right. Rows match when they are equal
	// (and not NULL).
	LeftKey, RightKey expr.Expr
	// RepartitionLeft and RepartitionRight say that a side's records must
	// first be re-keyed by its join key, because it is not their key
	// already. Tables never are.
	RepartitionLeft, RepartitionRight bool
	// Within is the join window of a stream-stream join.
	Within *JoinWindow
	// ForeignKey is set for a table-table join of a left column to the
	// right table's primary key.
	ForeignKey bool
}

// JoinWindow is the WITHIN clause: a left record joins the right records
// whose timestamps are at most Before earlier and After later.
type JoinWindow struct {
	Before, After time.Duration
	// Grace is how long after the window closes late records still join;
	// nil when not given (ksqlDB's default is 24 hours).
	Grace *time.Duration
}

// DefaultGrace is ksqlDB's grace period for windows and join windows that
// do not state one.
const DefaultGrace = 24 * time.Hour

// Window is the WINDOW clause of an aggregation.
type Window struct {
	Type ast.WindowType
	// Size is the window size, or the inactivity gap of a session window.
	Size time.Duration
	// Advance is the hop of a hopping window; equal to Size for tumbling.
	Advance time.Duration
	// Grace is the grace period: DefaultGrace when not given (see
	// GraceGiven).
	Grace      time.Duration
	GraceGiven bool
	// Retention is how long the window store keeps windows; zero when not
	// given.
	Retention time.Duration
}

// Aggregation is the GROUP BY part of a query.
type Aggregation struct {
	// Keys are the GROUP BY expressions over Query.Input; their values
	// form the new key of each row.
	Keys []expr.Expr
	// Calls are the aggregate function calls of SELECT and HAVING, with
	// their arguments over Query.Input.
	Calls []*AggregateCall
	// Output is the layout of an aggregated row: the key values, the
	// results of Calls, then WINDOWSTART and WINDOWEND for a windowed
	// aggregation. HAVING and the projection read it.
	Output *expr.Scope
	// Having is the HAVING condition over Output; nil when absent. A
	// table result emits a tombstone for a key whose row stops matching.
	Having expr.Expr
	// Repartition is set when the rows must be re-keyed by Keys first,
	// because Keys are not the input's key.
	Repartition bool
	// FromTable is set when the input is a table: an update retracts the
	// old row (Aggregate.Undo) before adding the new one.
	FromTable bool
}

// WindowStartSlot is the slot of WINDOWSTART in Output (WINDOWEND
// follows), or -1 when the aggregation is not windowed.
func (a *Aggregation) WindowStartSlot() int {
	n := len(a.Keys) + len(a.Calls)
	if len(a.Output.Columns) > n {
		return n
	}
	return -1
}

// AggregateCall is one aggregate function call.
type AggregateCall struct {
	Func expr.Aggregate
	// Args are the arguments over Query.Input (empty for COUNT(*)).
	Args []expr.Expr
	// Text is the call as SQL.
	Text string
}

// Repartition is PARTITION BY: the rows get a new key.
type Repartition struct {
	// Keys are the new key's expressions over Query.Input; empty for
	// PARTITION BY NULL, which removes the key.
	Keys []expr.Expr
}

// OutputColumn is one column of the result.
type OutputColumn struct {
	Name string
	Type types.Type
	// Expr computes the column from an Input row, or from an Aggregation
	// Output row.
	Expr expr.Expr
	// Key is set for a key column of a persistent query's result.
	Key bool
	// Hidden is set for WINDOWSTART and WINDOWEND selected without an
	// alias by a persistent windowed aggregation: the windowed key carries
	// them, so they are not written to the value.
	Hidden bool
}

// String formats the column as "NAME TYPE [KEY]".
func (c *OutputColumn) String() string {
	s := ast.QuoteIdent(c.Name) + " " + c.Type.String()
	if c.Key {
		s += " KEY"
	}
	return s
}

// window converts a WINDOW clause.
func windowOf(w *ast.Window) (*Window, error) {
	out := &Window{Type: w.Type, Size: w.Size.D(), Grace: DefaultGrace}
	switch w.Type {
	case ast.Tumbling:
		out.Advance = out.Size
	case ast.Hopping:
		out.Advance = w.Advance.D()
	}
	if w.Grace != nil {
		out.Grace, out.GraceGiven = w.Grace.D(), true
	}
	if w.Retention != nil {
		out.Retention = w.Retention.D()
	}
	switch {
	case out.Size <= 0:
		return nil, invalid(w.Pos(), "", "the window size must be positive")
	case w.Type == ast.Hopping && (out.Advance <= 0 || out.Advance > out.Size):
		return nil, invalid(w.Pos(), "", "a hopping window must advance by more than zero and at most its size (%s), got %s", w.Size, w.Advance)
	case out.Retention > 0 && out.Retention < out.Size+out.Grace && w.Type != ast.Session:
		return nil, invalid(w.Pos(), fmt.Sprintf("make RETENTION at least %s", durationSQL(out.Size+out.Grace)),
			"The retention period of the window store must be at least the window size plus the grace period (%s + %s)",
			durationSQL(out.Size), durationSQL(out.Grace))
	}
	return out, nil
}

// describeKeyExprs lists expressions for messages: "A, B and C".
func describeKeyExprs(es []string) string {
	switch len(es) {
	case 0:
		return ""
	case 1:
		return es[0]
	}
	return strings.Join(es[:len(es)-1], ", ") + " and " + es[len(es)-1]
}

// Explain describes the analyzed query as a logical plan, one step per
// line, for EXPLAIN and for tests:
//
//	Sources:
//	  O: ORDERS (STREAM, topic orders, KAFKA/JSON)
//	Join 1: stream-table LEFT JOIN C: CUSTOMERS (TABLE) ON O.CUSTOMERID = C.ID, repartition left
//	Projection:
//	  CUSTOMERID BIGINT KEY = C.ID
//	Result: STREAM
func (q *Query) Explain() string {
	var b strings.Builder
	b.WriteString("Sources:\n")
	for _, s := range q.Sources {
		win := ""
		if s.Source.Window != nil {
			win = ", windowed " + s.Source.Window.String()
		}
		fmt.Fprintf(&b, "  %s: %s (%s, topic %s, %s/%s%s)\n", ast.QuoteIdent(s.Alias), ast.QuoteIdent(s.Source.Name),
			s.Source.Type, s.Source.Topic, s.Source.KeyFormat, s.Source.ValueFormat, win)
	}
	for i, j := range q.Joins {
		fmt.Fprintf(&b, "Join %d: %s %s %s: %s (%s) ON %s = %s", i+1, j.Kind, j.Type, ast.QuoteIdent(j.Right.Alias),
			ast.QuoteIdent(j.Right.Source.Name), j.Right.Source.Type, j.LeftKey, j.RightKey)
		if j.Within != nil {
			fmt.Fprintf(&b, ", within %s before and %s after", durationSQL(j.Within.Before), durationSQL(j.Within.After))
			if j.Within.Grace != nil {
				fmt.Fprintf(&b, ", grace %s", durationSQL(*j.Within.Grace))
			}
		}
		if j.ForeignKey {
			b.WriteString(", foreign key")
		}
		if j.RepartitionLeft {
			b.WriteString(", repartition left")
		}
		if j.RepartitionRight {
			b.WriteString(", repartition right")
		}
		b.WriteString("\n")
	}
	if q.Where != nil {
		fmt.Fprintf(&b, "Where: %s\n", q.Where)
	}
	if q.Repartition != nil {
		keys := make([]string, len(q.Repartition.Keys))
		for i, k := range q.Repartition.Keys {
			keys[i] = k.String()
		}
		if len(keys) == 0 {
			keys = []string{"NULL"}
		}
		fmt.Fprintf(&b, "Partition by: %s\n", strings.Join(keys, ", "))
	}
	if w := q.Window; w != nil {
		fmt.Fprintf(&b, "Window: %s size %s", w.Type, durationSQL(w.Size))
		if w.Type == ast.Hopping {
			fmt.Fprintf(&b, " advance %s", durationSQL(w.Advance))
		}
		if w.GraceGiven {
			fmt.Fprintf(&b, " grace %s", durationSQL(w.Grace))
		} else {
			fmt.Fprintf(&b, " grace %s (default)", durationSQL(w.Grace))
		}
		if w.Retention > 0 {
			fmt.Fprintf(&b, " retention %s", durationSQL(w.Retention))
		}
		b.WriteString("\n")
	}
	if a := q.Aggregation; a != nil {
		keys := make([]string, len(a.Keys))
		for i, k := range a.Keys {
			keys[i] = k.String()
		}
		calls := make([]string, len(a.Calls))
		for i, c := range a.Calls {
			calls[i] = c.Text
		}
		fmt.Fprintf(&b, "Group by: %s", strings.Join(keys, ", "))
		if a.Repartition {
			b.WriteString(", repartition")
		}
		if a.FromTable {
			b.WriteString(", from a table (undo on update)")
		}
		fmt.Fprintf(&b, "\nAggregates: %s\n", strings.Join(calls, ", "))
		if a.Having != nil {
			fmt.Fprintf(&b, "Having: %s\n", a.Having)
		}
	}
	b.WriteString("Projection:\n")
	for _, p := range q.Projection {
		extra := ""
		if p.Hidden {
			extra = " (in the windowed key)"
		}
		fmt.Fprintf(&b, "  %s = %s%s\n", p, p.Expr, extra)
	}
	fmt.Fprintf(&b, "Result: %s", q.ResultType)
	if q.ResultWindow != nil {
		fmt.Fprintf(&b, " windowed %s", q.ResultWindow)
	}
	if q.Emit != ast.EmitNone {
		fmt.Fprintf(&b, ", EMIT %s", q.Emit)
	}
	if q.Limit != nil {
		fmt.Fprintf(&b, ", LIMIT %d", *q.Limit)
	}
	b.WriteString("\n")
	return b.String()
}
