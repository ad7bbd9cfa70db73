// Package ast holds the syntax tree of the streaming SQL dialect (a subset
// of ksqlDB's) and prints it back as SQL.
//
// Statements are the nodes the parser returns: *CreateSource (CREATE
// STREAM/TABLE over a topic), *CreateAsSelect and *InsertInto (persistent
// queries), *Query (a push or pull query), *InsertValues, *Describe, *Show,
// *Drop, *Terminate, *Explain, *SetProperty and a few more. Expressions
// (Expr) are literals, column references, operators, CASE, CAST, function
// calls, subscripts and constructors.
//
// Identifiers are canonical: the parser upper-cases unquoted names and keeps
// quoted ones as written, so ORDERS, orders and `ORDERS` are the same name
// and `orders` is another.
//
// # Printing
//
// String prints a node as canonical single-line SQL, Pretty as one clause
// per line. Both round-trip: parsing the output gives the same tree, with
// parentheses only where precedence needs them and identifiers quoted only
// where they must be.
//
//	stmt, _ := parser.ParseStatement("select id, price*2 from orders o where o.price>10 emit changes")
//	fmt.Println(ast.String(stmt))
//	// SELECT ID, PRICE * 2 FROM ORDERS AS O WHERE O.PRICE > 10 EMIT CHANGES
//
// Dump shows the tree itself, field by field, as the parser's golden tests
// do. Walk, Children and Rewrite traverse and transform expressions.
package ast
