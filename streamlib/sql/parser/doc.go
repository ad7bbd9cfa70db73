// Package parser reads the streaming SQL dialect, a subset of ksqlDB, into
// the syntax tree of package ast.
//
//	stmts, err := parser.Parse(`
//		CREATE STREAM orders (id STRING KEY, customerid BIGINT, price DOUBLE)
//		  WITH (kafka_topic='orders', value_format='JSON');
//		SELECT customerid, COUNT(*) FROM orders
//		  WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY customerid EMIT CHANGES;`)
//
// It is a hand-written recursive-descent parser; expressions are parsed by
// precedence climbing (a Pratt parser) with ksqlDB's precedences, loosest
// first: OR, AND, NOT, the predicates (comparisons, IS [NOT] NULL,
// BETWEEN, IN, LIKE — which do not chain), ||, + and -, *, / and %,
// unary minus, and the postfix x[i] and x->f.
//
// # Errors
//
// Parsing stops at the first error, an *Error that says where (line and
// column), what was expected and what was found, and adds a hint when one
// helps: a misspelled keyword, a dangling comma, a clause out of order, an
// unclosed parenthesis, a string in double quotes.
//
//	line 1:54: expected one of EMIT, LIMIT, ';' but found 'FROM'
//
// Error.Caret draws the source line with a caret under the column.
//
// # Old KSQL forms
//
// Statements written for KSQL 5.x, before ksqlDB, are rejected with the
// modern statement in the message and in Error.Rewrite, and the error
// wraps ErrLegacy:
//
//	CREATE TABLE c (id BIGINT, name STRING) WITH (KAFKA_TOPIC='c', VALUE_FORMAT='JSON', KEY='id')
//	→ CREATE TABLE C (ID BIGINT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='c', VALUE_FORMAT='JSON')
//
//	DESCRIBE EXTENDED orders → DESCRIBE ORDERS EXTENDED
//
// A SELECT without EMIT CHANGES is valid syntax (a pull query); whether it
// can run as one depends on the catalogue, so package catalog reports that
// case. The backslash line continuations of old CLI scripts are accepted
// as white space.
package parser
