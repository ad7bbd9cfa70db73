package parser_test

import (
	"errors"
	"fmt"

	"github.com/streamworkshop/workshop/streamlib/sql/ast"
	"github.com/streamworkshop/workshop/streamlib/sql/parser"
)

func ExampleParse() {
	stmts, err := parser.Parse(`
		create stream orders (id string key, customerId bigint, price double)
		  with (kafka_topic='orders', value_format='json');
		select customerId, count(*) from orders
		  window tumbling (size 30 seconds) group by customerId emit changes;`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range stmts {
		fmt.Println(ast.Pretty(s) + ";")
	}
	// Output:
	// CREATE STREAM ORDERS (
	//   ID STRING KEY,
	//   CUSTOMERID BIGINT,
	//   PRICE DOUBLE
	// ) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='json');
	// SELECT CUSTOMERID, COUNT(*)
	// FROM ORDERS
	// WINDOW TUMBLING (SIZE 30 SECONDS)
	// GROUP BY CUSTOMERID
	// EMIT CHANGES;
}

func ExampleError() {
	_, err := parser.Parse("SELECT * FROM orders WHERE price > 10 GROUP BY id WINDOW TUMBLING (SIZE 1 MINUTE);")
	var pe *parser.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Error())
		fmt.Println(pe.Caret())
	}
	// Output:
	// line 1:51: expected one of ',', PARTITION BY, HAVING, …, ';' but found 'WINDOW'
	// hint: WINDOW is out of place; clauses must come in this order: SELECT … FROM … [WINDOW …] [WHERE …] [GROUP BY …] [PARTITION BY …] [HAVING …] [EMIT CHANGES|FINAL] [LIMIT n]
	// SELECT * FROM orders WHERE price > 10 GROUP BY id WINDOW TUMBLING (SIZE 1 MINUTE);
	//                                                   ^
}

func ExampleError_legacy() {
	_, err := parser.Parse("CREATE TABLE customers (id BIGINT, name VARCHAR) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', KEY='id');")
	var pe *parser.Error
	if errors.As(err, &pe) && errors.Is(err, parser.ErrLegacy) {
		fmt.Println(pe.Rewrite + ";")
	}
	// Output:
	// CREATE TABLE CUSTOMERS (ID BIGINT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON');
}
