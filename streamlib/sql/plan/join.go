package plan

import (
	"fmt"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/catalog"
	"github.com/streamworkshop/workshop/streamlib/sql/expr"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// join adds the i-th join of the query to the flow.
func (bd *builder) join(i int, j *catalog.Join, cur flow) (flow, error) {
	q := bd.q
	right, err := bd.source(j.Right)
	if err != nil {
		return flow{}, err
	}
	first := q.Sources[0]
	leftTime := func(row Row) any {
		if i == 0 {
			return row[first.RowtimeSlot()]
		}
		return row[q.RowtimeSlot]
	}
	rightTime := func(row Row) any { return row[j.Right.RowtimeSlot()] }
	off, w := j.Right.Offset, j.Right.Width()
	width := bd.width
	// merge puts the right row's slots into (a copy of) the left row; the
	// missing side of an outer join stays NULL.
	merge := func(l, r Row, ts any) Row {
		out := make(Row, width)
		if l != nil {
			copy(out, l)
		}
		if r != nil {
			copy(out[off:off+w], r[off:off+w])
		}
		out[q.RowtimeSlot] = ts
		return out
	}
	deref := func(r *Row) Row {
		if r == nil {
			return nil
		}
		return *r
	}
	name := fmt.Sprintf("JOIN-%d", i+1)
	switch j.Kind {
	case catalog.StreamTable:
		ks := right.keySerde
		left := cur.s
		if j.RepartitionLeft || cur.keyFormat != right.keyFormat {
			left = bd.rekey(left, []expr.Expr{j.LeftKey}, ks, true, "join key", name+"-REKEY")
		} else {
			left = bd.dropNullKeys(left, ks, name+"-KEYED")
		}
		var out streamlib.KStream[Row, Row]
		if j.Type == ast.LeftJoin {
			out = streamlib.LeftJoinTable(left, right.t, func(_ Row, l Row, r *Row) Row { return merge(l, deref(r), leftTime(l)) }, streamlib.Named(name))
		} else {
			out = streamlib.JoinTable(left, right.t, func(_ Row, l Row, r Row) Row { return merge(l, r, leftTime(l)) }, streamlib.Named(name))
		}
		return flow{s: out.WithSerdes(ks, bd.internal), keySerde: ks, keyFormat: right.keyFormat}, nil

	case catalog.StreamStream:
		var ks serde.Serde[Row]
		var kf = right.keyFormat
		switch {
		case !j.RepartitionRight:
			ks = right.keySerde
		case !j.RepartitionLeft:
			ks, kf = cur.keySerde, cur.keyFormat
		default:
			ks, kf = bd.internal, ""
		}
		ls, rs := cur.s, right.s
		if j.RepartitionLeft || cur.keyFormat != kf {
			ls = bd.rekey(ls, []expr.Expr{j.LeftKey}, ks, true, "join key", name+"-REKEY-LEFT")
		} else {
			ls = bd.dropNullKeys(ls, ks, name+"-KEYED-LEFT")
		}
		if j.RepartitionRight || right.keyFormat != kf {
			rs = bd.rekey(rs, []expr.Expr{j.RightKey}, ks, true, "join key", name+"-REKEY-RIGHT")
		} else {
			rs = bd.dropNullKeys(rs, ks, name+"-KEYED-RIGHT")
		}
		jopts := []streamlib.Option{streamlib.Named(name), streamlib.Materialized(name)}
		grace := catalog.DefaultGrace
		if j.Within.Grace != nil {
			grace = *j.Within.Grace
		}
		jw := window.JoinWindows{Before: j.Within.Before, After: j.Within.After, Grace: grace}
		var out streamlib.KStream[Row, Row]
		switch j.Type {
		case ast.InnerJoin:
			out = streamlib.Join(ls, rs, func(_ Row, l, r Row) Row { return merge(l, r, later(leftTime(l), rightTime(r))) }, jw, jopts...)
		case ast.LeftJoin:
			out = streamlib.LeftJoin(ls, rs, func(_ Row, l Row, r *Row) Row {
				rr := deref(r)
				if rr == nil {
					return merge(l, nil, leftTime(l))
				}
				return merge(l, rr, later(leftTime(l), rightTime(rr)))
			}, jw, jopts...)
		case ast.RightJoin:
			// The right side is kept: a left join seen from the right, with
			// the window mirrored.
			mirrored := window.JoinWindows{Before: jw.After, After: jw.Before, Grace: jw.Grace}
			out = streamlib.LeftJoin(rs, ls, func(_ Row, r Row, l *Row) Row {
				ll := deref(l)
				if ll == nil {
					return merge(nil, r, rightTime(r))
				}
				return merge(ll, r, later(leftTime(ll), rightTime(r)))
			}, mirrored, jopts...)
		case ast.FullJoin:
			out = streamlib.OuterJoin(ls, rs, func(_ Row, l, r *Row) Row {
				ll, rr := deref(l), deref(r)
				var ts any
				switch {
				case ll != nil && rr != nil:
					ts = later(leftTime(ll), rightTime(rr))
				case ll != nil:
					ts = leftTime(ll)
				case rr != nil:
					ts = rightTime(rr)
				}
				return merge(ll, rr, ts)
			}, jw, jopts...)
		}
		return flow{s: out.WithSerdes(ks, bd.internal), keySerde: ks, keyFormat: kf}, nil

	case catalog.TableTable:
		if j.ForeignKey {
			return flow{}, fmt.Errorf("%w: the foreign-key join of %s with %s; join on both tables' PRIMARY KEYs",
				ErrUnsupported, q.Sources[0].Source.Name, j.Right.Source.Name)
		}
		both := func(l, r Row) Row {
			var ts any
			switch {
			case l != nil && r != nil:
				ts = later(leftTime(l), rightTime(r))
			case l != nil:
				ts = leftTime(l)
			case r != nil:
				ts = rightTime(r)
			}
			return merge(l, r, ts)
		}
		var out streamlib.KTable[Row, Row]
		switch j.Type {
		case ast.InnerJoin:
			out = streamlib.TableJoin(cur.t, right.t, func(_ Row, l, r Row) Row { return both(l, r) }, streamlib.Named(name))
		case ast.LeftJoin:
			out = streamlib.TableLeftJoin(cur.t, right.t, func(_ Row, l Row, r *Row) Row { return both(l, deref(r)) }, streamlib.Named(name))
		case ast.RightJoin:
			out = streamlib.TableLeftJoin(right.t, cur.t, func(_ Row, r Row, l *Row) Row { return both(deref(l), r) }, streamlib.Named(name))
		case ast.FullJoin:
			out = streamlib.TableOuterJoin(cur.t, right.t, func(_ Row, l, r *Row) Row { return both(deref(l), deref(r)) }, streamlib.Named(name))
		}
		return flow{t: out.WithSerdes(cur.keySerde, bd.internal), table: true, keySerde: cur.keySerde, keyFormat: cur.keyFormat}, nil
	}
	return flow{}, fmt.Errorf("%w: %s join", ErrUnsupported, j.Kind)
}

// later returns the larger of two BIGINT timestamps (either may be NULL).
func later(a, b any) any {
	x, okA := a.(int64)
	y, okB := b.(int64)
	switch {
	case !okA:
		return b
	case !okB:
		return a
	case y > x:
		return y
	}
	return x
}
