package catalog

import (
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
)

// joinTypeText names a join type the way ksqlDB's messages do.
func joinTypeText(t ast.JoinType) string {
	switch t {
	case ast.LeftJoin:
		return "LEFT [OUTER] JOIN"
	case ast.RightJoin:
		return "RIGHT [OUTER] JOIN"
	case ast.FullJoin:
		return "[FULL] OUTER JOIN"
	}
	return "[INNER] JOIN"
}

// join analyzes the i-th join: the rows of Sources[0..i] joined with
// Sources[i+1].
func (a *analyzer) join(i int, j *ast.Join) (*Join, error) {
	right := a.q.Sources[i+1]
	leftType, rightType := a.joinResult, right.Source.Type
	leftName := a.q.Sources[0].Alias
	if i > 0 {
		leftName = "the join of " + a.q.Sources[0].Alias + " and " + a.q.Sources[i].Alias
	}
	got := leftName + " " + joinTypeText(j.Type) + " " + right.Alias
	out := &Join{Type: j.Type, Right: right}
	switch {
	case leftType == Stream && rightType == Stream:
		out.Kind = StreamStream
		if j.Within == nil {
			return nil, invalid(j.Pos(), "add a join window: ... JOIN "+right.Alias+" WITHIN 1 HOUR ON ...",
				"Stream-Stream joins must have a WITHIN clause specified. None was provided.")
		}
		out.Within = &JoinWindow{Before: j.Within.Before.D(), After: j.Within.After.D()}
		if j.Within.Grace != nil {
			g := j.Within.Grace.D()
			out.Within.Grace = &g
		}
	case leftType == Stream && rightType == Table:
		out.Kind = StreamTable
		switch j.Type {
		case ast.RightJoin:
			return nil, invalid(j.Pos(), "use LEFT JOIN or INNER JOIN", "Invalid join type: right-outer join not supported for stream-table join. Got %s.", got)
		case ast.FullJoin:
			return nil, invalid(j.Pos(), "use LEFT JOIN or INNER JOIN", "Invalid join type: full-outer join not supported for stream-table join. Got %s.", got)
		}
	case leftType == Table && rightType == Stream:
		return nil, invalid(j.Pos(), "put the stream first: "+right.Alias+" ... JOIN "+leftName,
			"Invalid join order: table-stream joins are not supported; only stream-table joins. Got %s.", got)
	default:
		out.Kind = TableTable
	}
	if j.Within != nil && out.Kind != StreamStream {
		what := "Stream-Table"
		if out.Kind == TableTable {
			what = "Table-Table"
		}
		return nil, invalid(j.Within.Pos(), "remove the WITHIN clause",
			"A window definition was provided for a %s join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your join again.", what)
	}

	// ON must compare one expression on each side.
	eq, ok := j.On.(*ast.Binary)
	if !ok || eq.Op != ast.Eq {
		hint := "join on an equality: ON " + leftName + ".<column> = " + right.Alias + ".<column>"
		if ok && eq.Op == ast.And {
			hint = "ksqlDB joins on one equality; build a single key (for example with CONCAT) on each side"
		}
		return nil, invalid(j.On.Pos(), hint, "Unsupported join criteria %s: a join needs ON <left expression> = <right expression>", ast.String(j.On))
	}
	l, r := eq.L, eq.R
	for _, side := range []ast.Expr{l, r} {
		if _, _, err := a.compileInput(side, "the join condition"); err != nil {
			return nil, err
		}
	}
	ls, rs := a.sidesOf(l, i), a.sidesOf(r, i)
	if ls == sideRight && rs == sideLeft {
		l, r, ls, rs = r, l, rs, ls
	}
	if ls != sideLeft || rs != sideRight {
		return nil, invalid(j.On.Pos(), "each side of = must use columns of one side only",
			"Invalid comparison expression '%s' in join '%s'. Each side of the join comparison must contain references from exactly one source.",
			ast.String(eq), got)
	}
	lq, lc, err := a.compileInput(l, "the join condition")
	if err != nil {
		return nil, err
	}
	rq, rc, err := a.compileInput(r, "the join condition")
	if err != nil {
		return nil, err
	}
	if !lc.Type().Equal(rc.Type()) {
		return nil, invalid(j.On.Pos(), "CAST one side: CAST("+ast.String(l)+" AS "+rc.Type().String()+") = "+ast.String(r),
			"Invalid join condition: types don't match. Got %s{%s} = %s{%s}.", ast.String(l), lc.Type(), ast.String(r), rc.Type())
	}
	out.LeftKey, out.RightKey = lc, rc
	cond := ast.String(lq) + " = " + ast.String(rq)

	// Key rules.
	rightKey := right.Source.Key()
	leftIsKey := a.isKey(lq)
	rightIsKey := len(rightKey) == 1 && ast.Equal(rq, colRef(right.Alias, rightKey[0].Name))
	if rightType == Table && len(rightKey) > 1 {
		return nil, newError(ErrUnsupported, j.Pos(), "", "JOINs are not supported with multiple key columns: %s has %s", right.Source.Name, schemaList(rightKey))
	}
	switch out.Kind {
	case StreamTable:
		if !rightIsKey {
			return nil, invalid(j.On.Pos(), "join on "+right.Alias+"."+rightKey[0].Name+", the table's PRIMARY KEY",
				"Invalid join condition: stream-table joins require to join on the table's primary key. Got %s.", cond)
		}
		out.RepartitionLeft = !leftIsKey
	case StreamStream:
		out.RepartitionLeft = !leftIsKey
		out.RepartitionRight = !rightIsKey
	case TableTable:
		if len(a.keyAlts) != 1 {
			return nil, newError(ErrUnsupported, j.Pos(), "", "JOINs are not supported with multiple key columns: the left side has %d", len(a.keyAlts))
		}
		switch {
		case leftIsKey && rightIsKey:
		case rightIsKey:
			out.ForeignKey = true
			if j.Type == ast.RightJoin || j.Type == ast.FullJoin {
				return nil, newError(ErrUnsupported, j.Pos(), "use INNER JOIN or LEFT JOIN", "%s on a foreign key is not supported", joinTypeText(j.Type))
			}
		case leftIsKey:
			return nil, invalid(j.On.Pos(), "join on "+right.Alias+"."+rightKey[0].Name+", the right table's PRIMARY KEY",
				"Invalid join condition: table-table joins require to join on the primary key of the right input table. Got %s.", cond)
		default:
			return nil, invalid(j.On.Pos(), "a table can only be joined on its PRIMARY KEY (or a column of the left table to the right table's PRIMARY KEY)",
				"Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column %s instead of %s",
				ast.String(colRef(right.Alias, rightKey[0].Name)), ast.String(rq))
		}
	}
	if !out.ForeignKey {
		lp, rp := a.q.Sources[0].Source.Partitions, right.Source.Partitions
		if lp > 0 && rp > 0 && lp != rp {
			ln, rn := a.q.Sources[0].Source.Name, right.Source.Name
			return nil, invalid(j.Pos(), "re-partition one side: CREATE STREAM ... WITH (PARTITIONS=n) AS SELECT * FROM ... PARTITION BY ...",
				"Can't join `%s` with `%s` since the number of partitions don't match. `%s` partitions = %d; `%s` partitions = %d. Please repartition either one so that the number of partitions match.",
				ln, rn, ln, lp, rn, rp)
		}
	}

	// The join result is keyed by the join expression: either side's
	// column, when the side is a column (a foreign-key join keeps the left
	// table's key).
	if !out.ForeignKey {
		var alts []ast.Expr
		for _, e := range []ast.Expr{lq, rq} {
			if _, ok := e.(*ast.ColumnRef); ok {
				alts = append(alts, e)
			}
		}
		if len(alts) == 0 {
			return nil, newError(ErrUnsupported, j.On.Pos(), "join on a column of at least one side, and compute the other side's expression",
				"a join whose both sides are expressions (%s) needs a synthetic key column, which is not supported", cond)
		}
		a.keyAlts = [][]ast.Expr{alts}
	}
	if out.Kind != TableTable {
		a.joinResult = Stream
	}
	return out, nil
}

