-- Statements ksqlDB rejects, with the errors that teach.

--@test: key missing from projection
--@ksqldb: a persistent query must project its key columns: "Key missing from projection (ie, SELECT)" (PlanNode.java; issues #9318, #6372)
CREATE STREAM ratings (id STRING KEY, user_id BIGINT, stars INT) WITH (kafka_topic='ratings', value_format='JSON');
CREATE STREAM bad AS SELECT stars FROM ratings PARTITION BY user_id;
--@expected.error: Key missing from projection (ie, SELECT)

--@test: non aggregate column not in group by
--@ksqldb: every SELECT expression of an aggregation must be grouped or aggregated: "Non-aggregate SELECT expression(s) not part of GROUP BY" (AggregateAnalyzer.java; issue #8349)
CREATE STREAM orders (id STRING KEY, customerid BIGINT, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE bad AS SELECT customerid, product, COUNT(*) AS n FROM orders GROUP BY customerid;
--@expected.error: Non-aggregate SELECT expression(s) not part of GROUP BY: PRODUCT

--@test: window needs group by
--@ksqldb: "WINDOW clause requires a GROUP BY clause." (QTT window-bounds.json, LogicalPlanner)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM bad AS SELECT id, customerid FROM orders WINDOW TUMBLING (SIZE 1 MINUTE);
--@expected.error: WINDOW clause requires a GROUP BY clause.

--@test: emit final needs a windowed aggregation
--@ksqldb: "EMIT FINAL is only supported for windowed aggregations." (LogicalPlanner.java; QTT suppress.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE bad AS SELECT customerid, COUNT(*) AS n FROM orders GROUP BY customerid EMIT FINAL;
--@expected.error: EMIT FINAL is only supported for windowed aggregations.

--@test: stream table join must use the primary key
--@ksqldb: "Invalid join condition: stream-table joins require to join on the table's primary key" (QTT stream-table-join.json; issue #8127)
CREATE STREAM orders (id STRING KEY, customer_name STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM bad AS SELECT o.id AS id, c.id AS cid FROM orders o JOIN customers c ON o.customer_name = c.name;
--@expected.error: Invalid join condition: stream-table joins require to join on the table's primary key

--@test: table stream join order
--@ksqldb: "Invalid join order: table-stream joins are not supported; only stream-table joins." (QTT stream-table-join.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM bad AS SELECT c.id AS id, o.id AS oid FROM customers c JOIN orders o ON c.id = o.customerid;
--@expected.error: Invalid join order: table-stream joins are not supported; only stream-table joins.

--@test: full outer stream table join
--@ksqldb: a stream-table join is INNER or LEFT only: "Invalid join type: full-outer join not supported for stream-table join" (QTT stream-table-join.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON');
CREATE STREAM bad AS SELECT o.customerid AS id, c.name FROM orders o FULL OUTER JOIN customers c ON o.customerid = c.id;
--@expected.error: full-outer join not supported for stream-table join

--@test: stream stream join needs within
--@ksqldb: "Stream-Stream joins must have a WITHIN clause specified." (QTT joins.json)
CREATE STREAM orders (id STRING KEY, amount DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM payments (id STRING KEY, paid DOUBLE) WITH (kafka_topic='payments', value_format='JSON');
CREATE STREAM bad AS SELECT o.id AS id, p.paid FROM orders o JOIN payments p ON o.id = p.id;
--@expected.error: Stream-Stream joins must have a WITHIN clause specified.

--@test: kafka key format holds one column
--@ksqldb: the default KAFKA key format cannot hold a key of several columns: "The 'KAFKA' format only supports a single field" (KafkaSerdeFactory.java; QTT multi-col-keys.json)
CREATE STREAM orders (id STRING KEY, region STRING, product STRING) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE bad AS SELECT region, product, COUNT(*) AS n FROM orders GROUP BY region, product;
--@expected.error: The 'KAFKA' format only supports a single field

--@test: joined sources need the same partition count
--@ksqldb: "Can't join `X` with `Y` since the number of partitions don't match." (JoinNode.java; issue #7275)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON', partitions=3);
CREATE TABLE customers (id BIGINT PRIMARY KEY, name STRING) WITH (kafka_topic='customers', value_format='JSON', partitions=2);
CREATE STREAM bad AS SELECT o.customerid AS id, c.name FROM orders o JOIN customers c ON o.customerid = c.id;
--@expected.error: since the number of partitions don't match

--@test: the old key property is rejected with the modern statement
--@ksqldb: WITH (KEY='col') was removed in 0.10; a table declares its PRIMARY KEY column instead (upgrading notes "WITH(KEY) syntax removed")
CREATE TABLE customers (id BIGINT, name STRING) WITH (kafka_topic='customers', value_format='JSON', key='id');
--@expected.error: ID BIGINT PRIMARY KEY

--@test: a select without emit changes on a stream
--@ksqldb: since 0.6 a push query needs EMIT CHANGES; a SELECT without it is a pull query, which reads tables: "If you intended to issue a push query, resubmit with the EMIT CHANGES clause" (issues #3615, #4025)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
SELECT * FROM orders;
--@expected.error: resubmit with the EMIT CHANGES clause

--@test: describe extended in the old order
--@ksqldb: the old DESCRIBE EXTENDED x became DESCRIBE x EXTENDED (grammar change of 2021)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
DESCRIBE EXTENDED orders;
--@expected.error: DESCRIBE ORDERS EXTENDED

--@test: rowtime is a reserved column name
--@ksqldb: "'ROWTIME' is a reserved column name. You cannot use it as a name for a column." (SystemColumns, QTT system-columns.json)
CREATE STREAM events (id STRING KEY, rowtime BIGINT) WITH (kafka_topic='events', value_format='JSON');
--@expected.error: 'ROWTIME' is a reserved column name

--@test: an unknown column suggests a close name
--@ksqldb: a reference to a column the source does not have fails the statement (ksqlDB: "cannot be resolved"); the message here also suggests the closest name
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM bad AS SELECT id, customer_id FROM orders;
--@expected.error: did you mean CUSTOMERID

--@test: min cannot aggregate a table
--@ksqldb: only functions that can undo (COUNT, SUM, AVG, COLLECT_LIST) aggregate a TABLE: "The aggregation functions MIN cannot be applied to a table source" (aggregate-functions documentation)
CREATE TABLE accounts (id BIGINT PRIMARY KEY, branch STRING, balance BIGINT) WITH (kafka_topic='accounts', value_format='JSON');
CREATE TABLE bad AS SELECT branch, MIN(balance) AS low FROM accounts GROUP BY branch;
--@expected.error: cannot be applied to a table source, only to a stream source

--@test: insert into a table from a query
--@ksqldb: "INSERT INTO can only be used to insert into a stream." (QTT insert-into.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE TABLE counts AS SELECT customerid, COUNT(*) AS n FROM orders GROUP BY customerid;
INSERT INTO counts SELECT customerid, COUNT(*) AS n FROM orders GROUP BY customerid;
--@expected.error: INSERT INTO can only be used to insert into a stream

--@test: window bounds only in a windowed aggregation
--@ksqldb: "Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations" (QTT window-bounds.json)
CREATE STREAM orders (id STRING KEY, customerid BIGINT) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM bad AS SELECT id, WINDOWSTART AS ws FROM orders;
--@expected.error: Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations

--@test: a dangling comma gets a hint
--@ksqldb: the parser reports where it stopped and what it expected (ksqlDB's message for a workshop student's dangling comma was hard to read, issue #1386); ours names the comma
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM bad AS SELECT id, price, FROM orders;
--@expected.error: comma

--@test: drop refuses a source that queries use
--@ksqldb: "Cannot drop X. The following queries read from this source: [...]" until the queries are terminated (EngineContext.java; QTT drop_source.json)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM copy AS SELECT id, price FROM orders;
DROP STREAM orders;
--@expected.error: Cannot drop ORDERS.

--@test: terminate then drop
--@ksqldb: TERMINATE stops a persistent query by id, after which its sources can be dropped (QTT drop_source.json)
CREATE STREAM orders (id STRING KEY, price DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
CREATE STREAM copy AS SELECT id, price FROM orders;
TERMINATE CSAS_COPY_1;
DROP STREAM copy;
DROP STREAM orders;
CREATE STREAM orders (id STRING KEY, total DOUBLE) WITH (kafka_topic='orders', value_format='JSON');
ASSERT STREAM orders (id STRING KEY, total DOUBLE);
