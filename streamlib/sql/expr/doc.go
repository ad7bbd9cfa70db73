// Package expr compiles SQL expressions into functions over rows, and
// implements the built-in scalar and aggregate functions.
//
// A Scope lists the columns of the rows an expression will see, by slot.
// Compile resolves the expression's column references against it, checks
// the types, and returns an Expr that evaluates quickly:
//
//	scope := &expr.Scope{Columns: []expr.Column{
//		{Source: "O", Name: "ID", Type: types.String},
//		{Source: "O", Name: "PRICE", Type: types.Double},
//	}}
//	e, _ := parser.ParseExpr("UCASE(id) || ':' || CAST(price * 2 AS STRING)")
//	c, err := expr.Compile(e, scope)      // type STRING
//	v, err := c.Eval(expr.Row{"o1", 4.5}) // "O1:9.0"
//
// # Semantics
//
// Values are the Go values of package types; NULL is nil. Logic is
// three-valued: NULL AND FALSE is FALSE, NULL OR TRUE is TRUE, a
// comparison with NULL is NULL, and x IN (..., NULL) is NULL when no
// element matches. Arithmetic widens INTEGER to BIGINT to DECIMAL to
// DOUBLE; a number with a decimal point (1.5) is an exact DECIMAL, as in
// ksqlDB, and one with an exponent (1.5E0) a DOUBLE. Integer arithmetic
// wraps like Java's. Strings concatenate with || and +.
//
// Evaluation errors are per row: an integer division by zero or a CAST of
// 'abc' to INTEGER returns an error from Eval, which ksqlDB would log to
// its processing log while producing NULL. Compile errors (an unknown
// column, a type mismatch) are *Error values with a position and a hint.
//
// # Functions
//
// Scalar functions: UCASE, LCASE, CONCAT, CONCAT_WS, SUBSTRING, LEN, TRIM,
// LTRIM, RTRIM, REPLACE, LPAD, RPAD, INSTR, INITCAP, SPLIT,
// REGEXP_EXTRACT, REGEXP_REPLACE, IFNULL, COALESCE, NULLIF, ABS, CEIL,
// FLOOR, ROUND, SQRT, EXP, LN, POWER, SIGN, GREATEST, LEAST, ARRAY_LENGTH,
// ARRAY_CONTAINS, AS_VALUE, TIMESTAMPTOSTRING, STRINGTOTIMESTAMP,
// FORMAT_TIMESTAMP, PARSE_TIMESTAMP, FROM_UNIXTIME and UNIX_TIMESTAMP.
// Functions lists them with their usage.
//
// Aggregate functions (NewAggregate): COUNT(*), COUNT(x), SUM, AVG, MIN,
// MAX, LATEST_BY_OFFSET, EARLIEST_BY_OFFSET, COLLECT_LIST and COLLECT_SET.
// An Aggregate folds rows into an accumulator, which is itself a typed SQL
// value so that a state store can keep it; COUNT, SUM, AVG and
// COLLECT_LIST can also Undo, which aggregating a TABLE needs.
//
// # Aggregations
//
// After a GROUP BY, the SELECT and HAVING expressions refer to the group
// keys and the aggregate results rather than to input columns. A Scope
// expresses that with Bindings: whole expressions (qualified with Qualify,
// so that ID and O.ID match) that are read from a slot instead of being
// computed.
package expr