type side int

const (
	sideNone side = iota
	sideLeft
	sideRight
	sideBoth
)

// sidesOf tells which side of the i-th join an expression reads.
func (a *analyzer) sidesOf(e ast.Expr, i int) side {
	s := sideNone
	ast.Walk(e, func(x ast.Expr) bool {
		ref, ok := x.(*ast.ColumnRef)
		if !ok {
			return true
		}
		slot, err := a.q.Input.Resolve(ref)
		if err != nil {
			return true // reported when the expression is compiled
		}
		this := sideNone
		for k, src := range a.q.Sources {
			if slot >= src.Offset && slot < src.Offset+src.Width() {
				switch {
				case k <= i:
					this = sideLeft
				case k == i+1:
					this = sideRight
				default:
					this = sideBoth // a later source: not allowed
				}
			}
		}
		switch {
		case s == sideNone:
			s = this
		case s != this:
			s = sideBoth
		}
		return true
	})
	return s
}

// isKey reports whether a qualified expression is the current key of the
// rows (a source's single key column, or an earlier join's key).
func (a *analyzer) isKey(e ast.Expr) bool {
	if len(a.keyAlts) != 1 {
		return false
	}
	for _, alt := range a.keyAlts[0] {
		if ast.Equal(alt, e) {
			return true
		}
	}
	return false
}
